// Dense SSM step (S4 DPLR discretised densely, the official "dense" step mode), run for L steps:
//   x[b,h,:] = dA[h] @ x[b,h,:] + dB[h,:] * u[b,h,t]             (complex S x S matvec)
//   y[b,h,t] = Re(sum_i C[h,i] * x[b,h,i]) + D[h] * u[b,h,t]
// Full state (S = N for a conjugate-pair system of N/2 stored modes), so no factor 2.
// Shapes: x (B, H, S) complex, in place; dA (H, S, S) complex row-major; dB, C (H, S) complex;
// D (H); u, y (B, H, L) real, y may alias u. tmp: 2*S f32 host scratch (the matvec reads all of
// the old state while writing the new one). SIMD over the columns of dA; no allocation.

import { flushTiny } from "./flush-tiny";
@inline
function hsum(v: v128): f32 {
  return f32x4.extract_lane(v, 0) + f32x4.extract_lane(v, 1) + f32x4.extract_lane(v, 2) + f32x4.extract_lane(v, 3);
}

export function denseStep(
  xRe: usize, xIm: usize, dARe: usize, dAIm: usize, dBRe: usize, dBIm: usize, cRe: usize, cIm: usize,
  d: usize, u: usize, y: usize, tmp: usize, batch: i32, H: i32, S: i32, L: i32,
): void {
  const rowBytes = (<usize>S) << 2;
  const s4 = S & ~3;
  const tRe = tmp, tIm = tmp + rowBytes;
  for (let b = 0; b < batch; b++) {
    for (let h = 0; h < H; h++) {
      const bh = b * H + h;
      const s = <usize>bh * rowBytes;
      const p = <usize>h * rowBytes;
      const mat = <usize>h * <usize>S * rowBytes;
      const io = (<usize>bh * <usize>L) << 2;
      const dh = load<f32>(d + ((<usize>h) << 2));
      for (let t = 0; t < L; t++) {
        const ut = load<f32>(u + io + ((<usize>t) << 2));
        for (let i = 0; i < S; i++) {
          const r = mat + <usize>i * rowBytes;
          let accR = f32x4.splat(0), accI = f32x4.splat(0);
          let j = 0;
          for (; j < s4; j += 4) {
            const o = (<usize>j) << 2;
            const ar = v128.load(dARe + r + o), ai = v128.load(dAIm + r + o);
            const xr = v128.load(xRe + s + o), xi = v128.load(xIm + s + o);
            accR = f32x4.add(accR, f32x4.sub(f32x4.mul(ar, xr), f32x4.mul(ai, xi)));
            accI = f32x4.add(accI, f32x4.add(f32x4.mul(ar, xi), f32x4.mul(ai, xr)));
          }
          let sr = hsum(accR), si = hsum(accI);
          for (; j < S; j++) {
            const o = (<usize>j) << 2;
            const ar = load<f32>(dARe + r + o), ai = load<f32>(dAIm + r + o);
            const xr = load<f32>(xRe + s + o), xi = load<f32>(xIm + s + o);
            sr += ar * xr - ai * xi;
            si += ar * xi + ai * xr;
          }
          const io2 = (<usize>i) << 2;
          store<f32>(tRe + io2, sr + load<f32>(dBRe + p + io2) * ut);
          store<f32>(tIm + io2, si + load<f32>(dBIm + p + io2) * ut);
        }
        let acc = f32x4.splat(0);
        let i = 0;
        for (; i < s4; i += 4) {
          const o = (<usize>i) << 2;
          const nr = v128.load(tRe + o), ni = v128.load(tIm + o);
          v128.store(xRe + s + o, nr);
          v128.store(xIm + s + o, ni);
          acc = f32x4.add(acc, f32x4.sub(f32x4.mul(v128.load(cRe + p + o), nr), f32x4.mul(v128.load(cIm + p + o), ni)));
        }
        let yt = hsum(acc);
        for (; i < S; i++) {
          const o = (<usize>i) << 2;
          const nr = load<f32>(tRe + o), ni = load<f32>(tIm + o);
          store<f32>(xRe + s + o, nr);
          store<f32>(xIm + s + o, ni);
          yt += load<f32>(cRe + p + o) * nr - load<f32>(cIm + p + o) * ni;
        }
        store<f32>(y + io + ((<usize>t) << 2), yt + dh * ut);
        // flush tiny entries inside long runs too (see step.ts FLUSH_MASK)
        if ((t & 255) == 255) {
          flushTiny(xRe + s, S);
          flushTiny(xIm + s, S);
        }
      }
    }
  }
}
