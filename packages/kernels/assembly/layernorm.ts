// LayerNorm over the channel axis (PyTorch nn.LayerNorm(H): biased variance, eps inside the sqrt):
//   y = (x - mean_h x) / sqrt(var_h x + eps) * gamma[h] + beta[h]
// Two layouts: (rows, H) with channels contiguous (layerNormRows; layout (B, L, H) is
// rows = B*L), and (B, H, L) with channels strided by L (layerNormStrided, needs scratch). Two passes (mean,
// then the mean of squared deviations) so a large mean does not cancel the variance.
// `y` may alias `x`.
// Range: squared deviations pass float32's range once |x - mean| > 1.8e19 (and the sum for the
// mean once H |x| > 3.4e38); the statistics then came out infinite and the output silently wrong
// (all beta). At the other end, deviations below ~1e-19 have subnormal squares, and with a tiny
// eps (0 is allowed) the variance lost its precision (1e-22 spreads: 1 % off). Such a position is
// redone with its values scaled by DOWN or UP (exact powers of two, and eps by their square:
// LayerNorm does not depend on the scale).

import { DOWN, UP } from "./range-scale";

/** 2^-90: var + eps below it takes the UP path (when the mean allows, see needsUp). */
const TINY_VAR: f32 = 8.077935669463161e-28;
/** 2^40: a position whose |mean| is above it cannot have deviations small enough to matter. */
const BIG_MEAN: f32 = 1099511627776.0;

/**
 * Whether a position with finite statistics (mean, variance + eps) may have lost precision to
 * subnormal (or vanished) squares: var + eps is tiny and the mean is small enough for values
 * times UP to stay finite (float32 cannot hold deviations below ulp(mean) anyway).
 */
// @ts-ignore: decorator
@inline
function needsUp(mean: f32, varEps: f32): bool {
  return varEps < TINY_VAR && Mathf.abs(mean) < BIG_MEAN;
}

/** Sum of the 4 lanes. */
// @ts-ignore: decorator
@inline
function hsum(v: v128): f32 {
  return f32x4.extract_lane(v, 0) + f32x4.extract_lane(v, 1) + f32x4.extract_lane(v, 2) + f32x4.extract_lane(v, 3);
}

/**
 * One row of layerNormRows with its values scaled by c on read (scaled = false: c = 1, no
 * multiply). Unscaled, it writes nothing and returns the scale to redo the row with (DOWN when
 * the statistics are not finite, UP when needsUp) or writes the row and returns 1.
 */
// @ts-ignore: decorator
@inline
function normRow(xr: usize, yr: usize, gamma: usize, beta: usize, H: i32, eps: f32, scaled: bool, c: f32): f32 {
  const h4 = H & ~3;
  const inv = <f32>1.0 / <f32>H;
  const c4 = f32x4.splat(c);
  let acc = f32x4.splat(0.0);
  let s: f32 = 0;
  for (let j = 0; j < h4; j += 4) {
    const v = v128.load(xr + ((<usize>j) << 2));
    acc = f32x4.add(acc, scaled ? f32x4.mul(v, c4) : v);
  }
  for (let j = h4; j < H; j++) s += scaled ? load<f32>(xr + ((<usize>j) << 2)) * c : load<f32>(xr + ((<usize>j) << 2));
  const mean = (hsum(acc) + s) * inv;
  const m4 = f32x4.splat(mean);
  acc = f32x4.splat(0.0);
  s = 0;
  for (let j = 0; j < h4; j += 4) {
    const v = v128.load(xr + ((<usize>j) << 2));
    const d = f32x4.sub(scaled ? f32x4.mul(v, c4) : v, m4);
    acc = f32x4.add(acc, f32x4.mul(d, d));
  }
  for (let j = h4; j < H; j++) {
    const v = load<f32>(xr + ((<usize>j) << 2));
    const d = (scaled ? v * c : v) - mean;
    s += d * d;
  }
  const ss = hsum(acc) + s;
  const varEps = ss * inv + (scaled ? eps * c * c : eps);
  if (!scaled) {
    // (x - x is 0 for finite x and NaN for NaN or an infinity)
    if (mean - mean != 0 || ss - ss != 0) return DOWN;
    if (needsUp(mean, varEps)) return UP;
  }
  const rstd = <f32>1.0 / Mathf.sqrt(varEps);
  const r4 = f32x4.splat(rstd);
  for (let j = 0; j < h4; j += 4) {
    const b = (<usize>j) << 2;
    const v = v128.load(xr + b);
    const n = f32x4.mul(f32x4.sub(scaled ? f32x4.mul(v, c4) : v, m4), r4);
    v128.store(yr + b, f32x4.add(f32x4.mul(n, v128.load(gamma + b)), v128.load(beta + b)));
  }
  for (let j = h4; j < H; j++) {
    const b = (<usize>j) << 2;
    const v = load<f32>(xr + b);
    store<f32>(yr + b, ((scaled ? v * c : v) - mean) * rstd * load<f32>(gamma + b) + load<f32>(beta + b));
  }
  return 1;
}

/** x, y: (rows, H); gamma, beta: (H). */
export function layerNormRows(x: usize, gamma: usize, beta: usize, y: usize, rows: i32, H: i32, eps: f32): void {
  const rowBytes = (<usize>H) << 2;
  for (let r = 0; r < rows; r++) {
    const xr = x + <usize>r * rowBytes;
    const yr = y + <usize>r * rowBytes;
    const c = normRow(xr, yr, gamma, beta, H, eps, false, 1);
    if (c != 1) normRow(xr, yr, gamma, beta, H, eps, true, c);
  }
}

/**
 * Floats of scratch `layerNormStrided` needs for length L: a mean, a 1/std and a scale per
 * position.
 */
export function layerNormScratchFloats(L: i32): i32 {
  return L * 3;
}

/**
 * One batch slab (H, L) of layerNormStrided. scaled = false: statistics of the plain values; if
 * any position needs a scale (DOWN: not finite, UP: needsUp), marks each position's in cs (1 for
 * the rest) and returns false having written nothing. scaled = true: every value is read times
 * its position's cs, and the slab is written.
 */
// @ts-ignore: decorator
@inline
function normSlab(
  xb: usize, yb: usize, gamma: usize, beta: usize, H: i32, L: i32, eps: f32, mean: usize, rstd: usize, cs: usize, scaled: bool,
): bool {
  const rowBytes = (<usize>L) << 2;
  const l4 = L & ~3;
  const inv: f32 = <f32>1.0 / <f32>H;
  const inv4 = f32x4.splat(inv);
  const eps4 = f32x4.splat(eps);
  memory.fill(mean, 0, rowBytes << 1);
  for (let h = 0; h < H; h++) {
    const xr = xb + <usize>h * rowBytes;
    for (let l = 0; l < l4; l += 4) {
      const o = (<usize>l) << 2;
      const v = v128.load(xr + o);
      v128.store(mean + o, f32x4.add(v128.load(mean + o), scaled ? f32x4.mul(v, v128.load(cs + o)) : v));
    }
    for (let l = l4; l < L; l++) {
      const o = (<usize>l) << 2;
      const v = load<f32>(xr + o);
      store<f32>(mean + o, load<f32>(mean + o) + (scaled ? v * load<f32>(cs + o) : v));
    }
  }
  for (let l = 0; l < l4; l += 4) {
    const o = (<usize>l) << 2;
    v128.store(mean + o, f32x4.mul(v128.load(mean + o), inv4));
  }
  for (let l = l4; l < L; l++) store<f32>(mean + ((<usize>l) << 2), load<f32>(mean + ((<usize>l) << 2)) * inv);
  for (let h = 0; h < H; h++) {
    const xr = xb + <usize>h * rowBytes;
    for (let l = 0; l < l4; l += 4) {
      const o = (<usize>l) << 2;
      const v = v128.load(xr + o);
      const d = f32x4.sub(scaled ? f32x4.mul(v, v128.load(cs + o)) : v, v128.load(mean + o));
      v128.store(rstd + o, f32x4.add(v128.load(rstd + o), f32x4.mul(d, d)));
    }
    for (let l = l4; l < L; l++) {
      const o = (<usize>l) << 2;
      const v = load<f32>(xr + o);
      const d = (scaled ? v * load<f32>(cs + o) : v) - load<f32>(mean + o);
      store<f32>(rstd + o, load<f32>(rstd + o) + d * d);
    }
  }
  if (!scaled) {
    // a position to redo: statistics not finite (x - x is NaN for NaN or an infinity, and the
    // mean's NaN reaches the squares too), or needsUp; the usual case is one compare a vector
    const tiny = f32x4.splat(TINY_VAR);
    let bad = f32x4.splat(0);
    let small = f32x4.splat(0);
    for (let l = 0; l < l4; l += 4) {
      const q = v128.load(rstd + ((<usize>l) << 2));
      bad = f32x4.add(bad, f32x4.sub(q, q));
      small = v128.or(small, f32x4.lt(f32x4.add(f32x4.mul(q, inv4), eps4), tiny));
    }
    let badTail: f32 = 0;
    let smallTail = false;
    for (let l = l4; l < L; l++) {
      const q = load<f32>(rstd + ((<usize>l) << 2));
      badTail += q - q;
      smallTail = smallTail || q * inv + eps < TINY_VAR;
    }
    if (hsum(bad) + badTail != 0 || v128.any_true(small) || smallTail) {
      let redo = false;
      for (let l = 0; l < L; l++) {
        const o = (<usize>l) << 2;
        const q = load<f32>(rstd + o);
        let c: f32 = 1;
        if (q - q != 0) c = DOWN;
        else if (needsUp(load<f32>(mean + o), q * inv + eps)) c = UP;
        redo = redo || c != 1;
        store<f32>(cs + o, c);
      }
      if (redo) return false;
    }
  }
  for (let l = 0; l < l4; l += 4) {
    const o = (<usize>l) << 2;
    // eps scales with the values' square (scaled positions: ~0, negligible beside their variance)
    const e4 = scaled ? f32x4.mul(f32x4.mul(eps4, v128.load(cs + o)), v128.load(cs + o)) : eps4;
    v128.store(rstd + o, f32x4.div(f32x4.splat(1.0), f32x4.sqrt(f32x4.add(f32x4.mul(v128.load(rstd + o), inv4), e4))));
  }
  for (let l = l4; l < L; l++) {
    const o = (<usize>l) << 2;
    const e = scaled ? eps * load<f32>(cs + o) * load<f32>(cs + o) : eps;
    store<f32>(rstd + o, <f32>1.0 / Mathf.sqrt(load<f32>(rstd + o) * inv + e));
  }
  for (let h = 0; h < H; h++) {
    const xr = xb + <usize>h * rowBytes;
    const yr = yb + <usize>h * rowBytes;
    const hb = (<usize>h) << 2;
    const g = load<f32>(gamma + hb);
    const be = load<f32>(beta + hb);
    const g4 = f32x4.splat(g);
    const be4 = f32x4.splat(be);
    for (let l = 0; l < l4; l += 4) {
      const o = (<usize>l) << 2;
      const v = v128.load(xr + o);
      const n = f32x4.mul(f32x4.sub(scaled ? f32x4.mul(v, v128.load(cs + o)) : v, v128.load(mean + o)), v128.load(rstd + o));
      v128.store(yr + o, f32x4.add(f32x4.mul(n, g4), be4));
    }
    for (let l = l4; l < L; l++) {
      const o = (<usize>l) << 2;
      const v = load<f32>(xr + o);
      store<f32>(yr + o, ((scaled ? v * load<f32>(cs + o) : v) - load<f32>(mean + o)) * load<f32>(rstd + o) * g + be);
    }
  }
  return true;
}

/**
 * x, y: (B, H, L); gamma, beta: (H); scratch: layerNormScratchFloats(L) floats. Statistics of
 * all L positions are accumulated at once while reading x row by row (contiguous): walking one
 * position down the H channels instead strides by L, and at L = 4096 every row then maps to the
 * same L1 set (measured 5x slower).
 */
export function layerNormStrided(x: usize, gamma: usize, beta: usize, y: usize, B: i32, H: i32, L: i32, eps: f32, scratch: usize): void {
  const rowBytes = (<usize>L) << 2;
  const slab = <usize>H * rowBytes;
  const mean = scratch;
  const rstd = scratch + rowBytes;
  const cs = rstd + rowBytes;
  for (let b = 0; b < B; b++) {
    const xb = x + <usize>b * slab;
    const yb = y + <usize>b * slab;
    if (!normSlab(xb, yb, gamma, beta, H, L, eps, mean, rstd, cs, false)) normSlab(xb, yb, gamma, beta, H, L, eps, mean, rstd, cs, true);
  }
}
