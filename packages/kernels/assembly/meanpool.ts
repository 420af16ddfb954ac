// Mean over the length axis L:
//   meanPoolRows:    x (rows, L) -> out (rows)        layout (B, H, L) is rows = B*H
//   meanPoolColumns: x (B, L, H) -> out (B, H)        channels contiguous, vectorised over h
// Sums run in f32 lanes in 4 interleaved partial sums per vector (rows) so long L keeps its
// accuracy better than one running sum. A sum that overflows float32 while the mean fits (L values
// near 1e38, or 1000 near 1e36: the host refuses non-finite inputs, so a non-finite sum is an
// overflow) is redone with every value scaled by 2^-96, then the mean scaled back.
import { loadTail } from "./gelu";
import { DOWN, UNDOWN } from "./range-scale";


export function meanPoolRows(x: usize, out: usize, rows: i32, L: i32): void {
  const rowBytes = (<usize>L) << 2;
  const inv = <f32>1.0 / <f32>L;
  for (let r = 0; r < rows; r++) {
    const xr = x + <usize>r * rowBytes;
    let a0 = f32x4.splat(0.0);
    let a1 = f32x4.splat(0.0);
    let l = 0;
    for (; l + 8 <= L; l += 8) {
      const o = (<usize>l) << 2;
      a0 = f32x4.add(a0, v128.load(xr + o));
      a1 = f32x4.add(a1, v128.load(xr + o, 16));
    }
    for (; l + 4 <= L; l += 4) a0 = f32x4.add(a0, v128.load(xr + ((<usize>l) << 2)));
    if (l < L) a1 = f32x4.add(a1, loadTail(xr + ((<usize>l) << 2), L - l));
    const s = f32x4.add(a0, a1);
    const sum = f32x4.extract_lane(s, 0) + f32x4.extract_lane(s, 1) + f32x4.extract_lane(s, 2) + f32x4.extract_lane(s, 3);
    // (sum - sum is 0 for a finite sum, NaN for an overflowed one)
    store<f32>(out + ((<usize>r) << 2), sum - sum == 0 ? sum * inv : scaledSum(xr, 4, L) * inv * UNDOWN);
  }
}

/** sum of L values `stride` bytes apart, each times DOWN (the overflow path; scalar). */
function scaledSum(p: usize, stride: usize, L: i32): f32 {
  let s: f32 = 0;
  for (let l = 0; l < L; l++) s += load<f32>(p + <usize>l * stride) * DOWN;
  return s;
}

export function meanPoolColumns(x: usize, out: usize, B: i32, L: i32, H: i32): void {
  // Row by row (contiguous reads), accumulating into `out` itself, which stays in L1.
  const rowBytes = (<usize>H) << 2;
  const h4 = H & ~3;
  const inv: f32 = <f32>1.0 / <f32>L;
  for (let b = 0; b < B; b++) {
    const xb = x + <usize>b * <usize>L * rowBytes;
    const ob = out + <usize>b * rowBytes;
    memory.fill(ob, 0, rowBytes);
    for (let l = 0; l < L; l++) {
      const xr = xb + <usize>l * rowBytes;
      for (let h = 0; h < h4; h += 4) {
        const o = (<usize>h) << 2;
        v128.store(ob + o, f32x4.add(v128.load(ob + o), v128.load(xr + o)));
      }
      for (let h = h4; h < H; h++) {
        const o = (<usize>h) << 2;
        store<f32>(ob + o, load<f32>(ob + o) + load<f32>(xr + o));
      }
    }
    for (let h = 0; h < H; h++) {
      const o = (<usize>h) << 2;
      const sum = load<f32>(ob + o);
      store<f32>(ob + o, sum - sum == 0 ? sum * inv : scaledSum(xb + o, rowBytes, L) * inv * UNDOWN);
    }
  }
}
