/**
 * Canonical float64 parameters of an official checkpoint: every storage convention of the
 * official code resolved (see convert.ts), in the paper's terms and the layers' param records.
 */
import type { DPLRParams, S4DParams } from "../ssm/params.js";
import type { S4BlockConfig, S4DConfig, S4ModelConfig } from "./config.js";

/** y = W x + bias; W (outFeatures, inFeatures) row-major. */
export interface CanonicalLinear {
  /** Input width (columns of W). */
  inFeatures: number;
  /** Output width (rows of W). */
  outFeatures: number;
  /** W: (outFeatures, inFeatures) row-major. */
  weight: Float64Array;
  /** Bias: (outFeatures). */
  bias: Float64Array;
}

/** LayerNorm over the channel axis: gamma (weight), beta (bias), eps. */
export interface CanonicalLayerNorm {
  /** Gamma: (H). */
  weight: Float64Array;
  /** Beta: (H). */
  bias: Float64Array;
  /** Epsilon added to the variance before the square root. */
  eps: number;
}

/**
 * The SSM of a block. Diag: A, B, C, logDt as S4DParams (zoh or bilinear). DPLR: Lambda, P, B,
 * C, logDt as DPLRParams, always bilinear; `C` is exactly what the checkpoint holds: the original
 * C when `cForm` is "C" (official l_kernel = 0), else C-tilde = C (I - dA^tildeLength) at
 * tildeLength = l_kernel (recover C with cFromCTilde in ssm/discretize.ts).
 * C has `kernelChannels` = channels * (2 if bidirectional) rows of (H, N/2): when bidirectional,
 * rows [0, channels) are the forward kernels and [channels, 2 channels) the backward ones (the
 * official '(s c) h l' split with s = 2).
 */
export type CanonicalSSM =
  | {
      /** Diagonal (S4D) state matrix. */
      mode: "diag";
      /** Discretisation of the diagonal SSM. */
      disc: "zoh" | "bilinear";
      /** A, B, C, logDt. */
      params: S4DParams;
    }
  | {
      /** DPLR (S4) state matrix A = diag(Lambda) − P P^*. */
      mode: "dplr";
      /** Always bilinear for DPLR. */
      disc: "bilinear";
      /** Lambda, P, B, C (or CTilde), logDt. */
      params: DPLRParams;
    };

/**
 * models/s4/s4.py S4Block: y = GLU(Linear(GELU(SSMconv(u) + D u))), GLU value = first half (by
 * default; config.activation, multActivation and finalAct name other activations).
 */
export interface CanonicalS4Block {
  /** The official module this checkpoint came from. */
  module: "models/s4/s4.py:S4Block";
  /** The normalised constructor arguments. */
  config: S4BlockConfig;
  /** The SSM parameters (diag or DPLR). */
  ssm: CanonicalSSM;
  /** Skip D: (channels, H) (not doubled when bidirectional). */
  D: Float64Array;
  /** Linear(channels*H, 2H) (GLU output), Linear(channels*H, H) (other final_act), or null (final_act None). */
  outputLinear: CanonicalLinear | null;
}

/** models/s4/s4d.py S4D: the same math, diag ZOH with B = 1, Conv1d(H, 2H, 1) as a Linear. */
export interface CanonicalS4D {
  /** The official module this checkpoint came from. */
  module: "models/s4/s4d.py:S4D";
  /** The normalised constructor arguments. */
  config: S4DConfig;
  /** The SSM parameters: diagonal, ZOH, B = 1. */
  ssm: {
    /** Diagonal (S4D) state matrix. */
    mode: "diag";
    /** Zero-order hold. */
    disc: "zoh";
    /** A, B (all ones), C, logDt. */
    params: S4DParams;
  };
  /** Skip D: (1, H). */
  D: Float64Array;
  /** Linear(H, 2H) (the Conv1d weight (2H, H, 1) without its last axis). */
  outputLinear: CanonicalLinear;
}

/** example.py S4Model: encoder, n residual S4D layers with LayerNorm (pre or post), mean pool, decoder. */
export interface CanonicalS4Model {
  /** The official module this checkpoint came from. */
  module: "example.py:S4Model";
  /** The normalised constructor arguments. */
  config: S4ModelConfig;
  /** Linear(dInput, dModel) applied to every time step. */
  encoder: CanonicalLinear;
  /** The nLayers residual S4D layers, in order. */
  layers: CanonicalS4D[];
  /** One LayerNorm over dModel per layer (applied before or after the layer, per `prenorm`). */
  norms: CanonicalLayerNorm[];
  /** Linear(dModel, dOutput) applied after mean pooling over L. */
  decoder: CanonicalLinear;
}

/** The canonical parameters of any supported official module, discriminated by `module`. */
export type CanonicalCheckpoint = CanonicalS4Block | CanonicalS4D | CanonicalS4Model;
