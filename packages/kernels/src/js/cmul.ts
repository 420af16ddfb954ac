// Plain-TypeScript twin of assembly/cmul.ts (float64). Same contract: planes of n elements,
// out may alias a or b.
import type { OutPlane, Plane } from "./planes.js";

/** out[i] = a[i] * b[i] (complex, split planes). */
export function cmul(aRe: Plane, aIm: Plane, bRe: Plane, bIm: Plane, outRe: OutPlane, outIm: OutPlane, n: number): void {
  for (let i = 0; i < n; i++) {
    const ar = aRe[i];
    const ai = aIm[i];
    const br = bRe[i];
    const bi = bIm[i];
    outRe[i] = ar * br - ai * bi;
    outIm[i] = ar * bi + ai * br;
  }
}

/** out[i] += a[i] * b[i] (complex, split planes). */
export function cmulAcc(aRe: Plane, aIm: Plane, bRe: Plane, bIm: Plane, outRe: OutPlane, outIm: OutPlane, n: number): void {
  for (let i = 0; i < n; i++) {
    const ar = aRe[i];
    const ai = aIm[i];
    const br = bRe[i];
    const bi = bIm[i];
    outRe[i] += ar * br - ai * bi;
    outIm[i] += ar * bi + ai * br;
  }
}
