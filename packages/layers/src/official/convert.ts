/**
 * Official storage conventions -> canonical float64 parameters. Every convention, as the two
 * official files store it (config.json `notes` of fixtures/official state them too):
 *
 *   s4.py  (SSMKernelDiag / SSMKernelDPLR):  dt = exp(inv_dt[:, 0]) (dt_transform 'exp', the
 *          default; the name says inverse but it is log dt), A = -exp(A_real) - i A_imag (note
 *          the MINUS), B = view_as_complex(B)[0], P = view_as_complex(P), C = view_as_complex(C);
 *          the other transforms, dt_fast, dt_tie, is_real, bandlimit: parameterization.ts;
 *          A_real / A_imag / B / P have n_ssm rows, repeated to H as '(v t)': channel h uses row
 *          h mod n_ssm. DPLR: l_kernel (int64 scalar) = 0 means C is the original C, > 0 means C
 *          holds C-tilde at that length (kept as is; see CanonicalSSM).
 *   s4d.py (S4DKernel): dt = exp(log_dt), A = -exp(log_A_real) + i A_imag (note the PLUS),
 *          B = 1, C = view_as_complex(C); output_linear is Conv1d(H, 2H, 1): weight (2H, H, 1).
 *   view_as_real: complex tensors carry a trailing axis [re, im].
 */
import { type Complex64, complex64 } from "../ssm/params.js";
import type { CanonicalCheckpoint, CanonicalLinear, CanonicalS4D } from "./canonical.js";
import { convGroups, type NormalizedConfig, type S4DConfig } from "./config.js";
import { foldModeSteps, maskBand, paramTransform, stepSizes, unswapColumns } from "./parameterization.js";
import { type SafetensorsFile, tensorToFloat64 } from "./safetensors.js";

function get(file: SafetensorsFile, key: string): Float64Array {
  const t = file.tensors.get(key);
  // validateCheckpoint ran first: every expected key exists with the right shape.
  if (!t) throw new Error(`internal: ${key} missing after validation`);
  return tensorToFloat64(t, key);
}

/** (..., 2) view_as_real -> split planes of (...). */
function complexOf(v: Float64Array): Complex64 {
  const n = v.length / 2;
  const c = complex64(n);
  for (let i = 0; i < n; i++) {
    c.re[i] = v[2 * i];
    c.im[i] = v[2 * i + 1];
  }
  return c;
}

/** Real values as complex planes with zero imaginary parts. */
function realOf(v: Float64Array): Complex64 {
  return { re: v, im: new Float64Array(v.length) };
}

/** Rows (nSsm, width) repeated to (H, width) the official '(v t)' way: row h = row h mod nSsm. */
function repeatRows(v: Float64Array, nSsm: number, H: number, width: number): Float64Array {
  const out = new Float64Array(H * width);
  for (let h = 0; h < H; h++) out.set(v.subarray((h % nSsm) * width, ((h % nSsm) + 1) * width), h * width);
  return out;
}

function repeatComplex(c: Complex64, nSsm: number, H: number, width: number, blocks = 1): Complex64 {
  const out = complex64(blocks * H * width);
  for (let b = 0; b < blocks; b++) {
    out.re.set(repeatRows(c.re.subarray(b * nSsm * width, (b + 1) * nSsm * width), nSsm, H, width), b * H * width);
    out.im.set(repeatRows(c.im.subarray(b * nSsm * width, (b + 1) * nSsm * width), nSsm, H, width), b * H * width);
  }
  return out;
}

function linear(file: SafetensorsFile, prefix: string, outF: number, inF: number): CanonicalLinear {
  // A Conv1d(in, out, 1) weight (out, in, 1) holds the same numbers in the same order.
  return { inFeatures: inF, outFeatures: outF, weight: get(file, `${prefix}weight`), bias: get(file, `${prefix}bias`) };
}

/** One s4d.py S4D layer under `prefix`. */
function s4dLayer(file: SafetensorsFile, prefix: string, cfg: S4DConfig): CanonicalS4D {
  const H = cfg.dModel;
  const N2 = cfg.dState / 2;
  const logAReal = get(file, `${prefix}kernel.log_A_real`);
  const AImag = get(file, `${prefix}kernel.A_imag`);
  const A = complex64(H * N2);
  for (let i = 0; i < H * N2; i++) {
    A.re[i] = -Math.exp(logAReal[i]);
    A.im[i] = AImag[i]; // s4d.py: + A_imag
  }
  const B = complex64(H * N2);
  B.re.fill(1);
  return {
    module: "models/s4/s4d.py:S4D",
    config: cfg,
    ssm: {
      mode: "diag",
      disc: "zoh",
      params: {
        H,
        N2,
        channels: 1,
        logDt: get(file, `${prefix}kernel.log_dt`),
        A,
        B,
        C: complexOf(get(file, `${prefix}kernel.C`)),
      },
    },
    D: get(file, `${prefix}D`),
    outputLinear: linear(file, `${prefix}output_linear.0.`, 2 * H, H),
  };
}

/** Convert a validated checkpoint to canonical parameters. */
export function toCanonical(cfg: NormalizedConfig, file: SafetensorsFile): CanonicalCheckpoint {
  if (cfg.module === "models/s4/s4d.py:S4D") return s4dLayer(file, "", cfg);
  if (cfg.module === "example.py:S4Model") {
    const H = cfg.dModel;
    const layerCfg: S4DConfig = { module: "models/s4/s4d.py:S4D", dModel: H, dState: cfg.dState, transposed: true };
    return {
      module: cfg.module,
      config: cfg,
      encoder: linear(file, "encoder.", H, cfg.dInput),
      layers: Array.from({ length: cfg.nLayers }, (_, i) => s4dLayer(file, `s4_layers.${i}.`, layerCfg)),
      norms: Array.from({ length: cfg.nLayers }, (_, i) => ({
        weight: get(file, `norms.${i}.weight`),
        bias: get(file, `norms.${i}.bias`),
        eps: 1e-5,
      })),
      decoder: linear(file, "decoder.", cfg.dOutput, H),
    };
  }
  // s4.py S4Block.
  const H = cfg.dModel;
  const N2 = cfg.modes;
  const { param } = cfg;
  const kc = convGroups(cfg) * (cfg.bidirectional ? 2 : 1);
  // (H, 1), or (H, N2) when dt_tie is false; log dt under the default transform
  const dt = stepSizes(get(file, "layer.kernel.inv_dt"), param, "layer.kernel.inv_dt");
  const AReal = repeatRows(get(file, "layer.kernel.A_real"), cfg.nSsm, H, N2);
  const AImag = param.isReal ? null : repeatRows(get(file, "layer.kernel.A_imag"), cfg.nSsm, H, N2);
  const A = complex64(H * N2);
  for (let i = 0; i < H * N2; i++) {
    A.re[i] = -paramTransform(AReal[i], param.realTransform);
    A.im[i] = AImag ? -paramTransform(AImag[i], param.imagTransform) : 0; // s4.py: - A_imag
  }
  // is_real stores B and C as real tensors: the complex path with zero imaginary parts is the
  // same kernel (2 Re sum of real terms) and the same step
  const complexTensor = (key: string) => (param.isReal ? realOf(get(file, key)) : complexOf(get(file, key)));
  const B = repeatComplex(complexTensor("layer.kernel.B"), cfg.nSsm, H, N2);
  const C = complexTensor("layer.kernel.C");
  if (param.bandlimit !== null) maskBand(C, A, dt, param.bandlimit, H, N2);
  const logDt = param.dtTie ? dt.map(Math.log) : foldModeSteps(A, B, dt, H);
  let out: CanonicalLinear | null = null;
  if (cfg.finalAct !== null) {
    const rows = cfg.finalAct === "glu" ? 2 * H : H;
    out = linear(file, "output_linear.0.", rows, cfg.channels * H);
    if (cfg.swapChannels) out.weight = unswapColumns(out.weight, rows, cfg.channels, H);
  }
  const common = { D: get(file, "layer.D"), outputLinear: out };
  if (cfg.mode === "diag") {
    return {
      module: cfg.module,
      config: cfg,
      ssm: { mode: "diag", disc: cfg.disc, params: { H, N2, channels: kc, logDt, A, B, C } },
      ...common,
    };
  }
  const P = repeatComplex(complexOf(get(file, "layer.kernel.P")), cfg.nSsm, H, N2, cfg.rank);
  const lKernel = Number(file.tensors.get("layer.kernel.l_kernel")?.data[0] ?? 0);
  return {
    module: cfg.module,
    config: cfg,
    ssm: {
      mode: "dplr",
      disc: "bilinear",
      params: {
        H,
        N2,
        rank: cfg.rank,
        channels: kc,
        logDt,
        Lambda: A,
        P,
        B,
        C,
        cForm: lKernel > 0 ? "CTilde" : "C",
        ...(lKernel > 0 ? { tildeLength: lKernel } : {}),
      },
    },
    ...common,
  };
}
