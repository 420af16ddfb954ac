// Plain-TypeScript twin of assembly/step-dense.ts (float64): dense SSM step, L steps:
//   x[b,h,:] = dA[h] @ x[b,h,:] + dB[h,:] u[b,h,t];   y[b,h,t] = Re(C[h,:] . x[b,h,:]) + D[h] u[b,h,t]
// Shapes: x (B,H,S) complex in place; dA (H,S,S) complex row-major; dB, C (H,S); D (H);
// u, y (B,H,L); tmp: 2*S scratch elements.
import type { OutPlane, Plane } from "./planes.js";

/**
 * Dense SSM step, L steps: x = dA @ x + dB u; y = Re(C . x) + D u (state first). x (B, H, S)
 * complex in place; dA (H, S, S) complex row-major; dB, C (H, S) complex; D (H); u, y (B, H, L);
 * tmp: 2*S scratch elements.
 */
export function denseStep(
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
  tmp: OutPlane,
  batch: number,
  H: number,
  S: number,
  L: number,
): void {
  for (let b = 0; b < batch; b++) {
    for (let h = 0; h < H; h++) {
      const bh = b * H + h;
      const s = bh * S;
      const p = h * S;
      const mat = h * S * S;
      const io = bh * L;
      const dh = d[h];
      for (let t = 0; t < L; t++) {
        const ut = u[io + t];
        for (let i = 0; i < S; i++) {
          const r = mat + i * S;
          let sr = 0;
          let si = 0;
          for (let j = 0; j < S; j++) {
            const ar = dARe[r + j];
            const ai = dAIm[r + j];
            const xr = xRe[s + j];
            const xi = xIm[s + j];
            sr += ar * xr - ai * xi;
            si += ar * xi + ai * xr;
          }
          tmp[i] = sr + dBRe[p + i] * ut;
          tmp[S + i] = si + dBIm[p + i] * ut;
        }
        let yt = 0;
        for (let i = 0; i < S; i++) {
          const nr = tmp[i];
          const ni = tmp[S + i];
          xRe[s + i] = nr;
          xIm[s + i] = ni;
          yt += cRe[p + i] * nr - cIm[p + i] * ni;
        }
        y[io + t] = yt + dh * ut;
      }
    }
  }
}
