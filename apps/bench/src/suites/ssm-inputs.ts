// Shared inputs of the S4 kernel suites (cauchy, vandermonde, s4d-kernel, dplr-kernel): an S4
// layer's parameters as the official inits make them, seeded. H channels, N state size
// (N/2 stored conjugate-pair modes), dt log-uniform in [0.001, 0.1].
import { type Complex64, type DPLRParams, diagInit, dplrLegsInit, randomC, randomLogDt, type S4DParams } from "@s4wasm/layers";

/** Default sizes: H = 256, N = 64, L in {1024, 4096, 16384} (quick: tiny). */
export function kernelSizes(quick: boolean, sizes?: number[], full = true): { H: number; N: number; L: number }[] {
  if (quick) return [{ H: 4, N: 8, L: 64 }];
  return (sizes ?? (full ? [1024, 4096, 16384] : [1024, 4096])).map((L) => ({ H: 256, N: 64, L }));
}

/** S4D-Lin layer parameters (diag-lin A, B = 1, random C). */
export function s4dParams(H: number, N: number): S4DParams {
  const { A, B } = diagInit("diag-lin", N, H);
  return { H, N2: N / 2, channels: 1, logDt: randomLogDt(H, 1), A, B, C: randomC(1, H, N / 2, 2) };
}

/** S4 LegS DPLR parameters, C given as the official module stores it (C-tilde at L). */
export function dplrParams(H: number, N: number, L: number): DPLRParams {
  const { Lambda, P, B } = dplrLegsInit(N, H);
  return {
    H,
    N2: N / 2,
    rank: 1,
    channels: 1,
    logDt: randomLogDt(H, 3),
    Lambda,
    P,
    B,
    C: randomC(1, H, N / 2, 4),
    cForm: "CTilde",
    tildeLength: L,
  };
}

/** Re/im planes to one array (re then im) for validation. */
export function concat(re: ArrayLike<number>, im: ArrayLike<number>): Float64Array {
  const o = new Float64Array(2 * re.length);
  o.set(re);
  o.set(im, re.length);
  return o;
}

export function scaleRows(c: Complex64, dt: Float64Array, N2: number): Complex64 {
  const out = { re: new Float64Array(c.re.length), im: new Float64Array(c.re.length) };
  for (let i = 0; i < c.re.length; i++) {
    const d = dt[Math.floor(i / N2) % dt.length];
    out.re[i] = c.re[i] * d;
    out.im[i] = c.im[i] * d;
  }
  return out;
}
