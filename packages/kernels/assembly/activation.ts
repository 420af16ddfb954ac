// The official S4 code's other activations (models/s4/s4.py Activation), elementwise over n f32
// values, four lanes at a time; `out` may alias `x`. GELU and erf are in gelu.ts.
//   tanh, relu, elu (alpha 1), silu (x sigmoid x), sigmoid, softplus (torch's: x itself above 20)
// Accuracy (float32, against float64): within 1e-6 relative (test/activation.test.ts), from
// expv's ~1e-7; below float32's normal range (|y| < 1.2e-38: sigmoid and softplus of x < -87,
// silu of x < -93) the error is that small in absolute terms (the results are 0 or tiny normals
// where the true values are subnormal). Where a formula would cancel (tanh and elu near 0, log1p of a tiny term) it is
// replaced by a short series.
import { loadTail, storeTail } from "./gelu";
import { expv, gatev } from "./vmath";

export const ACT_TANH = 0;
export const ACT_RELU = 1;
export const ACT_ELU = 2;
export const ACT_SILU = 3;
export const ACT_SIGMOID = 4;
export const ACT_SOFTPLUS = 5;

const SIGN = 0x80000000;

/** tanh: an odd series below |x| = 1/4 (to x^11, < 2e-9), else (1 - e) / (1 + e), e = exp(-2|x|), signed. */
// @ts-ignore: decorator
@inline
function tanhv(x: v128): v128 {
  const a = f32x4.abs(x);
  const x2 = f32x4.mul(x, x);
  let p = f32x4.add(f32x4.mul(x2, f32x4.splat(<f32>(-1382.0 / 155925.0))), f32x4.splat(<f32>(62.0 / 2835.0)));
  p = f32x4.add(f32x4.mul(x2, p), f32x4.splat(<f32>(-17.0 / 315.0)));
  p = f32x4.add(f32x4.mul(x2, p), f32x4.splat(<f32>(2.0 / 15.0)));
  p = f32x4.add(f32x4.mul(x2, p), f32x4.splat(<f32>(-1.0 / 3.0)));
  const small = f32x4.add(x, f32x4.mul(f32x4.mul(x, x2), p));
  const e = expv(f32x4.mul(a, f32x4.splat(-2.0)));
  const one = f32x4.splat(1.0);
  const big = v128.or(f32x4.div(f32x4.sub(one, e), f32x4.add(one, e)), v128.and(x, i32x4.splat(SIGN)));
  return v128.bitselect(small, big, f32x4.lt(a, f32x4.splat(0.25)));
}

/** elu: x above 0, else exp(x) - 1 (a series to x^7 above -1/4, where the difference cancels). */
// @ts-ignore: decorator
@inline
function eluv(x: v128): v128 {
  let p = f32x4.add(f32x4.mul(x, f32x4.splat(<f32>(1.0 / 5040.0))), f32x4.splat(<f32>(1.0 / 720.0)));
  p = f32x4.add(f32x4.mul(x, p), f32x4.splat(<f32>(1.0 / 120.0)));
  p = f32x4.add(f32x4.mul(x, p), f32x4.splat(<f32>(1.0 / 24.0)));
  p = f32x4.add(f32x4.mul(x, p), f32x4.splat(<f32>(1.0 / 6.0)));
  p = f32x4.add(f32x4.mul(x, p), f32x4.splat(0.5));
  const series = f32x4.add(x, f32x4.mul(f32x4.mul(x, x), p));
  const em1 = f32x4.sub(expv(x), f32x4.splat(1.0));
  const neg = v128.bitselect(series, em1, f32x4.gt(x, f32x4.splat(-0.25)));
  return v128.bitselect(x, neg, f32x4.gt(x, f32x4.splat(0.0)));
}

/**
 * softplus = log(1 + exp(x)) = max(x, 0) + log1p(exp(-|x|)), x itself above 20 (torch's
 * threshold). log1p(t), t in (0, 1]: 2 atanh(s), s = t / (2 + t) <= 1/3, its series to s^15
 * (< 2e-9 relative).
 */
// @ts-ignore: decorator
@inline
function softplusv(x: v128): v128 {
  // below -80 softplus is e^x itself (log1p(t) = t there), formed as e^(x + 64) e^-64 as in
  // siluv (expv stops at e^-87.3, which is still 1.2e-38, a normal float32): the same exp
  // serves both, shifted in those lanes only
  const far = f32x4.lt(x, f32x4.splat(-80.0));
  const t = expv(f32x4.add(f32x4.neg(f32x4.abs(x)), v128.and(far, f32x4.splat(64.0))));
  const s = f32x4.div(t, f32x4.add(t, f32x4.splat(2.0)));
  const s2 = f32x4.mul(s, s);
  let p = f32x4.add(f32x4.mul(s2, f32x4.splat(<f32>(1.0 / 15.0))), f32x4.splat(<f32>(1.0 / 13.0)));
  p = f32x4.add(f32x4.mul(s2, p), f32x4.splat(<f32>(1.0 / 11.0)));
  p = f32x4.add(f32x4.mul(s2, p), f32x4.splat(<f32>(1.0 / 9.0)));
  p = f32x4.add(f32x4.mul(s2, p), f32x4.splat(<f32>(1.0 / 7.0)));
  p = f32x4.add(f32x4.mul(s2, p), f32x4.splat(<f32>(1.0 / 5.0)));
  p = f32x4.add(f32x4.mul(s2, p), f32x4.splat(<f32>(1.0 / 3.0)));
  const log1p = f32x4.mul(f32x4.add(s, f32x4.mul(f32x4.mul(s, s2), p)), f32x4.splat(2.0));
  const y = f32x4.add(f32x4.pmax(x, f32x4.splat(0.0)), log1p);
  const tail = f32x4.mul(t, f32x4.splat(<f32>1.603810890548638e-28));
  return v128.bitselect(x, v128.bitselect(tail, y, far), f32x4.gt(x, f32x4.splat(20.0)));
}

/**
 * silu = x / (1 + e^-x) for x >= 0, x e^x / (1 + e^x) below. Where x < -80, e^x is formed as
 * e^(x + 64) e^-64 (x + 64 is exact there and e^(x + 64) normal): x e^x then keeps its
 * precision down to float32's normal range, where expv alone stops at e^-87.3 (x / (1 + e^-x)
 * gave 0 from x = -88.4, where silu is still ~3e-37).
 */
// @ts-ignore: decorator
@inline
function siluv(x: v128): v128 {
  const z = f32x4.neg(f32x4.abs(x));
  const far = f32x4.lt(z, f32x4.splat(-80.0));
  const ez = expv(f32x4.add(z, v128.and(far, f32x4.splat(64.0))));
  const c = v128.bitselect(f32x4.splat(<f32>1.603810890548638e-28), f32x4.splat(1.0), far);
  const num = v128.bitselect(x, f32x4.mul(f32x4.mul(x, ez), c), f32x4.ge(x, f32x4.splat(0.0)));
  return f32x4.div(num, f32x4.add(f32x4.splat(1.0), f32x4.mul(ez, c)));
}

// @ts-ignore: decorator
@inline
function actv(kind: i32, x: v128): v128 {
  if (kind == ACT_TANH) return tanhv(x);
  if (kind == ACT_RELU) return f32x4.pmax(x, f32x4.splat(0.0));
  if (kind == ACT_ELU) return eluv(x);
  if (kind == ACT_SILU) return siluv(x);
  if (kind == ACT_SIGMOID) return gatev(f32x4.splat(1.0), x);
  return softplusv(x);
}

/** The loop for one literal kind (actv folds to that function once inlined). */
// @ts-ignore: decorator
@inline
function run(kind: i32, x: usize, out: usize, n: i32): void {
  let i = 0;
  for (; i + 4 <= n; i += 4) {
    const o = (<usize>i) << 2;
    v128.store(out + o, actv(kind, v128.load(x + o)));
  }
  if (i < n) {
    const o = (<usize>i) << 2;
    storeTail(out + o, actv(kind, loadTail(x + o, n - i)), n - i);
  }
}

/** out = f(x) over n f32, f one of the ACT_* kinds. */
export function activation(kind: i32, x: usize, out: usize, n: i32): void {
  if (kind == ACT_TANH) run(ACT_TANH, x, out, n);
  else if (kind == ACT_RELU) run(ACT_RELU, x, out, n);
  else if (kind == ACT_ELU) run(ACT_ELU, x, out, n);
  else if (kind == ACT_SILU) run(ACT_SILU, x, out, n);
  else if (kind == ACT_SIGMOID) run(ACT_SIGMOID, x, out, n);
  else run(ACT_SOFTPLUS, x, out, n);
}
