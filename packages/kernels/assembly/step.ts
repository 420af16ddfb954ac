// Fused diagonal SSM step (S4D, or a diagonalised DPLR) over a batch, run for L steps:
//   x[b,h,:] = dA[h,:] * x[b,h,:] + dB[h,:] * u[b,h,t]          (complex, elementwise)
//   y[b,h,t] = scale * Re(sum_m C[h,m] * x[b,h,m]) + D[h] * u[b,h,t]
// The state is updated BEFORE the readout (official convention, so K[0] = C dB). scale = 2 for
// the conjugate-pair half state of S4D (M = N/2 stored modes), 1 for a full state.
// Shapes: x (B, H, M) complex split planes, updated in place; dA, dB, C (H, M) complex;
// D (H) real; u, y (B, H, L) real (L = 1 is one streaming step). y may alias u.
// SIMD over the modes (4 per v128, scalar tail); no allocation.

@inline
function hsum(v: v128): f32 {
  return f32x4.extract_lane(v, 0) + f32x4.extract_lane(v, 1) + f32x4.extract_lane(v, 2) + f32x4.extract_lane(v, 3);
}

export function diagStep(
  xRe: usize, xIm: usize, dARe: usize, dAIm: usize, dBRe: usize, dBIm: usize, cRe: usize, cIm: usize,
  d: usize, u: usize, y: usize, batch: i32, H: i32, M: i32, L: i32, scale: f32,
): void {
  const rowBytes = (<usize>M) << 2;
  const m4 = M & ~3;
  for (let b = 0; b < batch; b++) {
    for (let h = 0; h < H; h++) {
      const bh = b * H + h;
      const p = <usize>h * rowBytes;
      const s = <usize>bh * rowBytes;
      const io = (<usize>bh * <usize>L) << 2;
      const dh = load<f32>(d + ((<usize>h) << 2));
      for (let t = 0; t < L; t++) {
        const ut = load<f32>(u + io + ((<usize>t) << 2));
        const uv = f32x4.splat(ut);
        let acc = f32x4.splat(0);
        let m = 0;
        for (; m < m4; m += 4) {
          const o = (<usize>m) << 2;
          const xr = v128.load(xRe + s + o), xi = v128.load(xIm + s + o);
          const ar = v128.load(dARe + p + o), ai = v128.load(dAIm + p + o);
          const nr = f32x4.add(f32x4.sub(f32x4.mul(ar, xr), f32x4.mul(ai, xi)), f32x4.mul(v128.load(dBRe + p + o), uv));
          const ni = f32x4.add(f32x4.add(f32x4.mul(ar, xi), f32x4.mul(ai, xr)), f32x4.mul(v128.load(dBIm + p + o), uv));
          v128.store(xRe + s + o, nr);
          v128.store(xIm + s + o, ni);
          acc = f32x4.add(acc, f32x4.sub(f32x4.mul(v128.load(cRe + p + o), nr), f32x4.mul(v128.load(cIm + p + o), ni)));
        }
        let tail: f32 = 0;
        for (; m < M; m++) {
          const o = (<usize>m) << 2;
          const xr = load<f32>(xRe + s + o), xi = load<f32>(xIm + s + o);
          const ar = load<f32>(dARe + p + o), ai = load<f32>(dAIm + p + o);
          const nr = ar * xr - ai * xi + load<f32>(dBRe + p + o) * ut;
          const ni = ar * xi + ai * xr + load<f32>(dBIm + p + o) * ut;
          store<f32>(xRe + s + o, nr);
          store<f32>(xIm + s + o, ni);
          tail += load<f32>(cRe + p + o) * nr - load<f32>(cIm + p + o) * ni;
        }
        store<f32>(y + io + ((<usize>t) << 2), scale * (hsum(acc) + tail) + dh * ut);
      }
    }
  }
}
