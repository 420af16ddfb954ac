// Plain-TypeScript twin of assembly/cauchy.ts (float64), same contract over arrays.
//   cauchy:          out[h,m] = sum_n v[h,n] / (z[m] - w[h,n])
//   cauchyConj:      out[s,h,m] = sum_n v/(z-w) + conj(v)/(z-conj(w))   (official cauchy_naive)
// Shapes: v (S,H,N), w (H,N), z (M) when zStride = 0 or (H,M) when zStride = M, out (S,H,M).
// The twin sums the two fractions of a conjugate pair separately (the textbook form) so it is an
// independent check of the product-denominator form the SIMD kernel uses.
import type { OutPlane, Plane } from "./planes.js";

export function cauchy(
  vRe: Plane,
  vIm: Plane,
  zRe: Plane,
  zIm: Plane,
  wRe: Plane,
  wIm: Plane,
  outRe: OutPlane,
  outIm: OutPlane,
  H: number,
  N: number,
  M: number,
  zStride: number,
): void {
  for (let h = 0; h < H; h++) {
    for (let m = 0; m < M; m++) {
      const zr = zRe[h * zStride + m];
      const zi = zIm[h * zStride + m];
      let ar = 0;
      let ai = 0;
      for (let n = 0; n < N; n++) {
        const i = h * N + n;
        const dr = zr - wRe[i];
        const di = zi - wIm[i];
        const q = 1 / (dr * dr + di * di);
        ar += (vRe[i] * dr + vIm[i] * di) * q;
        ai += (vIm[i] * dr - vRe[i] * di) * q;
      }
      outRe[h * M + m] = ar;
      outIm[h * M + m] = ai;
    }
  }
}

export function cauchyConj(
  vRe: Plane,
  vIm: Plane,
  zRe: Plane,
  zIm: Plane,
  wRe: Plane,
  wIm: Plane,
  outRe: OutPlane,
  outIm: OutPlane,
  H: number,
  N: number,
  M: number,
  zStride: number,
  S: number,
): void {
  for (let s = 0; s < S; s++) {
    for (let h = 0; h < H; h++) {
      for (let m = 0; m < M; m++) {
        const zr = zRe[h * zStride + m];
        const zi = zIm[h * zStride + m];
        let ar = 0;
        let ai = 0;
        for (let n = 0; n < N; n++) {
          const i = h * N + n;
          const vi0 = s * H * N + i;
          const vr = vRe[vi0];
          const vi = vIm[vi0];
          const wr = wRe[i];
          const wi = wIm[i];
          // v / (z - w)
          const dr = zr - wr;
          let di = zi - wi;
          let q = 1 / (dr * dr + di * di);
          ar += (vr * dr + vi * di) * q;
          ai += (vi * dr - vr * di) * q;
          // conj(v) / (z - conj(w))
          di = zi + wi;
          q = 1 / (dr * dr + di * di);
          ar += (vr * dr - vi * di) * q;
          ai += (-vi * dr - vr * di) * q;
        }
        outRe[s * H * M + h * M + m] = ar;
        outIm[s * H * M + h * M + m] = ai;
      }
    }
  }
}
