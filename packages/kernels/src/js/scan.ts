// Plain-TypeScript twin of assembly/scan.ts (float64). Complex diagonal linear recurrence over
// independent lanes:  h[l, t] = a[l, t] * h[l, t-1] + b[l, t],  h[l, -1] = h0[l].
// Shapes: a, b, h (lanes, T) split planes; h0, last (lanes), last[l] = h[l, T-1].
import type { OutPlane, Plane } from "./planes.js";

/** Sequential scan, one lane after another. h may alias b; last may alias h0. */
export function linearScan(
  aRe: Plane,
  aIm: Plane,
  bRe: Plane,
  bIm: Plane,
  h0Re: Plane,
  h0Im: Plane,
  hRe: OutPlane,
  hIm: OutPlane,
  lastRe: OutPlane,
  lastIm: OutPlane,
  lanes: number,
  T: number,
): void {
  for (let l = 0; l < lanes; l++) {
    let cr = h0Re[l];
    let ci = h0Im[l];
    const row = l * T;
    for (let t = row; t < row + T; t++) {
      const ar = aRe[t];
      const ai = aIm[t];
      const nr = ar * cr - ai * ci + bRe[t];
      ci = ar * ci + ai * cr + bIm[t];
      cr = nr;
      hRe[t] = cr;
      hIm[t] = ci;
    }
    lastRe[l] = cr;
    lastIm[l] = ci;
  }
}

/** Scratch length (elements) linearScanChunked needs. */
export function scanScratchFloats(lanes: number, T: number, chunk: number): number {
  return 6 * lanes * Math.ceil(T / chunk) + 8;
}

/**
 * Chunked associative scan (S5 operator (a1,b1) o (a2,b2) = (a2 a1, a2 b1 + b2), element 1
 * earlier), reduce-then-scan: aggregates of chunks 0..nc-2, the carry across chunks, then every
 * chunk again from its carry-in. Same result as linearScan up to rounding. h must not alias a, b.
 */
export function linearScanChunked(
  aRe: Plane,
  aIm: Plane,
  bRe: Plane,
  bIm: Plane,
  h0Re: Plane,
  h0Im: Plane,
  hRe: OutPlane,
  hIm: OutPlane,
  lastRe: OutPlane,
  lastIm: OutPlane,
  lanes: number,
  T: number,
  chunk: number,
  scratch: OutPlane,
): void {
  const nc = Math.ceil(T / chunk);
  const plane = lanes * nc;
  const [A_RE, A_IM, B_RE, B_IM, C_RE, C_IM] = [0, 1, 2, 3, 4, 5].map((k) => k * plane);
  for (let l = 0; l < lanes; l++) {
    const row = l * T;
    const srow = l * nc;
    // Pass 1: fold each chunk but the last into (prod a, scan from 0).
    for (let c = 0; c < nc - 1; c++) {
      let pr = 1;
      let pi = 0;
      let cr = 0;
      let ci = 0;
      for (let t = row + c * chunk; t < row + (c + 1) * chunk; t++) {
        const ar = aRe[t];
        const ai = aIm[t];
        const nr = ar * cr - ai * ci + bRe[t];
        ci = ar * ci + ai * cr + bIm[t];
        cr = nr;
        const qr = ar * pr - ai * pi;
        pi = ar * pi + ai * pr;
        pr = qr;
      }
      scratch[A_RE + srow + c] = pr;
      scratch[A_IM + srow + c] = pi;
      scratch[B_RE + srow + c] = cr;
      scratch[B_IM + srow + c] = ci;
    }
    // Pass 2: carry-in of every chunk.
    let cr = h0Re[l];
    let ci = h0Im[l];
    for (let c = 0; c < nc; c++) {
      scratch[C_RE + srow + c] = cr;
      scratch[C_IM + srow + c] = ci;
      if (c < nc - 1) {
        const ar = scratch[A_RE + srow + c];
        const ai = scratch[A_IM + srow + c];
        const nr = ar * cr - ai * ci + scratch[B_RE + srow + c];
        ci = ar * ci + ai * cr + scratch[B_IM + srow + c];
        cr = nr;
      }
    }
    // Pass 3: every chunk from its carry-in (independent across chunks).
    for (let c = 0; c < nc; c++) {
      let xr = scratch[C_RE + srow + c];
      let xi = scratch[C_IM + srow + c];
      const end = row + Math.min(T, (c + 1) * chunk);
      for (let t = row + c * chunk; t < end; t++) {
        const ar = aRe[t];
        const ai = aIm[t];
        const nr = ar * xr - ai * xi + bRe[t];
        xi = ar * xi + ai * xr + bIm[t];
        xr = nr;
        hRe[t] = xr;
        hIm[t] = xi;
      }
    }
    lastRe[l] = hRe[row + T - 1];
    lastIm[l] = hIm[row + T - 1];
  }
}
