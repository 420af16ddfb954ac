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
  // Channel outer, batch inner: a channel's parameters (6 rows of M) stay in L1 across the batch.
  for (let h = 0; h < H; h++) {
    for (let b = 0; b < batch; b++) {
      const bh = b * H + h;
      const p = <usize>h * rowBytes;
      const s = <usize>bh * rowBytes;
      const io = (<usize>bh * <usize>L) << 2;
      const dh = load<f32>(d + ((<usize>h) << 2));
      // Row pointers hoisted out of the time loop: one add per address in the inner loop.
      const xr = xRe + s, xi = xIm + s;
      const ar0 = dARe + p, ai0 = dAIm + p, br0 = dBRe + p, bi0 = dBIm + p, cr0 = cRe + p, ci0 = cIm + p;
      const end4 = (<usize>m4) << 2, end = (<usize>M) << 2;
      for (let t = 0; t < L; t++) {
        const ut = load<f32>(u + io + ((<usize>t) << 2));
        const uv = f32x4.splat(ut);
        let acc = f32x4.splat(0);
        let o: usize = 0;
        for (; o < end4; o += 16) {
          const x0 = v128.load(xr + o), x1 = v128.load(xi + o);
          const ar = v128.load(ar0 + o), ai = v128.load(ai0 + o);
          const nr = f32x4.add(f32x4.sub(f32x4.mul(ar, x0), f32x4.mul(ai, x1)), f32x4.mul(v128.load(br0 + o), uv));
          const ni = f32x4.add(f32x4.add(f32x4.mul(ar, x1), f32x4.mul(ai, x0)), f32x4.mul(v128.load(bi0 + o), uv));
          v128.store(xr + o, nr);
          v128.store(xi + o, ni);
          acc = f32x4.add(acc, f32x4.sub(f32x4.mul(v128.load(cr0 + o), nr), f32x4.mul(v128.load(ci0 + o), ni)));
        }
        let tail: f32 = 0;
        for (; o < end; o += 4) {
          const x0 = load<f32>(xr + o), x1 = load<f32>(xi + o);
          const ar = load<f32>(ar0 + o), ai = load<f32>(ai0 + o);
          const nr = ar * x0 - ai * x1 + load<f32>(br0 + o) * ut;
          const ni = ar * x1 + ai * x0 + load<f32>(bi0 + o) * ut;
          store<f32>(xr + o, nr);
          store<f32>(xi + o, ni);
          tail += load<f32>(cr0 + o) * nr - load<f32>(ci0 + o) * ni;
        }
        store<f32>(y + io + ((<usize>t) << 2), scale * (hsum(acc) + tail) + dh * ut);
      }
    }
  }
}
