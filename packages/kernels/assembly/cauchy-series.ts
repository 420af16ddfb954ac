// Far poles of a conjugate-pair Cauchy sum at imaginary nodes z = i y, by series (cauchy-woodbury.ts).
//
// A pair's fraction v/(z-w) + conj(v)/(z-conj w) is expanded in w/z for poles well inside the node
// (|w| <= y/R, the prefix of a channel's poles sorted by |w|) and in z/w for poles well outside
// (|w| >= R y, the suffix):
//   inside:  sum_k g_k / z^(k+1),      g_k = 2 Re(v w^k)
//   outside: -sum_k z^k ge_(k+1) / |w|^(2(k+1)),   ge_k = 2 Re(v conj(w)^k)
// With the pair numerator a z - b of cauchy-woodbury.ts (a = 2 Re v, b = 2 Re(v conj w)), both are
// real recurrences in the kernel's own coefficients, g_0 = a, g_1 = 2wr a - b, ge_0 = a, ge_1 = b,
// x_(k+1) = 2wr x_k - |w|^2 x_(k-1), so they need nothing beyond the layouts the kernel reads.
// For S4's LegS poles (H = 256, N = 64, dt in [1e-3, 1e-1], L = 4096) a group of 4 nodes has on
// average 7.7 of its 32 poles between y/3 and 3y: the rest cost 2 x 16 terms per numerator set
// where each pole cost its own fraction (4 multiplies per set and a reciprocal).
//
// R = 3 and TERMS = 16 terms per series: a pole's truncation error is at most
// 2 R^-16 (1 + 1/R)/(1 - 1/R) = 9.3e-8 of its own term, below float32's rounding of the direct sum.
//
// Tables: for every prefix length j (1..N) the moments of poles [0, j) scaled by c = |w_(j-1)|,
// h_k = sum g_k / c^k, and for every suffix start j (0..N-1) those of poles [j, N) scaled by
// d = |w_j|, -sum 2 Re(v (d/w)^(k+1)). Each is at most sum 2|v| (|w/c| <= 1, |d/w| <= 1), so
// none overflows float32 where the numerators fit; the 1/y and 1/d of the terms are applied in the
// kernel. (Dividing the tables by c instead overflowed for a pole at 0, whose scale is 1e-20.)
// Built per channel in float64 (the scale changes are exact rescalings of the running sums, which
// only shrink: no cancellation), stored as float32 rows the kernel splat-loads: row = [scale,
// 3 unused], then for m = 0..7 the coefficient of u^m of the real part for sets 0..3 and of the
// imaginary part for sets 0..3 (ROW_BYTES = 272).
//   prefix, tau = c / y, u = tau^2:   Re r = (tau / y) sum_m A_m u^m,   Im r = (1 / y) sum_m B_m u^m
//   suffix, sig = y / d, u = sig^2:   Re r = (1 / d)   sum_m C_m u^m,   Im r = (sig / d) sum_m D_m u^m

/** R^2: a pole is in a series when |w|^2 <= min y^2 / R^2 or >= max y^2 R^2 of a node group. */
export const SERIES_R2: f32 = 9;
/** Terms per series (the u^m of the real and imaginary parts: 8 each). */
const TERMS = 16;
/** Bytes of a table row: the scale padded to 16 bytes, then 8 x (4 real + 4 imaginary) floats. */
export const ROW_BYTES: i32 = 16 + 8 * 32;
/** Smallest scale: keeps a pole at w = 0 finite (its terms past k = 0 are 0 at any scale). */
const MIN_SCALE: f64 = 1e-20;

/** Bytes of the float64 running sums after the tables (free again once they are built). */
export const SUMS_BYTES: i32 = 4 * TERMS * 8;

/** Bytes of the series tables and their float64 running sums for one channel of N poles. */
export function seriesTableBytes(N: i32): i32 {
  return 2 * (N + 1) * ROW_BYTES + SUMS_BYTES;
}

/**
 * The prefix and suffix tables of one channel at ts (seriesTableBytes(N)): prefix row j at
 * ts + j ROW_BYTES, suffix row j at ts + (N + 1 + j) ROW_BYTES. ab (N, 8) and wq (N, 4) are the
 * channel's rows of cauchy-woodbury.ts's layouts, poles in ascending |w|^2. The running sums are
 * (TERMS, 4) float64 after the rows, two sets to a vector; one pass over k per pole rescales a
 * sum, adds the pole's term and writes the sum's float32 coefficient.
 */
export function buildSeriesTables(ab: usize, wq: usize, N: i32, ts: usize): void {
  const sums = ts + <usize>(2 * (N + 1) * ROW_BYTES);
  // prefix: h_k(j) = sum_(n<j) g_k / c^k, c = |w_(j-1)|; pole j joins after the sums of [0, j)
  // are rescaled from c_j to c_(j+1) >= c_j by (c_j/c_(j+1))^k
  memory.fill(sums, 0, SUMS_BYTES);
  let cPrev: f64 = 0;
  for (let j = 0; j < N; j++) {
    const key = <f64>load<f32>(wq + ((<usize>j) << 4));
    const tw = <f64>load<f32>(wq + ((<usize>j) << 4), 4);
    const c = Math.sqrt(Math.max(key, MIN_SCALE * MIN_SCALE));
    const ic = 1 / c;
    const r = f64x2.splat(cPrev * ic);
    // x_k = g_k / c^k: x_(k+1) = alpha x_k - beta x_(k-1), x_0 = a, x_1 = (2wr a - b) / c
    const alpha = f64x2.splat(tw * ic), beta = f64x2.splat(key * ic * ic), icv = f64x2.splat(ic);
    const pa = ab + ((<usize>j) << 5);
    const a01 = setPair(pa), a23 = setPair(pa + 8), nb01 = setPair(pa + 16), nb23 = setPair(pa + 24);
    const x1_01 = f64x2.mul(f64x2.add(f64x2.mul(f64x2.splat(tw), a01), nb01), icv);
    const x1_23 = f64x2.mul(f64x2.add(f64x2.mul(f64x2.splat(tw), a23), nb23), icv);
    const row = ts + <usize>((j + 1) * ROW_BYTES);
    store<f32>(row, <f32>c);
    // term k: Im (k even) or Re (k odd) of u^(k >> 1), sign (-1)^((k >> 1) + 1)
    addPole(sums, row, a01, a23, x1_01, x1_23, alpha, beta, f64x2.splat(1), r, false, true, -1);
    cPrev = c;
  }
  // suffix: nu_k(j) = -sum_(n>=j) xe_(k+1), d = |w_j|, xe_k = ge_k (d/|w|^2)^k; pole j joins
  // after the sums of [j+1, N) are rescaled from d_(j+1) to d_j <= d_(j+1) by (d_j/d_(j+1))^(k+1)
  memory.fill(sums, 0, SUMS_BYTES);
  let dPrev: f64 = 0;
  for (let j = N - 1; j >= 0; j--) {
    const key = Math.max(<f64>load<f32>(wq + ((<usize>j) << 4)), MIN_SCALE * MIN_SCALE);
    const tw = <f64>load<f32>(wq + ((<usize>j) << 4), 4);
    const d = Math.sqrt(key);
    const g = d / key, id = 1 / d;
    const r = f64x2.splat(dPrev == 0 ? 1 : d / dPrev);
    // xe_(k+1) = alpha xe_k - beta xe_(k-1), xe_0 = a, xe_1 = b d/|w|^2
    const alpha = f64x2.splat(tw * g), beta = f64x2.splat(d * g);
    const pa = ab + ((<usize>j) << 5);
    const e1_01 = f64x2.mul(setPair(pa + 16), f64x2.splat(-g)), e1_23 = f64x2.mul(setPair(pa + 24), f64x2.splat(-g));
    const e2_01 = f64x2.sub(f64x2.mul(alpha, e1_01), f64x2.mul(beta, setPair(pa)));
    const e2_23 = f64x2.sub(f64x2.mul(alpha, e1_23), f64x2.mul(beta, setPair(pa + 8)));
    const row = ts + <usize>((N + 1 + j) * ROW_BYTES);
    store<f32>(row, <f32>id);
    // term k (the sum of -xe_(k+1)): Re (k even) or Im (k odd) of u^(k >> 1), sign (-1)^(k >> 1)
    addPole(sums, row, e1_01, e1_23, e2_01, e2_23, alpha, beta, r, r, true, false, 1);
    dPrev = d;
  }
}

/** Bytes of a one-set table row (buildSeriesTables1): the scale padded to 16, then 8 x [Re, Im]. */
export const ROW1_BYTES: i32 = 16 + 8 * 8;
/** Running sums of buildSeriesTables1, [prefix, suffix] f64 pairs (static: one thread only). */
const SUMS1 = memory.data(TERMS * 16, 16);

/**
 * buildSeriesTables for ONE numerator set (cauchy-imag.ts): the same tables with rows of
 * ROW1_BYTES, m-th coefficients [Re, Im] at 16 + 8 m. Poles j = 0..n-1 given as key |w|^2 at
 * keys + 32 j, nb and a at keys + 32 j + 8 and + 12 (that kernel's table rows), 2 wr at tw + 4 j.
 * Prefix row j at ts + j ROW1_BYTES, suffix row j at ts + (n + 1 + j) ROW1_BYTES. The prefix's
 * step j and the suffix's step n-1-j share a float64x2 (lanes 0 and 1): one pass, half the trips.
 */
export function buildSeriesTables1(keys: usize, tw: usize, n: i32, ts: usize): void {
  memory.fill(SUMS1, 0, TERMS * 16);
  let cPrev: f64 = 0, dPrev: f64 = 0;
  for (let j = 0; j < n; j++) {
    // prefix: pole j joins [0, j), x_0 = a, x_1 = (2wr a - b) / c, sums scaled by (c_j/c)^k
    const rp = keys + ((<usize>j) << 5);
    const keyP = <f64>load<f32>(rp), tP = <f64>load<f32>(tw + ((<usize>j) << 2));
    const c = Math.sqrt(Math.max(keyP, MIN_SCALE * MIN_SCALE));
    const ic = 1 / c;
    const aP = <f64>load<f32>(rp, 12);
    // suffix: pole js joins [js + 1, n), xe_1 = b d/|w|^2, xe_2, sums scaled by (d/d_(js+1))^(k+1)
    const js = n - 1 - j;
    const rs = keys + ((<usize>js) << 5);
    const keyS = Math.max(<f64>load<f32>(rs), MIN_SCALE * MIN_SCALE), tS = <f64>load<f32>(tw + ((<usize>js) << 2));
    const d = Math.sqrt(keyS);
    const g = d / keyS, id = 1 / d;
    const alphaS = tS * g, betaS = d * g;
    const e1 = -<f64>load<f32>(rs, 8) * g;
    const alpha = f64x2.replace_lane(f64x2.splat(tP * ic), 1, alphaS);
    const beta = f64x2.replace_lane(f64x2.splat(keyP * ic * ic), 1, betaS);
    const mult = f64x2.replace_lane(f64x2.splat(1), 1, -1);
    const rS = dPrev == 0 ? 1 : d / dPrev;
    const r = f64x2.replace_lane(f64x2.splat(cPrev * ic), 1, rS);
    let cur = f64x2.replace_lane(f64x2.splat(aP), 1, e1);
    const x1 = (tP * aP + <f64>load<f32>(rp, 8)) * ic;
    let nxt = f64x2.replace_lane(f64x2.splat(x1), 1, alphaS * e1 - betaS * <f64>load<f32>(rs, 12));
    let f = f64x2.replace_lane(f64x2.splat(1), 1, rS);
    const outP = ts + <usize>((j + 1) * ROW1_BYTES) + 16;
    const outS = ts + <usize>((n + 1 + js) * ROW1_BYTES) + 16;
    store<f32>(outP - 16, <f32>c);
    store<f32>(outS - 16, <f32>id);
    // term k = 2m goes to the prefix's Im and the suffix's Re of u^m, k = 2m + 1 to the prefix's
    // Re and the suffix's Im; signs -(-1)^m (prefix) and (-1)^m (suffix)
    let sign = f64x2.replace_lane(f64x2.splat(-1), 1, 1);
    for (let m = 0; m < 8; m++) {
      const p = SUMS1 + ((<usize>m) << 5);
      let sum = f64x2.add(f64x2.mul(v128.load(p), f), f64x2.mul(cur, mult));
      v128.store(p, sum);
      let v = f32x4.demote_f64x2_zero(f64x2.mul(sum, sign));
      store<f32>(outP + ((<usize>m) << 3), f32x4.extract_lane(v, 0), 4);
      store<f32>(outS + ((<usize>m) << 3), f32x4.extract_lane(v, 1));
      let x = f64x2.sub(f64x2.mul(alpha, nxt), f64x2.mul(beta, cur));
      cur = nxt;
      nxt = x;
      f = f64x2.mul(f, r);
      sum = f64x2.add(f64x2.mul(v128.load(p, 16), f), f64x2.mul(cur, mult));
      v128.store(p, sum, 16);
      v = f32x4.demote_f64x2_zero(f64x2.mul(sum, sign));
      store<f32>(outP + ((<usize>m) << 3), f32x4.extract_lane(v, 0));
      store<f32>(outS + ((<usize>m) << 3), f32x4.extract_lane(v, 1), 4);
      x = f64x2.sub(f64x2.mul(alpha, nxt), f64x2.mul(beta, cur));
      cur = nxt;
      nxt = x;
      f = f64x2.mul(f, r);
      sign = f64x2.neg(sign);
    }
    cPrev = c;
    dPrev = d;
  }
}

/**
 * One pole into the running sums (TERMS, 4) and a table row: for k = 0..TERMS-1, sum_k =
 * sum_k f0 r^k +- x_k (minus when `negate`), written to the row times sign0 (-1)^(k >> 1) as the
 * coefficient of u^(k >> 1): of the imaginary part for even k when `imOnEven`, else of the real
 * part. x_k (two sets a vector) starts at lo = x_0, hi = x_1 and steps by
 * x_(k+1) = alpha x_k - beta x_(k-1).
 */
@inline function addPole(
  sums: usize, row: usize, lo01: v128, lo23: v128, hi01: v128, hi23: v128,
  alpha: v128, beta: v128, f0: v128, r: v128, negate: bool, imOnEven: bool, sign0: f64,
): void {
  let f = f0;
  let sign = f64x2.splat(sign0);
  for (let k = 0; k < TERMS; k++) {
    const p = sums + ((<usize>k) << 5);
    const s01 = negate ? f64x2.sub(f64x2.mul(v128.load(p), f), lo01) : f64x2.add(f64x2.mul(v128.load(p), f), lo01);
    const s23 = negate ? f64x2.sub(f64x2.mul(v128.load(p, 16), f), lo23) : f64x2.add(f64x2.mul(v128.load(p, 16), f), lo23);
    v128.store(p, s01);
    v128.store(p, s23, 16);
    const im = ((k & 1) == 0) == imOnEven;
    writePair(row + 16 + ((<usize>(k >> 1)) << 5) + (im ? 16 : 0), s01, s23, sign);
    if ((k & 1) == 1) sign = f64x2.neg(sign);
    const n01 = f64x2.sub(f64x2.mul(alpha, hi01), f64x2.mul(beta, lo01));
    const n23 = f64x2.sub(f64x2.mul(alpha, hi23), f64x2.mul(beta, lo23));
    lo01 = hi01;
    lo23 = hi23;
    hi01 = n01;
    hi23 = n23;
    f = f64x2.mul(f, r);
  }
}

/** Two f32 at p as float64 lanes. */
@inline function setPair(p: usize): v128 {
  return f64x2.promote_low_f32x4(v128.load64_zero(p));
}

/** sign * (s01, s23) as four f32 at o (sets 0..3). */
@inline function writePair(o: usize, s01: v128, s23: v128, sign: v128): void {
  v128.store64_lane(o, f32x4.demote_f64x2_zero(f64x2.mul(s01, sign)), 0);
  v128.store64_lane(o + 8, f32x4.demote_f64x2_zero(f64x2.mul(s23, sign)), 0);
}

/**
 * sum_m c_m u^m, m = 0..7, coefficients at p + stride m (32 in the four-set rows, 8 in the
 * one-set ones; Estrin's scheme: depth 3).
 */
@inline export function series8(p: usize, u: v128, u2: v128, u4: v128, stride: usize = 32): v128 {
  const e01 = f32x4.add(v128.load32_splat(p), f32x4.mul(v128.load32_splat(p + stride), u));
  const e23 = f32x4.add(v128.load32_splat(p + 2 * stride), f32x4.mul(v128.load32_splat(p + 3 * stride), u));
  const e45 = f32x4.add(v128.load32_splat(p + 4 * stride), f32x4.mul(v128.load32_splat(p + 5 * stride), u));
  const e67 = f32x4.add(v128.load32_splat(p + 6 * stride), f32x4.mul(v128.load32_splat(p + 7 * stride), u));
  const lo = f32x4.add(e01, f32x4.mul(e23, u2));
  const hi = f32x4.add(e45, f32x4.mul(e67, u2));
  return f32x4.add(lo, f32x4.mul(hi, u4));
}
