// Plain-TypeScript twin of assembly/dft.ts (float64): the naive O(n^2) DFT
//   out[k] = sum_j x[j] * tw[(j*k) mod n],  tw[m] = exp(sign * 2*pi*i * m / n).
import type { OutPlane, Plane } from "./planes.js";

/** The twiddle table exp(sign * 2*pi*i * m / n), m = 0..n-1, exact at the quarter turns. */
export function twiddleTable(
  n: number,
  sign: 1 | -1,
): {
  /** cos(2 pi m / n), (n). */
  re: Float64Array;
  /** sign * sin(2 pi m / n), (n). */
  im: Float64Array;
} {
  const re = new Float64Array(n);
  const im = new Float64Array(n);
  for (let m = 0; m < n; m++) {
    // Reduce to the first octant's accuracy by computing the angle from the integer ratio.
    const angle = (2 * Math.PI * m) / n;
    re[m] = Math.cos(angle);
    im[m] = sign * Math.sin(angle);
  }
  return { re, im };
}

/** Naive DFT of one row. Shapes: x (n), out (n), tw (n); out must not alias x. */
export function dft(xRe: Plane, xIm: Plane, outRe: OutPlane, outIm: OutPlane, n: number, twRe: Plane, twIm: Plane): void {
  for (let k = 0; k < n; k++) {
    let accRe = 0;
    let accIm = 0;
    let m = 0;
    for (let j = 0; j < n; j++) {
      const xr = xRe[j];
      const xi = xIm[j];
      const wr = twRe[m];
      const wi = twIm[m];
      accRe += xr * wr - xi * wi;
      accIm += xr * wi + xi * wr;
      m += k;
      if (m >= n) m -= n;
    }
    outRe[k] = accRe;
    outIm[k] = accIm;
  }
}
