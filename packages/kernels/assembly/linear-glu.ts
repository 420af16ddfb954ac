// Linear(H, 2G) followed by GLU, layout (B, H, L) (the S4 block's output stage):
//   z[o]       = sum_h W[o, h] x[b, h, l] + bias[o]          o in [0, 2G)
//   y[b, g, l] = z[g] * sigmoid(z[G + g])                     g in [0, G)
// x (B, H, L), W (2G, H), bias (2G), y (B, G, L). Block by block of 128 positions: z (2G, 128)
// goes into a scratch block (256 KB at G = 256, so it stays in L2) by the Strassen matmul where it
// fits (linear-strassen.ts) or the plain one (linear.ts), then the GLU reads it from there into y.
// So z (B, 2G, L) is never written out (2 B G L floats less memory than linear + glu), the GLU
// reads z from cache, and the sigmoid runs in its own loop (the earlier version applied it in the
// matmul tile's epilogue, where its long exp/divide chain stalled the tile: 9 % slower than two
// passes). The host passes `scratch` of linearGluScratchFloats(H, G) floats. y must not alias x.
import { gluRow } from "./glu";
import { BIAS_ROW, matmulBias } from "./linear";
import { STRASSEN_COLUMNS, strassenBlock, strassenScratchFloats } from "./linear-strassen";

/** Positions per block (the Strassen block, also the plain matmul's column block). */
const CB = STRASSEN_COLUMNS;

/** Floats of scratch linearGluBHL needs: the matmul's (either one's) packed panels, then the z block (2G, CB). */
export function linearGluScratchFloats(H: i32, G: i32): i32 {
  return strassenScratchFloats(H) + 2 * G * CB;
}

/**
 * y (B, G, cols) = GLU(W (2G, H) x (B, H, cols) + bias (2G)) (`bias` = 0: none), rows of x and y
 * `ld` floats apart (ld >= cols; a thread's share of the positions passes offset pointers).
 * wp: W in packRows4 form (0: read in place); w7: strassenPackA's sums of W (0: no Strassen; only
 * where strassenFits(H, 2G)).
 */
export function linearGluBHL(
  x: usize, w: usize, wp: usize, w7: usize, bias: usize, y: usize, B: i32, H: i32, G: i32, cols: i32, ld: i32, scratch: usize,
): void {
  const ldx = (<usize>ld) << 2;
  const z = scratch + ((<usize>strassenScratchFloats(H)) << 2);
  const ldz = (<usize>CB) << 2;
  const zGate = z + <usize>G * ldz;
  const mode = bias == 0 ? 0 : BIAS_ROW;
  for (let bi = 0; bi < B; bi++) {
    const xb = x + <usize>bi * <usize>H * ldx;
    const yb = y + <usize>bi * <usize>G * ldx;
    for (let n0 = 0; n0 < cols; n0 += CB) {
      const cb = min(CB, cols - n0);
      const off = (<usize>n0) << 2;
      if (w7 != 0 && cb == CB) strassenBlock(xb + off, ldx, w7, bias, z, ldz, H, 2 * G, scratch);
      else matmulBias(w, xb + off, bias, z, 2 * G, H, cb, mode, scratch, wp, ld, CB);
      for (let g = 0; g < G; g++) {
        const row = <usize>g * ldz;
        gluRow(z + row, zGate + row, yb + <usize>g * ldx + off, cb);
      }
    }
  }
}
