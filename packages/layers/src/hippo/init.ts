import { S4ShapeError, S4ValueError } from "@s4wasm/kernels";
import { type Complex64, complex64 } from "../ssm/params.js";
import { nplr } from "./nplr.js";
import { makeRng, type Rng } from "./random.js";
import { checkStateSize } from "./transition.js";

/**
 * Initialisations of the official code (models/s4/s4.py `dplr` and `SSMKernel*` init):
 *   diagonal A = -real - i imag (H, N/2), real = 1/2 unless said:
 *     diag-lin:  imag = pi n
 *     diag-inv:  imag = N/pi (N/(1+2n) - 1)
 *     diag-real: imag = 0, real = 1 + n
 *     diag-legs: imag = -Im(Lambda) of the LegS NPLR (positive), i.e. A = the LegS diagonal
 *   B = 1 (B_init "constant"); DPLR "legs": Lambda, P~, B~ of nplr("legs") repeated over H.
 *   log_dt ~ U[log dt_min, log dt_max] per channel (H); C ~ complex normal (channels, H, N/2)
 *   with E|C|^2 = 1 (torch.randn on a complex dtype: real and imaginary parts N(0, 1/2)).
 */
export type DiagInit = "diag-lin" | "diag-inv" | "diag-real" | "diag-legs";
/** Every DiagInit name, in a fixed order. */
export const DIAG_INITS: readonly DiagInit[] = ["diag-lin", "diag-inv", "diag-real", "diag-legs"];

function checkH(where: string, H: unknown): number {
  if (typeof H !== "number" || !Number.isInteger(H) || H < 1) {
    throw new S4ShapeError(`${where}: expected an integer number of channels H >= 1, got ${String(H)}`);
  }
  return H;
}

/** Diagonal A (H, N/2) and B = 1 (H, N/2) of an official diagonal init. */
export function diagInit(
  init: DiagInit,
  N: number,
  H = 1,
): {
  /** Diagonal A (H, N/2), Re(A) < 0. */
  A: Complex64;
  /** B = 1 (H, N/2). */
  B: Complex64;
} {
  if (!(DIAG_INITS as readonly string[]).includes(init)) {
    throw new S4ValueError(`diagInit(init): expected one of ${DIAG_INITS.map((d) => `"${d}"`).join(", ")}, got ${String(init)}`);
  }
  checkStateSize("diagInit(N)", N, true);
  checkH("diagInit(H)", H);
  const N2 = N / 2;
  const real = new Float64Array(N2).fill(0.5);
  const imag = new Float64Array(N2);
  if (init === "diag-lin") for (let n = 0; n < N2; n++) imag[n] = Math.PI * n;
  else if (init === "diag-inv") for (let n = 0; n < N2; n++) imag[n] = (N / Math.PI) * (N / (1 + 2 * n) - 1);
  else if (init === "diag-real") for (let n = 0; n < N2; n++) real[n] = 1 + n;
  else {
    const L = nplr("legs", N).Lambda;
    for (let n = 0; n < N2; n++) imag[n] = -L.im[n];
  }
  const A = complex64(H * N2);
  const B = complex64(H * N2);
  for (let h = 0; h < H; h++)
    for (let n = 0; n < N2; n++) {
      A.re[h * N2 + n] = -real[n];
      A.im[h * N2 + n] = -imag[n];
      B.re[h * N2 + n] = 1;
    }
  return { A, B };
}

/** DPLR LegS init: Lambda (H, N/2), P (rank, H, N/2), B (H, N/2) from nplr("legs"), repeated over H. */
export function dplrLegsInit(
  N: number,
  H = 1,
  rank = 1,
): {
  /** Diagonal part Lambda (H, N/2). */
  Lambda: Complex64;
  /** Low-rank factor P (rank, H, N/2). */
  P: Complex64;
  /** Input matrix B (H, N/2). */
  B: Complex64;
} {
  checkStateSize("dplrLegsInit(N)", N, true);
  checkH("dplrLegsInit(H)", H);
  const d = nplr("legs", N, rank);
  const N2 = N / 2;
  const Lambda = complex64(H * N2);
  const P = complex64(rank * H * N2);
  const B = complex64(H * N2);
  for (let h = 0; h < H; h++) {
    Lambda.re.set(d.Lambda.re, h * N2);
    Lambda.im.set(d.Lambda.im, h * N2);
    B.re.set(d.B.re, h * N2);
    B.im.set(d.B.im, h * N2);
    for (let r = 0; r < rank; r++) {
      P.re.set(d.P.re.subarray(r * N2, (r + 1) * N2), (r * H + h) * N2);
      P.im.set(d.P.im.subarray(r * N2, (r + 1) * N2), (r * H + h) * N2);
    }
  }
  return { Lambda, P, B };
}

/** log_dt (H) uniform in [log dtMin, log dtMax] (official defaults 0.001, 0.1). */
export function randomLogDt(H: number, rng: Rng | number = 0, dtMin = 0.001, dtMax = 0.1): Float64Array {
  checkH("randomLogDt(H)", H);
  if (!(dtMin > 0) || !(dtMax >= dtMin) || !Number.isFinite(dtMax)) {
    throw new S4ValueError(`randomLogDt(dtMin, dtMax): expected 0 < dtMin <= dtMax < Infinity, got ${dtMin}, ${dtMax}`);
  }
  const r = typeof rng === "number" ? makeRng(rng) : rng;
  const lo = Math.log(dtMin);
  const hi = Math.log(dtMax);
  const out = new Float64Array(H);
  for (let h = 0; h < H; h++) out[h] = r.uniform() * (hi - lo) + lo;
  return out;
}

/** C (channels, H, N2) complex normal with E|C|^2 = 1. */
export function randomC(channels: number, H: number, N2: number, rng: Rng | number = 0): Complex64 {
  checkH("randomC(H)", H);
  if (!Number.isInteger(channels) || channels < 1 || !Number.isInteger(N2) || N2 < 1) {
    throw new S4ShapeError(`randomC(channels, N2): expected integers >= 1, got ${channels}, ${N2}`);
  }
  const r = typeof rng === "number" ? makeRng(rng) : rng;
  const n = channels * H * N2;
  const C = complex64(n);
  for (let i = 0; i < n; i++) {
    C.re[i] = r.normal() * Math.SQRT1_2;
    C.im[i] = r.normal() * Math.SQRT1_2;
  }
  return C;
}
