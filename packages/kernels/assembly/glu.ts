// GLU with the first half as value, over `rows` rows of 2*width values:
//   out[r, j] = z[r, j] * sigmoid(z[r, width + j]),   z: (rows, 2*width) -> out: (rows, width)
// Layout (B, 2H, L) is rows = B, width = H*L; layout (B, L, 2H) is rows = B*L, width = H.
// `out` may be `z` itself: row r is written to [r*width, (r+1)*width), which only covers values
// of rows already consumed (or, for r = 0, each value right after it is read).
import { loadTail, storeTail } from "./gelu";
import { gatev } from "./vmath";

export function glu(z: usize, out: usize, rows: i32, width: i32): void {
  const rowIn = (<usize>width) << 3;
  const rowOut = (<usize>width) << 2;
  for (let r = 0; r < rows; r++) {
    const v = z + <usize>r * rowIn;
    gluRow(v, v + rowOut, out + <usize>r * rowOut, width);
  }
}

/** o[j] = v[j] * sigmoid(g[j]) for j < width; o may be v (each value is read before its store). */
// @ts-ignore: decorator
@inline
export function gluRow(v: usize, g: usize, o: usize, width: i32): void {
  let j = 0;
  // four independent sigmoids per trip (see gelu: one is a long divide/exp chain); every
  // value of the 16 is read before its output is stored, so o may be v
  for (; j + 16 <= width; j += 16) {
    const b = (<usize>j) << 2;
    const y0 = gatev(v128.load(v + b), v128.load(g + b));
    const y1 = gatev(v128.load(v + b, 16), v128.load(g + b, 16));
    const y2 = gatev(v128.load(v + b, 32), v128.load(g + b, 32));
    const y3 = gatev(v128.load(v + b, 48), v128.load(g + b, 48));
    v128.store(o + b, y0);
    v128.store(o + b, y1, 16);
    v128.store(o + b, y2, 32);
    v128.store(o + b, y3, 48);
  }
  for (; j + 4 <= width; j += 4) {
    const b = (<usize>j) << 2;
    v128.store(o + b, gatev(v128.load(v + b), v128.load(g + b)));
  }
  if (j < width) {
    const b = (<usize>j) << 2;
    const c = width - j;
    storeTail(o + b, gatev(loadTail(v + b, c), loadTail(g + b, c)), c);
  }
}
