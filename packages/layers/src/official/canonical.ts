/**
 * Canonical float64 parameters of an official checkpoint: every storage convention of the
 * official code resolved (see convert.ts), in the paper's terms and the layers' param records.
 */
import type { DPLRParams, S4DParams } from "../ssm/params.js";
import type { S4BlockConfig, S4DConfig, S4ModelConfig } from "./config.js";

/** y = W x + bias; W (outFeatures, inFeatures) row-major. */
export interface CanonicalLinear {
  inFeatures: number;
  outFeatures: number;
  weight: Float64Array;
  bias: Float64Array;
}

/** LayerNorm over the channel axis: gamma (weight), beta (bias), eps. */
export interface CanonicalLayerNorm {
  weight: Float64Array;
  bias: Float64Array;
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
  | { mode: "diag"; disc: "zoh" | "bilinear"; params: S4DParams }
  | { mode: "dplr"; disc: "bilinear"; params: DPLRParams };

/** models/s4/s4.py S4Block: y = GLU(Linear(GELU(SSMconv(u) + D u))), GLU value = first half. */
export interface CanonicalS4Block {
  module: "models/s4/s4.py:S4Block";
  config: S4BlockConfig;
  ssm: CanonicalSSM;
  /** Skip D: (channels, H) (not doubled when bidirectional). */
  D: Float64Array;
  /** Linear(channels*H, 2H). */
  outputLinear: CanonicalLinear;
}

/** models/s4/s4d.py S4D: the same math, diag ZOH with B = 1, Conv1d(H, 2H, 1) as a Linear. */
export interface CanonicalS4D {
  module: "models/s4/s4d.py:S4D";
  config: S4DConfig;
  ssm: { mode: "diag"; disc: "zoh"; params: S4DParams };
  /** Skip D: (1, H). */
  D: Float64Array;
  /** Linear(H, 2H) (the Conv1d weight (2H, H, 1) without its last axis). */
  outputLinear: CanonicalLinear;
}

/** example.py S4Model: encoder, n residual S4D layers with LayerNorm (pre or post), mean pool, decoder. */
export interface CanonicalS4Model {
  module: "example.py:S4Model";
  config: S4ModelConfig;
  encoder: CanonicalLinear;
  layers: CanonicalS4D[];
  norms: CanonicalLayerNorm[];
  decoder: CanonicalLinear;
}

export type CanonicalCheckpoint = CanonicalS4Block | CanonicalS4D | CanonicalS4Model;
