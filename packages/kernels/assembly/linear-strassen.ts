// Linear(H, O) in layout (B, H, L) by one level of Strassen's algorithm: 7 block products instead
// of 8, so 7/8 of the multiply-adds of linear.ts (the S4 block's Linear(256, 512) over 4096
// positions: 20.3-20.8 ms vs 22.1-22.6 ms for the plain matmul, one core, measured side by side).
//
//   y[b, o, l] = sum_h W[o, h] x[b, h, l] + bias[o]     x (B, H, L), W (O, H), y (B, O, L)
//
// C = A Bm with A = W split into 2 x 2 blocks (O/2, H/2) and Bm = x[b] cut into column blocks of
// 2 * HW positions, each split into 2 x 2 blocks (H/2, HW). The products (Strassen 1969)
//   M1 = (A11 + A22)(B11 + B22)   C11 += M1, C22 += M1
//   M2 = (A21 + A22) B11          C21 += M2, C22 -= M2
//   M3 = A11 (B12 - B22)          C12 += M3, C22 += M3
//   M4 = A22 (B21 - B11)          C11 += M4, C21 += M4
//   M5 = (A11 + A12) B22          C11 -= M5, C12 += M5
//   M6 = (A21 - A11)(B11 + B12)   C22 += M6
//   M7 = (A12 - A22)(B21 + B22)   C11 += M7
// are fused as in "Strassen's algorithm reloaded" (Huang et al., SC 2016): the sums of A are
// made once per weight set (strassenPackA, 7 blocks in the 4-row packed form of packRows4), each
// column block of x is packed once and each product's sum of Bm blocks is formed from it as K/2 x 8
// panels, and each 4 x 8 register tile is added
// into its one or two blocks of C straight from the registers (the first product into a block
// stores, with the bias). Every output keeps its O(H) sum of products; the extra rounding of the
// block sums measured 1.1e-6 max abs error vs float64 where the plain matmul had 1.4e-6
// (|y| <= 2, H = 256). Worth it from H = 256 (K/2 = 128 steps per tile between the read-add-
// writes of C): at H = 128 it measured 1.03x, at H = 64 0.96x (linear.ts then).
// Columns past the last full 2 * HW block go through the plain matmul (linear.ts), whose 4 x 8
// tile (packedTile) the products share.
import { ADD, BIAS_ROW, NONE, matmulBias, packedTile, SET, SUB } from "./linear";

/** Half width of a column block: its two halves are the column blocks of Bm and C. */
const HW = 64;
/** Positions in one Strassen column block. */
export const STRASSEN_COLUMNS = 2 * HW;

// Per product i (M1..M7 in the table above): each operand is its quadrant q1 plus or minus
// (sign s2) quadrant q2 (-1: none); quadrant = 2 * row block + column block (11 = 0, 12 = 1,
// 21 = 2, 22 = 3). C: up to two destination quadrants with their modes.
const A_Q1 = memory.data<i32>([0, 2, 0, 3, 0, 2, 1]);
const A_Q2 = memory.data<i32>([3, 3, -1, -1, 1, 0, 3]);
const A_S2 = memory.data<i32>([1, 1, 0, 0, 1, -1, -1]);
const B_Q1 = memory.data<i32>([0, 0, 1, 2, 3, 0, 2]);
const B_Q2 = memory.data<i32>([3, -1, 3, 0, -1, 1, 3]);
const B_S2 = memory.data<i32>([1, 0, -1, -1, 0, 1, 1]);
const C_Q1 = memory.data<i32>([0, 2, 1, 0, 0, 3, 0]);
const C_M1 = memory.data<i32>([SET, SET, SET, ADD, SUB, ADD, ADD]);
const C_Q2 = memory.data<i32>([3, 3, 3, 2, 1, 0, 0]);
const C_M2 = memory.data<i32>([SET, SUB, ADD, ADD, ADD, NONE, NONE]);

// @ts-ignore: decorator
@inline
function entry(table: usize, i: i32): i32 {
  return load<i32>(table + ((<usize>i) << 2));
}

/** Whether linearStrassenBHL takes (H, O): H even and >= 256, O a multiple of 8. */
export function strassenFits(H: i32, O: i32): bool {
  return H >= 256 && (H & 1) == 0 && O >= 8 && (O & 7) == 0;
}

/** Floats of the 7 packed weight sums strassenPackA writes: 7 (O/2)(H/2). */
export function strassenWeightFloats(H: i32, O: i32): i32 {
  return 7 * (O >> 1) * (H >> 1);
}

/**
 * out = the 7 sums of W (O, H) blocks the products use, each (O/2, H/2) in packRows4 form:
 * out[i][(m/4)*4(H/2) + 4k + r] = (A_q1 +- A_q2)[m + r, k]. Needs strassenFits(H, O).
 */
export function strassenPackA(W: usize, H: i32, O: i32, out: usize): void {
  const M2 = O >> 1;
  const K2 = H >> 1;
  const lda = (<usize>H) << 2;
  for (let i = 0; i < 7; i++) {
    const q1 = entry(A_Q1, i), q2 = entry(A_Q2, i), s2 = entry(A_S2, i);
    const a1 = W + <usize>((q1 >> 1) * M2) * lda + ((<usize>((q1 & 1) * K2)) << 2);
    const a2 = q2 < 0 ? a1 : W + <usize>((q2 >> 1) * M2) * lda + ((<usize>((q2 & 1) * K2)) << 2);
    const o = out + <usize>i * <usize>M2 * <usize>K2 * 4;
    for (let m = 0; m < M2; m++) {
      const row1 = a1 + <usize>m * lda;
      const row2 = a2 + <usize>m * lda;
      const dst = o + ((<usize>((m >> 2) * 4 * K2 + (m & 3))) << 2);
      for (let k = 0; k < K2; k++) {
        const kb = (<usize>k) << 2;
        let v = load<f32>(row1 + kb);
        if (q2 >= 0) v = s2 > 0 ? v + load<f32>(row2 + kb) : v - load<f32>(row2 + kb);
        store<f32>(dst + (kb << 2), v);
      }
    }
  }
}

/** Floats of scratch linearStrassenBHL needs for inner size H: the packed block of x, then one sum's panels. */
export function strassenScratchFloats(H: i32): i32 {
  return H * 2 * HW + (H >> 1) * HW;
}

/**
 * The column block of x (H rows, 2 HW positions from xb, rows ldx bytes apart) as 2 HW / 8
 * panels of H x 8 at xp, read once: the Bm sums are then formed from these contiguous panels.
 * Read in place, the sums' rows sit L floats apart, a power of two at L = 4096, so each of the 7
 * sums fetched its 128-row columns again past the cache sets they all fall into (measured:
 * packing once made the Strassen Linear ~1.5 % faster).
 */
// @ts-ignore: decorator
@inline
function packBlock(xb: usize, ldx: usize, H: i32, xp: usize): void {
  for (let q = 0; q < (2 * HW) / 8; q++) {
    let src = xb + ((<usize>q) << 5);
    let dst = xp + <usize>q * <usize>H * 32;
    for (let k = 0; k < H; k++) {
      v128.store(dst, v128.load(src));
      v128.store(dst, v128.load(src, 16), 16);
      src += ldx;
      dst += 32;
    }
  }
}

/**
 * The HW/8 K2 x 8 panels of one Bm sum at dst: quadrant panels src1 +- src2 (s2 the sign; src2 =
 * 0: none), each quadrant's panels H x 8 floats apart in the packed block.
 */
// @ts-ignore: decorator
@inline
function packSum(src1: usize, src2: usize, s2: i32, H: i32, K2: i32, dst: usize): void {
  const panelBytes = <usize>K2 * 32;
  const stride = <usize>H * 32;
  for (let p = 0; p < HW / 8; p++) {
    let a = src1 + <usize>p * stride;
    let b = src2 + <usize>p * stride;
    const end = dst + panelBytes;
    if (src2 == 0) {
      memory.copy(dst, a, panelBytes);
      dst = end;
    } else if (s2 > 0) {
      for (; dst < end; dst += 16) {
        v128.store(dst, f32x4.add(v128.load(a), v128.load(b)));
        a += 16;
        b += 16;
      }
    } else {
      for (; dst < end; dst += 16) {
        v128.store(dst, f32x4.sub(v128.load(a), v128.load(b)));
        a += 16;
        b += 16;
      }
    }
  }
}

/**
 * One column block of 2 * HW positions: C (O, 2 HW) = W x + bias, xb = &x[0, n0] (rows ldx bytes
 * apart), c = &C[0, 0] (rows ldc bytes apart; C may be y itself or a block scratch). scratch:
 * strassenScratchFloats(H) floats (the packed block, then the panels of one Bm sum).
 */
export function strassenBlock(xb: usize, ldx: usize, w7: usize, bias: usize, c: usize, ldc: usize, H: i32, O: i32, scratch: usize): void {
  const M2 = O >> 1;
  const K2 = H >> 1;
  const panelBytes = <usize>K2 * 32;
  const sumBytes = <usize>M2 * <usize>K2 * 4;
  const xp = scratch;
  const sums = scratch + <usize>H * 2 * HW * 4;
  packBlock(xb, ldx, H, xp);
  // quadrant (row block kb, column block nb) of the packed block: panels nb * HW/8.., rows kb * K2..
  const quadBytes = <usize>(HW / 8) * <usize>H * 32;
  for (let i = 0; i < 7; i++) {
    const q1 = entry(B_Q1, i), q2 = entry(B_Q2, i);
    const src1 = xp + <usize>(q1 & 1) * quadBytes + <usize>((q1 >> 1) * K2) * 32;
    const src2 = q2 < 0 ? <usize>0 : xp + <usize>(q2 & 1) * quadBytes + <usize>((q2 >> 1) * K2) * 32;
    packSum(src1, src2, entry(B_S2, i), H, K2, sums);
    const cq1 = entry(C_Q1, i), cq2 = entry(C_Q2, i);
    const m1 = entry(C_M1, i), m2 = entry(C_M2, i);
    const c1 = c + <usize>((cq1 >> 1) * M2) * ldc + ((<usize>((cq1 & 1) * HW)) << 2);
    const c2 = c + <usize>((cq2 >> 1) * M2) * ldc + ((<usize>((cq2 & 1) * HW)) << 2);
    const bias1 = bias == 0 ? <usize>0 : bias + ((<usize>((cq1 >> 1) * M2)) << 2);
    const bias2 = bias == 0 ? <usize>0 : bias + ((<usize>((cq2 >> 1) * M2)) << 2);
    const a0 = w7 + <usize>i * sumBytes;
    for (let p = 0; p < HW / 8; p++) {
      const panel = sums + <usize>p * panelBytes;
      const pc = (<usize>p) << 5;
      for (let m = 0; m < M2; m += 4) {
        const mb = (<usize>m) << 2;
        const row = <usize>m * ldc + pc;
        packedTile(
          a0 + mb * <usize>K2,
          panel,
          K2,
          ldc,
          c1 + row,
          m1,
          bias1 == 0 ? <usize>0 : bias1 + mb,
          c2 + row,
          m2,
          bias2 == 0 ? <usize>0 : bias2 + mb,
        );
      }
    }
  }
}

/**
 * y (B, O, cols) = W (O, H) x (B, H, cols) + bias (O) (`bias` = 0: none), rows of x and y `ld`
 * floats apart (ld >= cols; a thread's share of the columns passes its offset pointers). w7: the
 * sums from strassenPackA; w, wp: W and its packRows4 form (0: W read in place) for the columns
 * past the last full block. scratch: strassenScratchFloats(H) floats. Needs strassenFits(H, O).
 * y must not alias x.
 */
export function linearStrassenBHL(
  x: usize, w7: usize, w: usize, wp: usize, bias: usize, y: usize, B: i32, H: i32, O: i32, cols: i32, ld: i32, scratch: usize,
): void {
  const ldx = (<usize>ld) << 2;
  const full = cols - (cols % STRASSEN_COLUMNS);
  for (let bi = 0; bi < B; bi++) {
    const xb = x + <usize>bi * <usize>H * ldx;
    const yb = y + <usize>bi * <usize>O * ldx;
    for (let n0 = 0; n0 < full; n0 += STRASSEN_COLUMNS) {
      const off = (<usize>n0) << 2;
      strassenBlock(xb + off, ldx, w7, bias, yb + off, ldx, H, O, scratch);
    }
    if (full < cols) {
      const off = (<usize>full) << 2;
      matmulBias(w, xb + off, bias, yb + off, O, H, cols - full, bias == 0 ? 0 : BIAS_ROW, scratch, wp, ld, ld);
    }
  }
}
