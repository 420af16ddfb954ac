/**
 * The inverse of convert.ts: canonical parameters -> the official state_dict tensors (and the
 * config.json { module, args }), so a model made or changed here can be saved with
 * writeSafetensors and loaded by the official PyTorch code (or by loadOfficial).
 *   s4.py:  inv_dt = log dt (H, 1), A_real = log(-Re A), A_imag = -Im A, complex as view_as_real
 *   s4d.py: log_dt, log_A_real = log(-Re A), A_imag = +Im A, no B (it must be 1), Conv1d weight (2H, H, 1)
 */
import { S4ValueError } from "@s4wasm/kernels";
import type { Complex64 } from "../ssm/params.js";
import type { CanonicalCheckpoint, CanonicalS4Block, CanonicalS4D } from "./canonical.js";
import { convGroups, type OfficialConfig } from "./config.js";
import type { TensorToWrite } from "./safetensors.js";

type FloatDtype = "F32" | "F64";
type Tensors = Map<string, TensorToWrite>;

function put(t: Tensors, key: string, shape: number[], data: ArrayLike<number>, dtype: FloatDtype): void {
  t.set(key, { dtype, shape, data: dtype === "F32" ? Float32Array.from(data) : Float64Array.from(data) });
}

/** Split planes (first `n` values) -> view_as_real interleaved [re, im, re, im, ...]. */
function interleave(c: Complex64, n = c.re.length): Float64Array {
  const out = new Float64Array(2 * n);
  for (let i = 0; i < n; i++) {
    out[2 * i] = c.re[i];
    out[2 * i + 1] = c.im[i];
  }
  return out;
}

function logMinus(where: string, re: Float64Array, n: number): Float64Array {
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    if (!(re[i] < 0)) throw new S4ValueError(`${where}: Re A must be < 0 to be stored as -exp(.), got ${re[i]} at ${i}`);
    out[i] = Math.log(-re[i]);
  }
  return out;
}

function s4dTensors(t: Tensors, prefix: string, c: CanonicalS4D, dtype: FloatDtype): void {
  const { H, N2, logDt, A, B, C } = c.ssm.params;
  for (let i = 0; i < H * N2; i++) {
    if (B.re[i] !== 1 || B.im[i] !== 0)
      throw new S4ValueError(`officialTensors: s4d.py has no B parameter (B must be 1), got B[${i}] = ${B.re[i]}+${B.im[i]}i`);
  }
  put(t, `${prefix}D`, [H], c.D, dtype);
  put(t, `${prefix}kernel.C`, [H, N2, 2], interleave(C, H * N2), dtype);
  put(t, `${prefix}kernel.log_dt`, [H], logDt, dtype);
  put(t, `${prefix}kernel.log_A_real`, [H, N2], logMinus("officialTensors(A)", A.re, H * N2), dtype);
  put(t, `${prefix}kernel.A_imag`, [H, N2], A.im, dtype);
  put(t, `${prefix}output_linear.0.weight`, [2 * H, H, 1], c.outputLinear.weight, dtype);
  put(t, `${prefix}output_linear.0.bias`, [2 * H], c.outputLinear.bias, dtype);
}

function s4BlockTensors(t: Tensors, c: CanonicalS4Block, dtype: FloatDtype): void {
  const cfg = c.config;
  const H = cfg.dModel;
  // the canonical modes: an is_real or swap_channels or per-mode-dt checkpoint was resolved on
  // load, so it is written back in the default storage (complex, d_state = 2 N2, dt per channel)
  const N2 = c.ssm.params.N2;
  const nS = cfg.nSsm;
  const kc = convGroups(cfg) * (cfg.bidirectional ? 2 : 1);
  const p = c.ssm.params;
  const A = c.ssm.mode === "diag" ? c.ssm.params.A : c.ssm.params.Lambda;
  put(t, "layer.D", [convGroups(cfg), H], c.D, dtype);
  put(t, "layer.kernel.inv_dt", [H, 1], p.logDt, dtype);
  put(t, "layer.kernel.C", [kc, H, N2, 2], interleave(p.C), dtype);
  // n_ssm rows are stored; the reader repeats them to H ('(v t)'), so the first n_ssm rows are
  // the stored ones.
  put(t, "layer.kernel.B", [1, nS, N2, 2], interleave(p.B, nS * N2), dtype);
  put(t, "layer.kernel.A_real", [nS, N2], logMinus("officialTensors(A)", A.re, nS * N2), dtype);
  put(
    t,
    "layer.kernel.A_imag",
    [nS, N2],
    Array.from(A.im.subarray(0, nS * N2), (v) => -v),
    dtype,
  );
  if (c.ssm.mode === "dplr") {
    const q = c.ssm.params;
    const P = { re: new Float64Array(q.rank * nS * N2), im: new Float64Array(q.rank * nS * N2) };
    for (let r = 0; r < q.rank; r++) {
      P.re.set(q.P.re.subarray(r * H * N2, r * H * N2 + nS * N2), r * nS * N2);
      P.im.set(q.P.im.subarray(r * H * N2, r * H * N2 + nS * N2), r * nS * N2);
    }
    put(t, "layer.kernel.P", [q.rank, nS, N2, 2], interleave(P), dtype);
    const lk = q.cForm === "CTilde" ? (q.tildeLength as number) : 0;
    t.set("layer.kernel.l_kernel", { dtype: "I64", shape: [], data: BigInt64Array.of(BigInt(lk)) });
  }
  const out = c.outputLinear;
  if (out) {
    put(t, "output_linear.0.weight", [out.outFeatures, cfg.channels * H], out.weight, dtype);
    put(t, "output_linear.0.bias", [out.outFeatures], out.bias, dtype);
  }
}

/** The official state_dict of canonical parameters, for writeSafetensors (float32 like PyTorch by default). */
export function officialTensors(c: CanonicalCheckpoint, dtype: FloatDtype = "F32"): Map<string, TensorToWrite> {
  const t: Tensors = new Map();
  if (c.module === "models/s4/s4.py:S4Block") s4BlockTensors(t, c, dtype);
  else if (c.module === "models/s4/s4d.py:S4D") s4dTensors(t, "", c, dtype);
  else {
    put(t, "encoder.weight", [c.config.dModel, c.config.dInput], c.encoder.weight, dtype);
    put(t, "encoder.bias", [c.config.dModel], c.encoder.bias, dtype);
    for (const [i, layer] of c.layers.entries()) s4dTensors(t, `s4_layers.${i}.`, layer, dtype);
    for (const [i, n] of c.norms.entries()) {
      put(t, `norms.${i}.weight`, [c.config.dModel], n.weight, dtype);
      put(t, `norms.${i}.bias`, [c.config.dModel], n.bias, dtype);
    }
    put(t, "decoder.weight", [c.config.dOutput, c.config.dModel], c.decoder.weight, dtype);
    put(t, "decoder.bias", [c.config.dOutput], c.decoder.bias, dtype);
  }
  return t;
}

/** The config.json { module, args } that rebuilds the same module (official argument names). */
export function officialConfig(c: CanonicalCheckpoint): OfficialConfig {
  if (c.module === "models/s4/s4.py:S4Block") {
    const g = c.config;
    const args: Record<string, unknown> = {
      d_model: g.dModel,
      d_state: 2 * c.ssm.params.N2,
      mode: g.mode,
      init: g.init,
      channels: g.channels,
      bidirectional: g.bidirectional,
      transposed: g.transposed,
    };
    if (g.mode === "dplr") args.rank = g.rank;
    if (g.mode === "diag") args.disc = g.disc;
    if (g.nSsm !== g.dModel) args.n_ssm = g.nSsm;
    if (g.lMax !== null) args.l_max = g.lMax;
    if (g.activation !== "gelu") args.activation = g.activation;
    if (g.multActivation !== "id") args.mult_act = g.multActivation;
    if (g.finalAct !== "glu") args.final_act = g.finalAct;
    return { module: c.module, args };
  }
  if (c.module === "models/s4/s4d.py:S4D") {
    return { module: c.module, args: { d_model: c.config.dModel, d_state: c.config.dState, transposed: c.config.transposed } };
  }
  const g = c.config;
  return {
    module: c.module,
    args: { d_input: g.dInput, d_output: g.dOutput, d_model: g.dModel, n_layers: g.nLayers, prenorm: g.prenorm },
  };
}
