// Plain-TypeScript twin of assembly/vandermonde.ts (float64), same contract over arrays.
//   vandermonde:          out[h,l] = 2 Re sum_n C[h,n] z^l,  z = exp(logz[h,n]), l = 0..L-1
//   vandermondeTranspose: out[h,n] = C[h,n] sum_l u[h,l] z^l
// Powers by the plain recurrence p <- p z in float64 (error ~ l * 1e-16, 7e-12 at l = 65536).
import type { OutPlane, Plane } from "./planes.js";

/**
 * out[h, l] = 2 Re sum_n C[h, n] z^l, z = exp(logz[h, n]), l = 0..L-1: C, logz (H, N) complex,
 * out (H, L) real. Float64 power recurrence.
 */
export function vandermonde(
  cRe: Plane,
  cIm: Plane,
  logzRe: Plane,
  logzIm: Plane,
  out: OutPlane,
  H: number,
  N: number,
  L: number,
): void {
  for (let h = 0; h < H; h++) {
    const row = h * L;
    for (let l = 0; l < L; l++) out[row + l] = 0;
    for (let n = 0; n < N; n++) {
      const i = h * N + n;
      const mag = Math.exp(logzRe[i]);
      const zr = mag * Math.cos(logzIm[i]);
      const zi = mag * Math.sin(logzIm[i]);
      const c2r = 2 * cRe[i];
      const c2i = 2 * cIm[i];
      let pr = 1;
      let pi = 0;
      for (let l = 0; l < L; l++) {
        out[row + l] += c2r * pr - c2i * pi;
        const t = pr * zr - pi * zi;
        pi = pr * zi + pi * zr;
        pr = t;
      }
    }
  }
}

/**
 * out[h, n] = C[h, n] sum_l u[h, l] z^l, z = exp(logz[h, n]) (no factor 2): u (H, L) real,
 * C, logz (H, N) complex, out (H, N) complex.
 */
export function vandermondeTranspose(
  u: Plane,
  cRe: Plane,
  cIm: Plane,
  logzRe: Plane,
  logzIm: Plane,
  outRe: OutPlane,
  outIm: OutPlane,
  H: number,
  N: number,
  L: number,
): void {
  for (let h = 0; h < H; h++) {
    const row = h * L;
    for (let n = 0; n < N; n++) {
      const i = h * N + n;
      const mag = Math.exp(logzRe[i]);
      const zr = mag * Math.cos(logzIm[i]);
      const zi = mag * Math.sin(logzIm[i]);
      let pr = 1;
      let pi = 0;
      let sr = 0;
      let si = 0;
      for (let l = 0; l < L; l++) {
        const x = u[row + l];
        sr += x * pr;
        si += x * pi;
        const t = pr * zr - pi * zi;
        pi = pr * zi + pi * zr;
        pr = t;
      }
      outRe[i] = cRe[i] * sr - cIm[i] * si;
      outIm[i] = cRe[i] * si + cIm[i] * sr;
    }
  }
}
