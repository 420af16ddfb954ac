// Plain-TypeScript twin of assembly/step-matvec.ts (float64): one frame through a Linear layer,
//   y[o] = bias[o] + sum_h W[o, h] x[h],   W (O, H) row-major, x (H), y (O); bias may be null.
import type { OutPlane, Plane } from "./planes.js";

/** One frame through a Linear layer: y (O) = W (O, H) x (H) + bias (O), W row-major; bias may be null. */
export function stepMatVec(w: Plane, x: Plane, bias: Plane | null, y: OutPlane, H: number, O: number): void {
  for (let o = 0; o < O; o++) {
    let s = bias ? bias[o] : 0;
    const r = o * H;
    for (let h = 0; h < H; h++) s += w[r + h] * x[h];
    y[o] = s;
  }
}
