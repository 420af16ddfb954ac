import type { FloatArray } from "@s4wasm/kernels";

/**
 * (rows, from) -> (rows, to) into `out`: each row's first min(from, to) values, zeros after them
 * (a kernel truncated to a shorter L, or cut at l_max and padded back to L).
 */
export function resizeRows(src: FloatArray, rows: number, from: number, to: number, out: FloatArray): FloatArray {
  if (from === to) {
    out.set(src.subarray(0, rows * to));
    return out;
  }
  const keep = Math.min(from, to);
  if (keep < to) out.fill(0);
  for (let r = 0; r < rows; r++) out.set(src.subarray(r * from, r * from + keep), r * to);
  return out;
}
