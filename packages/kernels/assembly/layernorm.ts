// LayerNorm over the channel axis (PyTorch nn.LayerNorm(H): biased variance, eps inside the sqrt):
//   y = (x - mean_h x) / sqrt(var_h x + eps) * gamma[h] + beta[h]
// Two layouts: (rows, H) with channels contiguous (layerNormRows; layout (B, L, H) is
// rows = B*L), and (B, H, L) with channels strided by L (layerNormStrided, needs scratch). Two passes (mean,
// then the mean of squared deviations) so a large mean does not cancel the variance.
// `y` may alias `x`.

/** Sum of the 4 lanes. */
// @ts-ignore: decorator
@inline
function hsum(v: v128): f32 {
  return f32x4.extract_lane(v, 0) + f32x4.extract_lane(v, 1) + f32x4.extract_lane(v, 2) + f32x4.extract_lane(v, 3);
}

/** x, y: (rows, H); gamma, beta: (H). */
export function layerNormRows(x: usize, gamma: usize, beta: usize, y: usize, rows: i32, H: i32, eps: f32): void {
  const rowBytes = (<usize>H) << 2;
  const h4 = H & ~3;
  const inv = <f32>1.0 / <f32>H;
  for (let r = 0; r < rows; r++) {
    const xr = x + <usize>r * rowBytes;
    const yr = y + <usize>r * rowBytes;
    let acc = f32x4.splat(0.0);
    let s: f32 = 0;
    for (let j = 0; j < h4; j += 4) acc = f32x4.add(acc, v128.load(xr + ((<usize>j) << 2)));
    for (let j = h4; j < H; j++) s += load<f32>(xr + ((<usize>j) << 2));
    const mean = (hsum(acc) + s) * inv;
    const m4 = f32x4.splat(mean);
    acc = f32x4.splat(0.0);
    s = 0;
    for (let j = 0; j < h4; j += 4) {
      const d = f32x4.sub(v128.load(xr + ((<usize>j) << 2)), m4);
      acc = f32x4.add(acc, f32x4.mul(d, d));
    }
    for (let j = h4; j < H; j++) {
      const d = load<f32>(xr + ((<usize>j) << 2)) - mean;
      s += d * d;
    }
    const rstd = <f32>1.0 / Mathf.sqrt((hsum(acc) + s) * inv + eps);
    const r4 = f32x4.splat(rstd);
    for (let j = 0; j < h4; j += 4) {
      const b = (<usize>j) << 2;
      const n = f32x4.mul(f32x4.sub(v128.load(xr + b), m4), r4);
      v128.store(yr + b, f32x4.add(f32x4.mul(n, v128.load(gamma + b)), v128.load(beta + b)));
    }
    for (let j = h4; j < H; j++) {
      const b = (<usize>j) << 2;
      store<f32>(yr + b, (load<f32>(xr + b) - mean) * rstd * load<f32>(gamma + b) + load<f32>(beta + b));
    }
  }
}

/** Floats of scratch `layerNormStrided` needs for length L: a mean and a 1/std per position. */
export function layerNormScratchFloats(L: i32): i32 {
  return L << 1;
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
  const l4 = L & ~3;
  const inv: f32 = <f32>1.0 / <f32>H;
  const inv4 = f32x4.splat(inv);
  const eps4 = f32x4.splat(eps);
  for (let b = 0; b < B; b++) {
    const xb = x + <usize>b * slab;
    const yb = y + <usize>b * slab;
    memory.fill(mean, 0, rowBytes << 1);
    for (let h = 0; h < H; h++) {
      const xr = xb + <usize>h * rowBytes;
      for (let l = 0; l < l4; l += 4) {
        const o = (<usize>l) << 2;
        v128.store(mean + o, f32x4.add(v128.load(mean + o), v128.load(xr + o)));
      }
      for (let l = l4; l < L; l++) {
        const o = (<usize>l) << 2;
        store<f32>(mean + o, load<f32>(mean + o) + load<f32>(xr + o));
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
        const d = f32x4.sub(v128.load(xr + o), v128.load(mean + o));
        v128.store(rstd + o, f32x4.add(v128.load(rstd + o), f32x4.mul(d, d)));
      }
      for (let l = l4; l < L; l++) {
        const o = (<usize>l) << 2;
        const d = load<f32>(xr + o) - load<f32>(mean + o);
        store<f32>(rstd + o, load<f32>(rstd + o) + d * d);
      }
    }
    for (let l = 0; l < l4; l += 4) {
      const o = (<usize>l) << 2;
      v128.store(rstd + o, f32x4.div(f32x4.splat(1.0), f32x4.sqrt(f32x4.add(f32x4.mul(v128.load(rstd + o), inv4), eps4))));
    }
    for (let l = l4; l < L; l++) {
      const o = (<usize>l) << 2;
      store<f32>(rstd + o, <f32>1.0 / Mathf.sqrt(load<f32>(rstd + o) * inv + eps));
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
        const n = f32x4.mul(f32x4.sub(v128.load(xr + o), v128.load(mean + o)), v128.load(rstd + o));
        v128.store(yr + o, f32x4.add(f32x4.mul(n, g4), be4));
      }
      for (let l = l4; l < L; l++) {
        const o = (<usize>l) << 2;
        store<f32>(yr + o, (load<f32>(xr + o) - load<f32>(mean + o)) * load<f32>(rstd + o) * g + be);
      }
    }
  }
}
