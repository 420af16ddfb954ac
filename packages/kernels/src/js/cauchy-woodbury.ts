// Plain-TypeScript twin of assembly/cauchy-woodbury.ts (float64), same contract over arrays:
//   cauchyWoodbury1: out[h,m] = f[m] (r0 - r1 r2/(1 + r3)), r_s = cauchyConj of numerator set s
// Shapes: v (4,H,N), w (H,N), z (M), f (M), out (H,M). Built on the cauchyConj twin, so it checks
// the kernel's shared-denominator, register-reduced form against the textbook one.
import { cauchyConj } from "./cauchy.js";
import type { OutPlane, Plane } from "./planes.js";

export function cauchyWoodbury1(
  vRe: Plane,
  vIm: Plane,
  zRe: Plane,
  zIm: Plane,
  wRe: Plane,
  wIm: Plane,
  fRe: Plane,
  fIm: Plane,
  outRe: OutPlane,
  outIm: OutPlane,
  H: number,
  N: number,
  M: number,
): void {
  const r = { re: new Float64Array(4 * H * M), im: new Float64Array(4 * H * M) };
  cauchyConj(vRe, vIm, zRe, zIm, wRe, wIm, r.re, r.im, H, N, M, 0, 4);
  const HM = H * M;
  for (let h = 0; h < H; h++) {
    for (let m = 0; m < M; m++) {
      const i = h * M + m;
      const r1r = r.re[HM + i];
      const r1i = r.im[HM + i];
      const r2r = r.re[2 * HM + i];
      const r2i = r.im[2 * HM + i];
      const dr = 1 + r.re[3 * HM + i];
      const di = r.im[3 * HM + i];
      const tr = r1r * r2r - r1i * r2i;
      const ti = r1r * r2i + r1i * r2r;
      const den = dr * dr + di * di;
      const kr = r.re[i] - (tr * dr + ti * di) / den;
      const ki = r.im[i] - (ti * dr - tr * di) / den;
      outRe[i] = kr * fRe[m] - ki * fIm[m];
      outIm[i] = kr * fIm[m] + ki * fRe[m];
    }
  }
}
