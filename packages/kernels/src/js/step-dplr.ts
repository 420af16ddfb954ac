// Plain-TypeScript twin of assembly/step-dplr.ts (float64): O(N) bilinear step of a rank-1 DPLR
// system on the half state. params (H, 14, M): P, a1 = 1 + dt/2 L, Ph = dt/2 P, Bh = dt B,
// G = (2/dt)/(2/dt - L), GP = G P, C (each re then im); chan (H, 2): [1/(1+k), D].
// Shapes: x (B, H, M) complex in place; u, y (B, H, L), y may alias u.
import type { OutPlane, Plane } from "./planes.js";

/** Number of planes per channel in `params`. */
export const DPLR_STEP_PLANES = 14;

/**
 * O(N) bilinear step of a rank-1 DPLR system on the half state, L steps. x (B, H, M) complex in
 * place; params (H, 14, M) and chan (H, 2) the coefficients DPLRStepPlan.setParams packs; u, y
 * (B, H, L), y may alias u.
 */
export function dplrStep(
  xRe: OutPlane,
  xIm: OutPlane,
  params: Plane,
  chan: Plane,
  u: Plane,
  y: OutPlane,
  batch: number,
  H: number,
  M: number,
  L: number,
): void {
  for (let b = 0; b < batch; b++) {
    for (let h = 0; h < H; h++) {
      const bh = b * H + h;
      const x = bh * M;
      const p = h * 14 * M;
      // Plane offsets of this channel's parameters (see the header for the order).
      const Pr = p;
      const Pi = p + M;
      const A1r = p + 2 * M;
      const A1i = p + 3 * M;
      const Phr = p + 4 * M;
      const Phi = p + 5 * M;
      const Bhr = p + 6 * M;
      const Bhi = p + 7 * M;
      const Gr = p + 8 * M;
      const Gi = p + 9 * M;
      const GPr = p + 10 * M;
      const GPi = p + 11 * M;
      const Cr = p + 12 * M;
      const Ci = p + 13 * M;
      const invk = chan[2 * h];
      const dh = chan[2 * h + 1];
      for (let t = 0; t < L; t++) {
        const ut = u[bh * L + t];
        let s = 0;
        for (let m = 0; m < M; m++) s += params[Pr + m] * xRe[x + m] + params[Pi + m] * xIm[x + m];
        s *= 2;
        let tt = 0;
        for (let m = 0; m < M; m++) {
          const ar = params[A1r + m];
          const ai = params[A1i + m];
          const x0 = xRe[x + m];
          const x1 = xIm[x + m];
          const wr = ar * x0 - ai * x1 - params[Phr + m] * s + params[Bhr + m] * ut;
          const wi = ar * x1 + ai * x0 - params[Phi + m] * s + params[Bhi + m] * ut;
          const vr = params[Gr + m] * wr - params[Gi + m] * wi;
          const vi = params[Gr + m] * wi + params[Gi + m] * wr;
          xRe[x + m] = vr;
          xIm[x + m] = vi;
          tt += params[Phr + m] * vr + params[Phi + m] * vi;
        }
        const z = 2 * tt * invk;
        let yt = 0;
        for (let m = 0; m < M; m++) {
          const nr = xRe[x + m] - params[GPr + m] * z;
          const ni = xIm[x + m] - params[GPi + m] * z;
          xRe[x + m] = nr;
          xIm[x + m] = ni;
          yt += params[Cr + m] * nr - params[Ci + m] * ni;
        }
        y[bh * L + t] = 2 * yt + dh * ut;
      }
    }
  }
}
