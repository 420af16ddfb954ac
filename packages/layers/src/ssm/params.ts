/**
 * Parameter records of the two S4 parameterisations, in canonical (paper) form, float64.
 *
 * Shapes (row-major): H channels (dModel), N2 = N/2 stored complex modes (the other N/2 are
 * their conjugates), R low-rank terms, Cch output channels of C (usually 1; 2 when the official
 * module is bidirectional). Complex values are split planes `{ re, im }`.
 */
import type { Complex } from "@s4wasm/kernels";

/** A complex float64 array as split planes. */
export type Complex64 = Complex<Float64Array>;

/** Discretisation rule. S4D supports both; the S4 DPLR kernel is bilinear only (as the official code). */
export type Discretization = "zoh" | "bilinear";

/**
 * S4D: diagonal continuous SSM, A = diag(A) with Re(A) < 0, one step size dt = exp(logDt[h]) per channel.
 * Kernel `K[c,h,l] = 2 Re sum_n C[c,h,n] dB[h,n] dA[h,n]^l`.
 */
export interface S4DParams {
  /** channels H */
  H: number;
  /** stored modes N/2 */
  N2: number;
  /** output channels of C (1, or 2 for bidirectional) */
  channels: number;
  /** (H) log of the step size */
  logDt: Float64Array;
  /** (H, N2) the diagonal A itself: ARe < 0 */
  A: Complex64;
  /** (H, N2) input matrix (all ones in the official s4d.py) */
  B: Complex64;
  /** (channels, H, N2) output matrix */
  C: Complex64;
}

/**
 * S4 DPLR: A = diag(Lambda) - sum_r P_r P_r^* in conjugate-pair form; the real system is the full
 * 2*N2 one: A_full = diag([Lambda, conj Lambda]) - sum_r p_r p_r^H, p_r = [P_r, conj P_r],
 * B_full = [B, conj B], C_full = [C, conj C]. Bilinear discretisation.
 */
export interface DPLRParams {
  /** channels H */
  H: number;
  /** stored modes N/2 */
  N2: number;
  /** rank R of the low-rank term */
  rank: number;
  /** output channels of C */
  channels: number;
  /** (H) */
  logDt: Float64Array;
  /** (H, N2) diagonal part, Re < 0 */
  Lambda: Complex64;
  /** (R, H, N2) low-rank factor */
  P: Complex64;
  /** (H, N2) */
  B: Complex64;
  /**
   * (channels, H, N2). `cForm` says which C this is: the original output matrix ("C"), or
   * C-tilde = C (I - dA^L) at length `tildeLength` ("CTilde"), which is what the official module
   * stores in its C parameter.
   */
  C: Complex64;
  /** Which C `C` holds: the original output matrix ("C") or C-tilde at `tildeLength` ("CTilde"). */
  cForm: "C" | "CTilde";
  /** the L that C-tilde belongs to (required when cForm = "CTilde") */
  tildeLength?: number;
}

/** A zero complex float64 array of n elements. */
export function complex64(n: number): Complex64 {
  return { re: new Float64Array(n), im: new Float64Array(n) };
}

/** A complex array as new float64 planes. */
export function copyComplex64(c: Complex<Float32Array | Float64Array>): Complex64 {
  return { re: Float64Array.from(c.re), im: Float64Array.from(c.im) };
}

/**
 * A parameter record with every array copied into new float64 planes. The kernels keep such a
 * copy: the caller's record can change in place afterwards without reaching their caches (a
 * DPLR kernel built its dense system and C~ lazily from the record it was given, so an in-place
 * edit without setParams() mixed old and new values).
 */
export function copyParams<P extends object>(p: P): P {
  const out: Record<string, unknown> = {};
  for (const [key, v] of Object.entries(p)) {
    if (ArrayBuffer.isView(v)) out[key] = Float64Array.from(v as unknown as ArrayLike<number>);
    else if (typeof v === "object" && v !== null && "re" in v && "im" in v)
      out[key] = copyComplex64(v as Complex<Float32Array | Float64Array>);
    else out[key] = v;
  }
  return out as P;
}
