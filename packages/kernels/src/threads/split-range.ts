// How a split call divides its rows among threads.

/**
 * [start, end) ranges covering 0..n in at most `parts` pieces of equal size rounded up to a
 * multiple of `align` (the last may be shorter; none is empty). Aligned cuts keep each piece on
 * the kernel's own blocking (the Linear's 4-row packed weights), so a piece computes its rows
 * exactly as the whole call would.
 */
export function splitRange(n: number, parts: number, align: number): [number, number][] {
  const size = Math.ceil(n / parts / align) * align;
  const out: [number, number][] = [];
  for (let start = 0; start < n; start += size) out.push([start, Math.min(n, start + size)]);
  return out;
}
