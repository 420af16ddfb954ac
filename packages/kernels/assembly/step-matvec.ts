// One frame through a Linear layer, for the streaming block step (batch 1, one position):
//   y[o] = bias[o] + sum_h W[o, h] x[h]        W (O, H) row-major (nn.Linear layout), x (H), y (O)
// The position-wise Linear plan (linear.ts) is a matrix multiply tuned for many positions; with a
// single position it degenerates to scalar columns or re-packs W on every call, so a step uses
// this matrix-vector product instead: 4 rows of W at a time, SIMD along h (x stays in L1), one
// horizontal sum per row. `bias` = 0 means no bias. y must not alias x. No allocation.

@inline
function hsum(v: v128): f32 {
  return f32x4.extract_lane(v, 0) + f32x4.extract_lane(v, 1) + f32x4.extract_lane(v, 2) + f32x4.extract_lane(v, 3);
}

export function stepMatVec(w: usize, x: usize, bias: usize, y: usize, H: i32, O: i32): void {
  const row = (<usize>H) << 2;
  const h4 = H & ~3;
  let o = 0;
  for (; o + 4 <= O; o += 4) {
    const w0 = w + <usize>o * row, w1 = w0 + row, w2 = w1 + row, w3 = w2 + row;
    let a0 = f32x4.splat(0), a1 = f32x4.splat(0), a2 = f32x4.splat(0), a3 = f32x4.splat(0);
    let h = 0;
    for (; h < h4; h += 4) {
      const q = (<usize>h) << 2;
      const xv = v128.load(x + q);
      a0 = f32x4.add(a0, f32x4.mul(v128.load(w0 + q), xv));
      a1 = f32x4.add(a1, f32x4.mul(v128.load(w1 + q), xv));
      a2 = f32x4.add(a2, f32x4.mul(v128.load(w2 + q), xv));
      a3 = f32x4.add(a3, f32x4.mul(v128.load(w3 + q), xv));
    }
    let s0 = hsum(a0), s1 = hsum(a1), s2 = hsum(a2), s3 = hsum(a3);
    for (; h < H; h++) {
      const q = (<usize>h) << 2;
      const xh = load<f32>(x + q);
      s0 += load<f32>(w0 + q) * xh;
      s1 += load<f32>(w1 + q) * xh;
      s2 += load<f32>(w2 + q) * xh;
      s3 += load<f32>(w3 + q) * xh;
    }
    const yo = y + ((<usize>o) << 2);
    if (bias != 0) {
      const bo = bias + ((<usize>o) << 2);
      s0 += load<f32>(bo);
      s1 += load<f32>(bo, 4);
      s2 += load<f32>(bo, 8);
      s3 += load<f32>(bo, 12);
    }
    store<f32>(yo, s0);
    store<f32>(yo, s1, 4);
    store<f32>(yo, s2, 8);
    store<f32>(yo, s3, 12);
  }
  for (; o < O; o++) {
    const w0 = w + <usize>o * row;
    let a0 = f32x4.splat(0);
    let h = 0;
    for (; h < h4; h += 4) {
      const q = (<usize>h) << 2;
      a0 = f32x4.add(a0, f32x4.mul(v128.load(w0 + q), v128.load(x + q)));
    }
    let s0 = hsum(a0);
    for (; h < H; h++) s0 += load<f32>(w0 + ((<usize>h) << 2)) * load<f32>(x + ((<usize>h) << 2));
    if (bias != 0) s0 += load<f32>(bias + ((<usize>o) << 2));
    store<f32>(y + ((<usize>o) << 2), s0);
  }
}

/**
 * stepMatVec on W packed in row panels (StepLinearPlan packs it once): for rows o0..o0+P-1 of a
 * panel, its h-th P floats are W[o0.., h], so one splat of x[h] feeds P/4 contiguous vector
 * loads from a single running pointer (no horizontal sums, no per-row address arithmetic).
 * Panels are 24 rows while 24 remain, then 4 rows; the last panel is zero-padded to 4 rows.
 * (24: six accumulators + six loads + the splat fit x64's 15 allocatable vector registers; with
 * 32 rows V8 spilled.)
 * Shapes: wp (ceil(O/4)*4 * H), x (H), bias (O) or 0, y (O); y must not alias x.
 */
export function stepMatVecPacked(wp: usize, x: usize, bias: usize, y: usize, H: i32, O: i32): void {
  const xEnd = x + ((<usize>H) << 2);
  let p = wp;
  let o = 0;
  for (; o + 24 <= O; o += 24) {
    let a0 = f32x4.splat(0), a1 = f32x4.splat(0), a2 = f32x4.splat(0);
    let a3 = f32x4.splat(0), a4 = f32x4.splat(0), a5 = f32x4.splat(0);
    for (let xp = x; xp < xEnd; xp += 4) {
      const xv = v128.load32_splat(xp);
      a0 = f32x4.add(a0, f32x4.mul(v128.load(p), xv));
      a1 = f32x4.add(a1, f32x4.mul(v128.load(p, 16), xv));
      a2 = f32x4.add(a2, f32x4.mul(v128.load(p, 32), xv));
      a3 = f32x4.add(a3, f32x4.mul(v128.load(p, 48), xv));
      a4 = f32x4.add(a4, f32x4.mul(v128.load(p, 64), xv));
      a5 = f32x4.add(a5, f32x4.mul(v128.load(p, 80), xv));
      p += 96;
    }
    const yo = y + ((<usize>o) << 2);
    if (bias != 0) {
      const bo = bias + ((<usize>o) << 2);
      a0 = f32x4.add(a0, v128.load(bo));
      a1 = f32x4.add(a1, v128.load(bo, 16));
      a2 = f32x4.add(a2, v128.load(bo, 32));
      a3 = f32x4.add(a3, v128.load(bo, 48));
      a4 = f32x4.add(a4, v128.load(bo, 64));
      a5 = f32x4.add(a5, v128.load(bo, 80));
    }
    v128.store(yo, a0);
    v128.store(yo, a1, 16);
    v128.store(yo, a2, 32);
    v128.store(yo, a3, 48);
    v128.store(yo, a4, 64);
    v128.store(yo, a5, 80);
  }
  for (; o < O; o += 4) {
    // one 4-row panel: four partial sums over h mod 4 keep four add chains in flight (a single
    // accumulator waits out the add latency on every h: O = 512 spent 0.27 us on its last 8 rows)
    let a0 = f32x4.splat(0), a1 = f32x4.splat(0), a2 = f32x4.splat(0), a3 = f32x4.splat(0);
    let xp = x;
    for (; xp + 16 <= xEnd; xp += 16) {
      a0 = f32x4.add(a0, f32x4.mul(v128.load(p), v128.load32_splat(xp)));
      a1 = f32x4.add(a1, f32x4.mul(v128.load(p, 16), v128.load32_splat(xp + 4)));
      a2 = f32x4.add(a2, f32x4.mul(v128.load(p, 32), v128.load32_splat(xp + 8)));
      a3 = f32x4.add(a3, f32x4.mul(v128.load(p, 48), v128.load32_splat(xp + 12)));
      p += 64;
    }
    for (; xp < xEnd; xp += 4) {
      a0 = f32x4.add(a0, f32x4.mul(v128.load(p), v128.load32_splat(xp)));
      p += 16;
    }
    a0 = f32x4.add(f32x4.add(a0, a1), f32x4.add(a2, a3));
    const yo = y + ((<usize>o) << 2);
    const rest = O - o;
    for (let j = 0; j < 4 && j < rest; j++) {
      // lane j of a0 (a ragged last panel stores only its real rows)
      let s: f32 = j == 0 ? f32x4.extract_lane(a0, 0) : j == 1 ? f32x4.extract_lane(a0, 1) : j == 2 ? f32x4.extract_lane(a0, 2) : f32x4.extract_lane(a0, 3);
      if (bias != 0) s += load<f32>(bias + ((<usize>(o + j)) << 2));
      store<f32>(yo + ((<usize>j) << 2), s);
    }
  }
}
