// Plain-TypeScript twin of assembly/meanpool.ts (float64): mean over the length axis.
import type { OutPlane, Plane } from "./planes.js";

/** x (rows, L) -> out (rows): layout (B, H, L) is rows = B*H. */
export function meanPoolRows(x: Plane, out: OutPlane, rows: number, L: number): void {
  for (let r = 0; r < rows; r++) {
    let s = 0;
    for (let l = 0; l < L; l++) s += x[r * L + l];
    out[r] = s / L;
  }
}

/** x (B, L, H) -> out (B, H). */
export function meanPoolColumns(x: Plane, out: OutPlane, B: number, L: number, H: number): void {
  for (let b = 0; b < B; b++) {
    for (let h = 0; h < H; h++) out[b * H + h] = 0;
    for (let l = 0; l < L; l++) {
      const row = (b * L + l) * H;
      for (let h = 0; h < H; h++) out[b * H + h] += x[row + h];
    }
    for (let h = 0; h < H; h++) out[b * H + h] /= L;
  }
}
