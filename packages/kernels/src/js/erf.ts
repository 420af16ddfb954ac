// float64 erf, erfc and exact GELU: the reference for the wasm vector versions (vmath.ts).
// No fitted constants. Below |x| = 0.75 a series with all-positive terms; above, erfc from the
// continued fraction. The fraction needs hundreds of steps near 1, so on [0.75, 6] it is only
// used once, lazily, to build Chebyshev interpolants of the smooth erfcx(x) = e^{x^2} erfc(x)
// (degree 20 on intervals of 1/4: exact to rounding); evaluation is then a short Clenshaw sum.
// Accuracy ~1e-15 relative (tested against tabulated values).
import type { OutPlane, Plane } from "./planes.js";

const TWO_OVER_SQRT_PI = 1.1283791670955126;
const ONE_OVER_SQRT_PI = 0.5641895835477563;
/** Series below, erfc-based above. */
const SPLIT = 0.75;
/** Interpolated erfcx on [SPLIT, TABLE_END): intervals of WIDTH, DEGREE + 1 coefficients each. */
const TABLE_END = 6;
const WIDTH = 0.25;
const DEGREE = 20;

/** exp(-x^2) without the rounding of x^2: x = hi + lo with hi of 24 bits, so hi^2 is exact. */
function expMinusSquare(x: number): number {
  const hi = Math.fround(x);
  const lo = x - hi;
  return Math.exp(-hi * hi) * Math.exp(-lo * (x + hi));
}

/** erf(x) = 2/sqrt(pi) e^{-x^2} sum_n 2^n x^(2n+1) / (1*3*...*(2n+1)); fast for small |x|. */
function erfSeries(x: number): number {
  const x2 = 2 * x * x;
  let term = x;
  let sum = x;
  for (let n = 1; n < 400; n++) {
    term *= x2 / (2 * n + 1);
    sum += term;
    if (Math.abs(term) <= 1e-17 * Math.abs(sum)) break;
  }
  return TWO_OVER_SQRT_PI * expMinusSquare(x) * sum;
}

/**
 * erfcx(x) = e^{x^2} erfc(x) = 1/sqrt(pi) / (x + (1/2)/(x + 1/(x + (3/2)/(x + ...)))), x > 0,
 * evaluated bottom-up from `depth` levels (backward evaluation is stable: rounding does not pile
 * up as in a forward product). Depth 6000 converges to rounding for x >= 0.75; 300 for x >= 6.
 */
function erfcxFraction(x: number, depth: number): number {
  let f = x;
  for (let n = depth; n >= 1; n--) f = x + n / 2 / f;
  return ONE_OVER_SQRT_PI / f;
}

let table: Float64Array | null = null;

/** Chebyshev coefficients of erfcx on each interval, from the continued fraction (once). */
function buildTable(): Float64Array {
  const intervals = Math.round((TABLE_END - SPLIT) / WIDTH);
  const m = DEGREE + 1;
  const t = new Float64Array(intervals * m);
  const f = new Float64Array(m);
  for (let i = 0; i < intervals; i++) {
    const a = SPLIT + i * WIDTH;
    for (let k = 0; k < m; k++) f[k] = erfcxFraction(a + (WIDTH * (1 + Math.cos((Math.PI * (k + 0.5)) / m))) / 2, 6000);
    for (let j = 0; j < m; j++) {
      let s = 0;
      for (let k = 0; k < m; k++) s += f[k] * Math.cos((Math.PI * j * (k + 0.5)) / m);
      t[i * m + j] = (2 / m) * s;
    }
  }
  return t;
}

/** erfcx(x) for SPLIT <= x < TABLE_END by Clenshaw on the interval's Chebyshev series. */
function erfcxTable(x: number): number {
  if (table === null) table = buildTable();
  const i = Math.floor((x - SPLIT) / WIDTH);
  const a = SPLIT + i * WIDTH;
  const u = (2 * (x - a)) / WIDTH - 1;
  const base = i * (DEGREE + 1);
  let b1 = 0;
  let b2 = 0;
  for (let j = DEGREE; j >= 1; j--) {
    const b0 = 2 * u * b1 - b2 + table[base + j];
    b2 = b1;
    b1 = b0;
  }
  return u * b1 - b2 + table[base] / 2;
}

/** erfc(x) for x >= SPLIT. */
function erfcLarge(x: number): number {
  if (x > 27) return 0; // erfc(27) ~ 5e-319: below the smallest double
  const cx = x < TABLE_END ? erfcxTable(x) : erfcxFraction(x, 300);
  return cx * expMinusSquare(x);
}

/** erf(x) in float64. */
export function erf64(x: number): number {
  if (Number.isNaN(x)) return Number.NaN;
  const a = Math.abs(x);
  if (a < SPLIT) return erfSeries(x);
  const r = 1 - erfcLarge(a);
  return x < 0 ? -r : r;
}

/** erfc(x) = 1 - erf(x) in float64, without cancellation for large x. */
export function erfc64(x: number): number {
  if (Number.isNaN(x)) return Number.NaN;
  if (x >= SPLIT) return erfcLarge(x);
  if (x > -SPLIT) return 1 - erfSeries(x);
  return 2 - erfcLarge(-x);
}

/** GELU(x) = x/2 (1 + erf(x / sqrt 2)) = x/2 erfc(-x / sqrt 2) in float64. */
export function gelu64(x: number): number {
  // GELU(-Infinity) is the limit 0 (the product form gives -Infinity * 0 = NaN)
  if (x === Number.NEGATIVE_INFINITY) return 0;
  return 0.5 * x * erfc64(-x * Math.SQRT1_2);
}

/** out[i] = erf(x[i]); n values; out may alias x. */
export function erf(x: Plane, out: OutPlane, n: number): void {
  for (let i = 0; i < n; i++) out[i] = erf64(x[i]);
}

/** out[i] = GELU(x[i]) (exact, erf); n values; out may alias x. */
export function gelu(x: Plane, out: OutPlane, n: number): void {
  for (let i = 0; i < n; i++) out[i] = gelu64(x[i]);
}
