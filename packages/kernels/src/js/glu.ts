// Plain-TypeScript twin of assembly/glu.ts (float64): GLU with the first half as value.
import type { OutPlane, Plane } from "./planes.js";

/** out[r, j] = z[r, j] * sigmoid(z[r, width + j]); z (rows, 2*width) -> out (rows, width). */
export function glu(z: Plane, out: OutPlane, rows: number, width: number): void {
  for (let r = 0; r < rows; r++) {
    const v = 2 * r * width;
    const g = v + width;
    const o = r * width;
    for (let j = 0; j < width; j++) out[o + j] = z[v + j] / (1 + Math.exp(-z[g + j]));
  }
}
