// Plain-TypeScript twin of assembly/layernorm.ts (float64): LayerNorm over the channel axis,
// biased variance, eps inside the square root, then gamma and beta (PyTorch nn.LayerNorm).
import type { OutPlane, Plane } from "./planes.js";

/** x, y: (rows, H), channels contiguous; gamma, beta: (H). y may alias x. */
export function layerNormRows(x: Plane, gamma: Plane, beta: Plane, y: OutPlane, rows: number, H: number, eps: number): void {
  for (let r = 0; r < rows; r++) normalize(x, gamma, beta, y, r * H, 1, H, eps);
}

/** x, y: (B, H, L), channels strided by L; gamma, beta: (H). y may alias x. */
export function layerNormStrided(
  x: Plane,
  gamma: Plane,
  beta: Plane,
  y: OutPlane,
  B: number,
  H: number,
  L: number,
  eps: number,
): void {
  for (let b = 0; b < B; b++) for (let l = 0; l < L; l++) normalize(x, gamma, beta, y, b * H * L + l, L, H, eps);
}

/** One position: H values at `start`, `start + stride`, ... */
function normalize(
  x: Plane,
  gamma: Plane,
  beta: Plane,
  y: OutPlane,
  start: number,
  stride: number,
  H: number,
  eps: number,
): void {
  let mean = 0;
  for (let h = 0; h < H; h++) mean += x[start + h * stride];
  mean /= H;
  let v = 0;
  for (let h = 0; h < H; h++) {
    const d = x[start + h * stride] - mean;
    v += d * d;
  }
  const rstd = 1 / Math.sqrt(v / H + eps);
  for (let h = 0; h < H; h++) {
    const i = start + h * stride;
    y[i] = (x[i] - mean) * rstd * gamma[h] + beta[h];
  }
}
