// Plain-TypeScript twin of assembly/step.ts (float64): fused diagonal SSM step over a batch,
// run for L steps, state updated before the readout:
//   x[b,h,:] = dA[h,:] * x[b,h,:] + dB[h,:] * u[b,h,t]
//   y[b,h,t] = scale * Re(sum_m C[h,m] x[b,h,m]) + D[h] u[b,h,t]
// Shapes: x (B,H,M) complex in place; dA, dB, C (H,M) complex; D (H); u, y (B,H,L), y may alias u.
import type { OutPlane, Plane } from "./planes.js";

/**
 * Fused diagonal SSM step, L steps: x = dA * x + dB * u; y = scale * Re(C . x) + D * u (state
 * first). x (B, H, M) complex in place; dA, dB, C (H, M) complex; D (H); u, y (B, H, L), y may
 * alias u.
 */
export function diagStep(
  xRe: OutPlane,
  xIm: OutPlane,
  dARe: Plane,
  dAIm: Plane,
  dBRe: Plane,
  dBIm: Plane,
  cRe: Plane,
  cIm: Plane,
  d: Plane,
  u: Plane,
  y: OutPlane,
  batch: number,
  H: number,
  M: number,
  L: number,
  scale: number,
): void {
  for (let b = 0; b < batch; b++) {
    for (let h = 0; h < H; h++) {
      const bh = b * H + h;
      const p = h * M;
      const s = bh * M;
      const io = bh * L;
      const dh = d[h];
      for (let t = 0; t < L; t++) {
        const ut = u[io + t];
        let acc = 0;
        for (let m = 0; m < M; m++) {
          const xr = xRe[s + m];
          const xi = xIm[s + m];
          const ar = dARe[p + m];
          const ai = dAIm[p + m];
          const nr = ar * xr - ai * xi + dBRe[p + m] * ut;
          const ni = ar * xi + ai * xr + dBIm[p + m] * ut;
          xRe[s + m] = nr;
          xIm[s + m] = ni;
          acc += cRe[p + m] * nr - cIm[p + m] * ni;
        }
        y[io + t] = scale * acc + dh * ut;
      }
    }
  }
}
