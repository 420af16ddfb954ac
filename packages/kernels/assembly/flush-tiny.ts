// Flush tiny values of an f32 array to zero, for streaming states in silence:
//   flushTiny(x, n): x[i] = 0 where |x[i]| < 2^-100 (NaN, Inf and larger values are kept);
//   returns 1 when it zeroed a nonzero value, else 0.
// A state driven by zero input decays geometrically into float32's subnormal range (below
// 2^-126) and lingers there for thousands of steps when |dA| is near 1. Wasm keeps IEEE
// subnormals (no flush-to-zero mode), and x86 cores take a microcode assist on many subnormal
// operations: measured on this AMD core a step over a mostly subnormal state is ~12 % slower;
// Intel cores are known to be slower still by a large factor. The step plans call this every
// few frames (see SSMState); 2^-100 (7.9e-31) leaves 26 binades of decay before the subnormal
// range, and a flushed entry changed its output by less than |C| 2^-100. (It was 2^-64 = 5.4e-20
// at first: a live signal of 1e-22 then lost half its value at every pass, found by fuzzing.)
// One pass over the exponent bits: biased exponent <= 27 means |x| < 2^-100.

export function flushTiny(x: usize, n: i32): i32 {
  const expMask = i32x4.splat(0x7f800000);
  const keepAbove = i32x4.splat(27 << 23);
  let dropped = i32x4.splat(0);
  let i = 0;
  for (; i + 4 <= n; i += 4) {
    const p = x + ((<usize>i) << 2);
    const v = v128.load(p);
    const keep = i32x4.gt_s(v128.and(v, expMask), keepAbove);
    dropped = v128.or(dropped, v128.andnot(v, keep));
    v128.store(p, v128.and(v, keep));
  }
  // -0 has only its sign bit: clear it, so that a zero of either sign does not count
  let any = v128.any_true(v128.and(dropped, i32x4.splat(0x7fffffff)));
  for (; i < n; i++) {
    const p = x + ((<usize>i) << 2);
    const bits = load<i32>(p);
    if ((bits & 0x7f800000) <= 27 << 23) {
      any = any || (bits & 0x7fffffff) != 0;
      store<f32>(p, 0);
    }
  }
  return any ? 1 : 0;
}
