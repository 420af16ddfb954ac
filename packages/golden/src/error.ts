// The golden files' error metric: rel = max|got - expected| / max|expected| (complex: modulus).
import type { Tensor } from "./tensor.js";

type Plane = ArrayLike<number>;

/** Relative error of a real array against the expected one. */
export function relErrorReal(got: Plane, expected: Plane): number {
  if (got.length !== expected.length) throw new Error(`relError: length ${got.length} vs expected ${expected.length}`);
  let num = 0;
  let den = 0;
  for (let i = 0; i < expected.length; i++) {
    const d = Math.abs(got[i] - expected[i]);
    num = d > num || Number.isNaN(d) ? d : num;
    den = Math.max(den, Math.abs(expected[i]));
  }
  return den === 0 ? num : num / den;
}

/** Relative error of a complex array (modulus of the difference / largest modulus). */
export function relErrorComplex(gotRe: Plane, gotIm: Plane, expRe: Plane, expIm: Plane): number {
  if (gotRe.length !== expRe.length || gotIm.length !== expIm.length) {
    throw new Error(`relError: length ${gotRe.length} vs expected ${expRe.length}`);
  }
  let num = 0;
  let den = 0;
  for (let i = 0; i < expRe.length; i++) {
    const d = Math.hypot(gotRe[i] - expRe[i], gotIm[i] - expIm[i]);
    num = d > num || Number.isNaN(d) ? d : num;
    den = Math.max(den, Math.hypot(expRe[i], expIm[i]));
  }
  return den === 0 ? num : num / den;
}

/** Relative error between two tensors of the same kind and size. */
export function relError(got: Tensor, expected: Tensor): number {
  if (got.kind === "complex" && expected.kind === "complex") return relErrorComplex(got.re, got.im, expected.re, expected.im);
  if (got.kind === "real" && expected.kind === "real") return relErrorReal(got.data, expected.data);
  throw new Error(`relError: got a ${got.kind} tensor, expected ${expected.kind}`);
}
