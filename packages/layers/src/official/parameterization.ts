/**
 * The s4.py kernel parameterisation options, resolved once at load time into canonical dt, A, B,
 * C (SSMKernelDiag._get_params at rate 1, state-spaces/s4 models/s4/s4.py):
 *   dt = T_dt(dt_fast ? sinh(inv_dt) : inv_dt)            (H, 1), or (H, N2) when dt_tie is false
 *   A  = -T_re(A_real) - i T_im(A_imag)                   (is_real: no imaginary part)
 *   C  = C * [dt |Im A| / (2 pi) < bandlimit / 2]         (bandlimit, diag only)
 * with T the official param_transform. A per-mode dt (dt_tie false) is folded into A and B: the
 * diagonal kernel and step only see dt A and dB = B (exp(dt A) - 1) / A (zoh) or
 * B dt / (1 - dt A / 2) (bilinear), which A' = A dt, B' = B dt, dt' = 1 reproduce exactly.
 */
import { S4ValueError } from "@s4wasm/kernels";
import type { Complex64 } from "../ssm/params.js";
import type { ParamTransform, SSMParameterization } from "./config.js";

/** models/s4/s4.py param_transform: a stored value -> the positive parameter it encodes. */
export function paramTransform(p: number, t: ParamTransform): number {
  switch (t) {
    case "none":
      return p;
    case "exp":
      return Math.exp(p);
    case "relu":
      // the official code adds 1e-4 so a zero never reaches a log or a division
      return Math.max(p, 0) + 1e-4;
    case "sigmoid":
      return 1 / (1 + Math.exp(-p));
    case "softplus":
      // torch's F.softplus (beta 1, threshold 20): x itself above the threshold
      return p > 20 ? p : Math.log1p(Math.exp(p));
  }
}

/** dt from the stored inv_dt (any shape), checked positive and finite; `key` names the tensor. */
export function stepSizes(invDt: Float64Array, param: SSMParameterization, key: string): Float64Array {
  const dt = new Float64Array(invDt.length);
  for (let i = 0; i < dt.length; i++) {
    const v = param.dtFast ? Math.sinh(invDt[i]) : invDt[i];
    dt[i] = paramTransform(v, param.dtTransform);
    if (!(dt[i] > 0 && Number.isFinite(dt[i]))) {
      throw new S4ValueError(
        `loadOfficial: "${key}"[${i}] = ${invDt[i]} gives dt = ${dt[i]} under dt_transform "${param.dtTransform}"` +
          `${param.dtFast ? " with dt_fast" : ""}; expected a positive finite step size`,
      );
    }
  }
  return dt;
}

/**
 * Zero C[c, h, n] where dt |Im A[h, n]| / (2 pi) >= bandlimit / 2 (official bandlimit).
 * Shapes: C (channels, H, N2), A (H, N2), dt (H) or (H, N2).
 */
export function maskBand(C: Complex64, A: Complex64, dt: Float64Array, bandlimit: number, H: number, N2: number): void {
  const perMode = dt.length === H * N2;
  for (let h = 0; h < H; h++) {
    for (let n = 0; n < N2; n++) {
      const d = perMode ? dt[h * N2 + n] : dt[h];
      if ((d * Math.abs(A.im[h * N2 + n])) / (2 * Math.PI) < bandlimit * 0.5) continue;
      for (let i = h * N2 + n; i < C.re.length; i += H * N2) {
        C.re[i] = 0;
        C.im[i] = 0;
      }
    }
  }
}

/** A per-mode dt (H, N2) folded into A and B (in place); the returned log dt (H) is 0. */
export function foldModeSteps(A: Complex64, B: Complex64, dt: Float64Array, H: number): Float64Array {
  for (let i = 0; i < dt.length; i++) {
    A.re[i] *= dt[i];
    A.im[i] *= dt[i];
    B.re[i] *= dt[i];
    B.im[i] *= dt[i];
  }
  return new Float64Array(H);
}

/**
 * An output Linear weight (O, c*H) whose columns come in the official swap_channels order
 * (h c) -> the same Linear on the default (c h) order: W'[o, ci*H + h] = W[o, h*c + ci].
 * (The official FFTConv.step flattens (c h) whatever swap_channels says, so with c > 1 its step
 * disagrees with its own forward; ours streams what the forward computes.)
 */
export function unswapColumns(W: Float64Array, O: number, c: number, H: number): Float64Array {
  const out = new Float64Array(W.length);
  for (let o = 0; o < O; o++) {
    for (let ci = 0; ci < c; ci++) {
      for (let h = 0; h < H; h++) out[o * c * H + ci * H + h] = W[o * c * H + h * c + ci];
    }
  }
  return out;
}
