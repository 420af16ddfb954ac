// Exact (erf) GELU and erf itself, elementwise over n f32 values, four lanes at a time.
//   gelu: out[i] = x[i]/2 (1 + erf(x[i]/sqrt 2))    (PyTorch nn.GELU(), approximate='none')
//   erf:  out[i] = erf(x[i])
// `out` may alias `x`. Accuracy: see vmath.ts (erf ~3e-7 relative, GELU 3.9e-7 relative worst).
import { erfv, geluv } from "./vmath";

/** Load the last n % 4 values into lanes (zeros beyond n), so tails use the vector code. */
// @ts-ignore: decorator
@inline
export function loadTail(p: usize, count: i32): v128 {
  let v = f32x4.splat(0.0);
  v = f32x4.replace_lane(v, 0, load<f32>(p));
  if (count > 1) v = f32x4.replace_lane(v, 1, load<f32>(p, 4));
  if (count > 2) v = f32x4.replace_lane(v, 2, load<f32>(p, 8));
  return v;
}

/** Store the first `count` (1..3) lanes of v. */
// @ts-ignore: decorator
@inline
export function storeTail(p: usize, v: v128, count: i32): void {
  store<f32>(p, f32x4.extract_lane(v, 0));
  if (count > 1) store<f32>(p, f32x4.extract_lane(v, 1), 4);
  if (count > 2) store<f32>(p, f32x4.extract_lane(v, 2), 8);
}

/** out = GELU(x); planes of n f32. */
export function gelu(x: usize, out: usize, n: i32): void {
  let i = 0;
  // Two independent vectors per trip: one GELU is a ~50-cycle dependency chain (the rational P/Q
  // with its divide beside the exponential), so one vector per trip leaves the pipes idle; four
  // ran out of x64's 16 vector registers (measured, 2^20 values: 1 / 2 / 3 / 4 per trip = 0.94 /
  // 0.83 / 0.84 / 0.96 of the earlier four-per-trip loop with the serial erfc).
  for (; i + 8 <= n; i += 8) {
    const o = (<usize>i) << 2;
    const a = geluv(v128.load(x + o));
    const b = geluv(v128.load(x + o, 16));
    v128.store(out + o, a);
    v128.store(out + o, b, 16);
  }
  for (; i + 4 <= n; i += 4) {
    const o = (<usize>i) << 2;
    v128.store(out + o, geluv(v128.load(x + o)));
  }
  if (i < n) {
    const o = (<usize>i) << 2;
    storeTail(out + o, geluv(loadTail(x + o, n - i)), n - i);
  }
}

/** out = erf(x); planes of n f32. */
export function erf(x: usize, out: usize, n: i32): void {
  let i = 0;
  for (; i + 4 <= n; i += 4) {
    const o = (<usize>i) << 2;
    v128.store(out + o, erfv(v128.load(x + o)));
  }
  if (i < n) {
    const o = (<usize>i) << 2;
    storeTail(out + o, erfv(loadTail(x + o, n - i)), n - i);
  }
}
