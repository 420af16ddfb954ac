// Layout moves between (B, H, L) and (B, L, H): the official `transposed` flag.
import type { FloatArray } from "@s4wasm/kernels";

/** x: (B, R, C) -> (B, C, R), into `out` or a fresh array of x's type. */
export function transpose3(x: FloatArray, B: number, R: number, C: number, out?: FloatArray): FloatArray {
  const y = out ?? new (x.constructor as Float64ArrayConstructor)(B * R * C);
  for (let b = 0; b < B; b++) {
    const o = b * R * C;
    for (let r = 0; r < R; r++) for (let c = 0; c < C; c++) y[o + c * R + r] = x[o + r * C + c];
  }
  return y;
}
