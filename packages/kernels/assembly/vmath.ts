// Vector math helpers shared by the block ops (GELU, GLU): exp, erf, erfc, the GLU gate on f32x4 lanes.
// Not exported from index.ts: primitives inline them. Accuracy (float32 inputs, vs float64):
//   expv    ~2 ulp on [-87, 88] (the argument is clamped to that range)
//   erfv    2.8e-7 relative worst (every float32 of [1e-10, 4] scanned; below, tested to 1e-30)
//   erfcv   ~4.4e-7 relative for 0 <= a < 9.1 (erfc(a) >= ~1e-38); 0 above
//   geluv   3.9e-7 relative worst over 4M points of [-14, 14] (and tiny |x|)
//   gatev   1.4e-7 relative worst over 2^20 points of [-4, 4] (v * sigmoid(g), the GLU)

// Every constant lives in one static table and is broadcast from memory: V8 (x64) builds a
// v128.const with several instructions on every use inside a loop, a broadcast load is one
// (measured: GELU 6 ms -> see gelu.ts for the current figure, 256 x 4096 values).
const CONSTS = memory.data<f32>([
  88.0,
  -87.0,
  1.44269504088896341,
  12582912.0,
  0.693359375,
  -2.12194440e-4,
  1.9875691500e-4,
  1.3981999507e-3,
  8.3334519073e-3,
  4.1665795894e-2,
  1.6666665459e-1,
  5.0000001201e-1,
  1.0,
  1.4807192816e-8,
  -1.6365844691e-7,
  1.6462114366e-6,
  -1.4925650358e-5,
  1.2055332982e-4,
  -8.5483270235e-4,
  5.2239776254e-3,
  -2.6866170645e-2,
  1.1283791671e-1,
  -3.7612638903e-1,
  1.1283791671,
  0.5,
  1.2303920436772267,
  0.723233504474607,
  0.22523876876360463,
  0.03196447296877836,
  2.35877169624888,
  2.384814389790155,
  1.309745876801493,
  0.39925588036056564,
  0.05665470544490583,
  9.1,
  0.7071067811865476,
  1.2e-4,
  1e-3,
  89.0,
  0.75,
  -1.44269504088896341,
  -0.721347520444481705,
  1e-8,
  1e-17,
]);

/** Integer bit patterns: 1.5 * 2^23, the exponent bias, the 12-bit mask, the sign bit. */
const ICONSTS = memory.data<i32>([0x4b400000, 127, 0xfffff000, 0x80000000]);

/** Integer constant number i of ICONSTS in all four lanes. */
// @ts-ignore: decorator
@inline
function ki(i: i32): v128 {
  return v128.load32_splat(ICONSTS + ((<usize>i) << 2));
}

/** Constant number i of CONSTS in all four lanes. */
// @ts-ignore: decorator
@inline
function kc(i: i32): v128 {
  return v128.load32_splat(CONSTS + ((<usize>i) << 2));
}

/**
 * The shared end of expv and expSplitv: exp(r) for the reduced |r| <= ln2/2 (Cephes polynomial)
 * times 2^n, n read from t = x log2 e + 1.5 * 2^23 (the rounding sum, n in its low mantissa bits).
 */
// @ts-ignore: decorator
@inline
function expReduced(r: v128, t: v128): v128 {
  // p = 1 + r + r^2 p4(r), p4 = q0 + r^2 (q1 + r^2 q2) with q0..q2 linear in r: pairs by
  // Estrin, then Horner in r^2 (GELU and sigmoid are latency bound; Horner in r would chain 7
  // multiply-adds). No r^4: for |r| ~ 1e-9..1e-12 it was subnormal, which x86 handles in
  // microcode (GELU of |x| <= 1e-4 ran 2.6x slower, a GLU gate near 1e-9 2.5x: measured), while
  // q2 r^2 stays normal down to |r| ~ 3e-18. Same accuracy (GELU 3.9e-7 worst either way).
  const r2 = f32x4.mul(r, r);
  const q0 = f32x4.add(f32x4.mul(kc(10), r), kc(11));
  const q1 = f32x4.add(f32x4.mul(kc(8), r), kc(9));
  const q2 = f32x4.add(f32x4.mul(kc(6), r), kc(7));
  const p4 = f32x4.add(f32x4.mul(f32x4.add(f32x4.mul(q2, r2), q1), r2), q0);
  const p = f32x4.add(f32x4.add(f32x4.mul(p4, r2), r), kc(12));
  // 2^n from the exponent field: bits(t) - bits(1.5 * 2^23) = n, in [-126, 127] after the clamp.
  const e = i32x4.shl(i32x4.add(i32x4.sub(t, ki(0)), ki(1)), 23);
  return f32x4.mul(p, e);
}

/** exp(x) lane-wise. Cephes expf: n = round(x log2 e), r = x - n ln 2 (two-part), poly, 2^n. */
// @ts-ignore: decorator
@inline
export function expv(x: v128, hi: v128 = kc(0)): v128 {
  // pmin/pmax are one instruction each (min/max with NaN rules are a sequence in V8).
  x = f32x4.pmax(f32x4.pmin(x, hi), kc(1));
  // Round x log2 e to an integer with the 1.5 * 2^23 trick: the sum's low mantissa bits hold n.
  const t = f32x4.add(f32x4.mul(x, kc(2)), kc(3));
  const n = f32x4.sub(t, kc(3));
  let r = f32x4.sub(x, f32x4.mul(n, kc(4)));
  r = f32x4.sub(r, f32x4.mul(n, kc(5)));
  return expReduced(r, t);
}

/**
 * exp(A + s) for A exact with at most 24 significant bits and |s| small, without rounding A + s:
 * n = round((A + s) log2 e), then (A - n ln2_hi) is exact (both terms are multiples of a coarse
 * power of two and close to each other) and s and n ln2_lo are added to it afterwards. The
 * caller gives t = (A + s) log2 e + 1.5 * 2^23 rounded (n in its low mantissa bits), from any
 * float32 evaluation of A + s: where two evaluations round to different n, (A + s) log2 e is
 * within a rounding of a half-integer, so either n leaves |r| <= ~ln2/2 and A - n ln2_hi exact.
 * No clamp: callers keep A + s in [-87, 88] for the lanes they use (erfcv masks the others).
 */
// @ts-ignore: decorator
@inline
export function expSplitv(A: v128, s: v128, t: v128): v128 {
  const n = f32x4.sub(t, kc(3));
  let r = f32x4.sub(A, f32x4.mul(n, kc(4)));
  r = f32x4.add(r, s);
  r = f32x4.sub(r, f32x4.mul(n, kc(5)));
  return expReduced(r, t);
}

/**
 * erf(z) for |z| < 0.75 (erfv's switch; accurate up to 1): the Maclaurin series 2/sqrt(pi) sum (-1)^n z^(2n+1) / (n! (2n+1)) up to
 * n = 10 (truncation < 2e-9 relative), a polynomial in z^2 by Estrin's scheme (estrin9).
 */
// @ts-ignore: decorator
@inline
export function erfSmallv(z: v128, a: v128): v128 {
  // s from |z| >= 1e-8 (a = |z|): below it the sum rounds to its constant term either way, and
  // z^2 of a tiny z was subnormal (slow; see expReduced). pmax keeps a NaN.
  const ac = f32x4.pmax(a, kc(42));
  const s = f32x4.mul(ac, ac);
  // Powers from clamped s: for small z the high terms (s^8 times 1.6e-6, s^10 times 1.5e-8)
  // underflow to denormals, which x86 handles in microcode (erf of inputs near 1e-3 ran 2.4x
  // slower). The even powers use s >= 1.2e-4 and the s^9, s^10 term s >= 1e-3, so every
  // product stays normal; below the clamps those terms are under 1.5e-9 of the first, far
  // below float32 resolution, and above them nothing changes.
  const sc = f32x4.pmax(s, kc(36));
  const s2 = f32x4.mul(sc, sc);
  const s4 = f32x4.mul(s2, s2);
  const sh = f32x4.pmax(s, kc(37));
  const sh2 = f32x4.mul(sh, sh);
  const sh4 = f32x4.mul(sh2, sh2);
  // degree 10 in s: the 9 lowest terms, plus s^9 (c9 + c10 s)
  const hi = f32x4.mul(f32x4.mul(sh4, sh4), f32x4.mul(sh, f32x4.add(f32x4.mul(kc(13), sh), kc(14))));
  return f32x4.mul(z, f32x4.add(estrin9(s, s2, s4, 23), hi));
}

/**
 * sum_{k=0..7} c_k x^k with c_k = CONSTS[i0 - k] (the table lists a polynomial from its highest
 * coefficient down to its constant at i0), by Estrin's scheme: pairs, then x^2, x^4, a dependency
 * chain of 3 multiply-adds instead of Horner's 7, so more lanes are in flight at once (GELU is
 * latency bound). x2 = x^2 and x4 = x^4 come from the caller, who has them anyway. estrin9 adds
 * the x^8 term.
 */
// @ts-ignore: decorator
@inline
function estrin8(x: v128, x2: v128, x4: v128, i0: i32): v128 {
  const q0 = f32x4.add(f32x4.mul(kc(i0 - 1), x), kc(i0));
  const q1 = f32x4.add(f32x4.mul(kc(i0 - 3), x), kc(i0 - 2));
  const q2 = f32x4.add(f32x4.mul(kc(i0 - 5), x), kc(i0 - 4));
  const q3 = f32x4.add(f32x4.mul(kc(i0 - 7), x), kc(i0 - 6));
  const r0 = f32x4.add(f32x4.mul(q1, x2), q0);
  const r1 = f32x4.add(f32x4.mul(q3, x2), q2);
  return f32x4.add(f32x4.mul(r1, x4), r0);
}

/** sum_{k=0..8} c_k x^k (see estrin8): estrin8 + c_8 x^8. */
// @ts-ignore: decorator
@inline
function estrin9(x: v128, x2: v128, x4: v128, i0: i32): v128 {
  return f32x4.add(estrin8(x, x2, x4, i0), f32x4.mul(kc(i0 - 8), f32x4.mul(x4, x4)));
}

/**
 * erfc(a) for 0 <= a < 9.1 (erfcv: for every a >= 0): erfc(a) = exp(-a^2) R(a), R = erfcx =
 * P/Q a rational of degree 4/5 with positive coefficients (no cancellation for a >= 0), fitted
 * for relative error on [0, 9.2] by scripts/fit-erfc.mjs (4.8e-9 in float64, ~4.4e-7 evaluated
 * in float32). P, Q and the exponential are independent, so their dependency chains overlap
 * (the earlier Numerical Recipes form t exp(-a^2 + g(t)), t = 1/(1 + a/2), ran divide ->
 * degree-9 g -> exp in one chain). The two factors: erfcxv(a) and expNegSquarev(w, k, kl2e).
 */
// @ts-ignore: decorator
@inline
export function erfcRawv(a: v128, w: v128, k: v128, kl2e: v128): v128 {
  return f32x4.mul(erfcxv(a), expNegSquarev(w, k, kl2e));
}

/**
 * erfcx(a) = exp(a^2) erfc(a) = P(a) / Q(a) for 0 <= a (see erfcRawv). a >= 1e-8: below it P
 * and Q round to exactly 1 either way, and a^2, a^4 of a tiny a were subnormal (slow; see
 * expReduced). pmax keeps a NaN a.
 */
// @ts-ignore: decorator
@inline
function erfcxv(a: v128): v128 {
  a = f32x4.pmax(a, kc(42));
  const a2 = f32x4.mul(a, a);
  const a4 = f32x4.mul(a2, a2);
  // P = 1 + p1 a + ... + p4 a^4, Q = 1 + q1 a + ... + q5 a^5 by Estrin's scheme
  const p01 = f32x4.add(f32x4.mul(kc(25), a), kc(12));
  const p23 = f32x4.add(f32x4.mul(kc(27), a), kc(26));
  const p = f32x4.add(f32x4.add(p01, f32x4.mul(p23, a2)), f32x4.mul(kc(28), a4));
  const q01 = f32x4.add(f32x4.mul(kc(29), a), kc(12));
  const q23 = f32x4.add(f32x4.mul(kc(31), a), kc(30));
  const q45 = f32x4.add(f32x4.mul(kc(33), a), kc(32));
  const q = f32x4.add(f32x4.add(q01, f32x4.mul(q23, a2)), f32x4.mul(q45, a4));
  return f32x4.div(p, q);
}

/**
 * exp(-k w^2), the caller's a^2 given as k w^2 (erf: w = a, k = 1; GELU: w = |x|, k = 1/2, so
 * the rounding of x / sqrt 2 does not enter the exponent: it would cost 2 a^2 * 6e-8 relative,
 * 1e-5 at a = 9). Split as exp(-k wh^2) exp(-k (w - wh)(w + wh)) with wh = w rounded to 12 bits,
 * so the large exponent carries no rounding error. kl2e = -k log2 e: expSplitv's n comes from
 * w^2 kl2e, computed beside the split rather than after it (the exponential's dependency chain
 * is the longest of erf and GELU: both ~7 % faster, each bit for bit as with n from the rounded
 * split sum on 12.6M values).
 */
// @ts-ignore: decorator
@inline
function expNegSquarev(w: v128, k: v128, kl2e: v128): v128 {
  // w >= 1e-8: below it exp(-k w^2) is exactly 1 in float32 either way, and w^2, wh^2 and
  // (w - wh)(w + wh) of a tiny w were subnormal (slow; see expReduced). pmax keeps a NaN w.
  w = f32x4.pmax(w, kc(42));
  const t = f32x4.add(f32x4.mul(f32x4.mul(w, w), kl2e), kc(3));
  // w split as wh + (w - wh): wh^2 and k wh^2 (k = 1 or 1/2) are exact
  const wh = v128.and(w, ki(2));
  const big = f32x4.neg(f32x4.mul(f32x4.mul(wh, wh), k));
  const small = f32x4.mul(f32x4.mul(f32x4.sub(wh, w), f32x4.add(wh, w)), k);
  return expSplitv(big, small, t);
}

/**
 * erfcRawv, and 0 past a = 9.1, where erfc is below the smallest normal float32 (not exp's
 * clamp value, and not the NaN that P/Q gives at a = Infinity).
 */
// @ts-ignore: decorator
@inline
export function erfcv(a: v128, w: v128, k: v128, kl2e: v128): v128 {
  return v128.andnot(erfcRawv(a, w, k, kl2e), f32x4.ge(a, kc(34)));
}

/**
 * erf(z) lane-wise: the series below |z| = 0.75, sign(z) (1 - erfc(|z|)) above. The switch is
 * where the two meet best (every float32 scanned: the series' worst grows toward 1, 3.0e-7 at
 * 0.99988, and erfc's toward 0.5, 3.4e-7 at 0.52); at 0.75 the worst is 2.8e-7, on the series.
 */
// @ts-ignore: decorator
@inline
export function erfv(z: v128): v128 {
  const a = f32x4.abs(z);
  const small = erfSmallv(z, a);
  const tail = f32x4.sub(kc(12), erfcv(a, a, kc(12), kc(40)));
  // copysign: the magnitude of `tail` with the sign bit of z.
  const signed = v128.or(tail, v128.and(z, ki(3)));
  return v128.bitselect(small, signed, f32x4.lt(a, kc(39)));
}

/**
 * GELU(x) = x/2 (1 + erf(x/sqrt 2)) lane-wise, from c = erfc(|x|/sqrt 2) alone: x (1 - c/2) for
 * x > 0, (x/2) c for x <= 0. Neither form cancels (c/2 <= 1/2), so the negative tail keeps its
 * relative accuracy, and one branch-free path serves every lane, in a time that does not depend
 * on the data. Measured against the earlier per-vector series-or-tail select (2^20 values): 1.6-1.8x
 * faster once |x| > 1.4 is common (that select computed both paths for mixed vectors and
 * mispredicted), ~15 % slower when nearly every |x| < 1.4 (its cheap series path). Variants that
 * branch to the series per vector or per 16 values were slower on mixed data (measured).
 */
// @ts-ignore: decorator
@inline
export function geluv(x: v128): v128 {
  const ax = f32x4.abs(x);
  const half = f32x4.mul(ax, kc(24));
  const a = f32x4.mul(ax, kc(35));
  // hc = (|x|/2) c = ((|x|/2) erfcx(a)) exp(-x^2/2), exactly 0 where erfcv would return 0
  // (a >= 9.1, |x| > 12.9): one mask for both. (|x|/2) erfcx is formed while the longer
  // exponential chain runs (~2 % faster than (|x|/2) (erfcx exp), and as accurate: 3.9e-7 worst
  // vs 4.4e-7 over 4M points of [-14, 14]). At x = +-Infinity, (|x|/2) c is Infinity * NaN, and
  // unmasked GELU(+Infinity) came out NaN instead of Infinity (a NaN input still gives NaN:
  // a >= 9.1 is false for it).
  const hc = v128.andnot(f32x4.mul(f32x4.mul(half, erfcxv(a)), expNegSquarev(ax, kc(24), kc(41))), f32x4.ge(a, kc(34)));
  // x - hc for x > 0 and -hc = (x/2) c for x <= 0, as max(x, 0) - hc: two instructions where
  // the sign select took five, the same bits (pmax keeps a NaN x, and gives 0 at x = -Infinity)
  return f32x4.sub(f32x4.pmax(x, f32x4.splat(0.0)), hc);
}

/**
 * The GLU gate v * sigmoid(g), as v / (1 + exp(-g)): one rounding and one multiply less than v
 * times 1 / (1 + exp(-g)) (2^20 values of [-4, 4]: 1.4e-7 relative worst instead of 1.6e-7, and
 * ~4 % faster). exp(-g) is clamped at exp(89) rather than expv's exp(88): past -g = 88.4 its 2^n
 * is 2^128, which the exponent trick writes as +Infinity, so the gate falls to 0 there. Clamped
 * at exp(88) the sigmoid stayed at 6e-39 for every g below -88, and a value v near 1e38 times it
 * read ~0.6 instead of ~0 (no extra instruction: only the bound moved).
 * The exponent is 1e-17 - g rather than -g, in the same one instruction: from |g| >= 1e-8 the
 * 1e-17 is below half an ulp and vanishes, and under it exp rounds to exactly 1 either way
 * (bit-identical on 4M gates of magnitude 1e-38..1e2), but a gate near 0 (a Linear without bias
 * on near-silent input) no longer reaches expReduced as an r whose q2 r^2 is subnormal (the
 * gate of |g| <= 1e-19 ran 2.4x slower).
 */
// @ts-ignore: decorator
@inline
export function gatev(v: v128, g: v128): v128 {
  return f32x4.div(v, f32x4.add(kc(12), expv(f32x4.sub(kc(43), g), kc(38))));
}
