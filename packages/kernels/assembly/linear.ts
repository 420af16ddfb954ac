// Position-wise Linear(H, O) (O = 2H in an S4 block) as a register-blocked SIMD matrix multiply.
//
//   linearBHL: y[b, o, l] = sum_h W[o, h] x[b, h, l] + bias[o]   x (B, H, L), W (O, H), y (B, O, L)
//   linearBLH: y[r, o]    = sum_h x[r, h] WT[h, o] + bias[o]     x (rows, H), WT (H, O), y (rows, O)
//                                                               (layout (B, L, H): rows = B*L;
//                                                               WT is W transposed, made once)
// Both are C (M, N) = A (M, K) * Bm (K, N) + bias with every matrix row-major and N contiguous:
// BHL is A = W, Bm = x[b], bias per row of C; BLH is A = x, Bm = WT, bias per column of C.
//
// Micro-kernel: a 4 x 8 tile of C (4 rows, 2 f32x4 vectors) lives in 8 registers while k runs
// over K: each step loads 2 vectors of Bm and broadcasts 4 values of A, then 8 multiply-adds.
// Measured under V8 (Node 20, Zen 5, noisy shared machine): 4x8 ~45-49 GFLOP/s; 4x12 ~25 and
// 6x8 ~17-21 (V8's register allocator spills the larger tiles), 3x8 ~31-43, 2x8 ~28-36; the
// 4x8 k loop unrolled twice spilled too (1.6x the time).
// Blocking for cache: a panel of Bm (K x 8) stays in L1 while the tile walks down MB rows of A;
// those MB rows of A (MB x K) stay in L2 while the panel moves across NB columns.
// Edges: 4 x 4 and 1 x 8 / 1 x 4 tiles, then scalar columns for N % 4. No allocation: the host
// passes `scratch` of linearScratchFloats(H) floats. y must not alias x, W or scratch.

const MB = 128;
const NB = 128;

/** Bias modes: none, one value per row of C (BHL), one per column of C (BLH). */
const BIAS_NONE = 0;
export const BIAS_ROW = 1;
const BIAS_COL = 2;

// @ts-ignore: decorator
@inline
function biasInit(mode: i32, bias: usize, r: usize, j: usize): v128 {
  if (mode == BIAS_ROW) return v128.load32_splat(bias + (r << 2));
  if (mode == BIAS_COL) return v128.load(bias + (j << 4));
  return f32x4.splat(0.0);
}

/** The 4 x 8 tile (row r: cr0, cr1) into C at c, rows ldc bytes apart. */
// @ts-ignore: decorator
@inline
export function store4x8(c: usize, ldc: usize, c00: v128, c01: v128, c10: v128, c11: v128, c20: v128, c21: v128, c30: v128, c31: v128): void {
  v128.store(c, c00);
  v128.store(c, c01, 16);
  v128.store(c + ldc, c10);
  v128.store(c + ldc, c11, 16);
  v128.store(c + 2 * ldc, c20);
  v128.store(c + 2 * ldc, c21, 16);
  v128.store(c + 3 * ldc, c30);
  v128.store(c + 3 * ldc, c31, 16);
}

/** C[m..m+4, n..n+8]; a = &A[m, 0], b = &Bm[0, n], c = &C[m, n]; bias already offset to m or n. */
// @ts-ignore: decorator
@inline
function tile4x8(a: usize, lda: usize, b: usize, ldb: usize, c: usize, ldc: usize, K: i32, mode: i32, bias: usize): void {
  let c00 = biasInit(mode, bias, 0, 0), c01 = biasInit(mode, bias, 0, 1);
  let c10 = biasInit(mode, bias, 1, 0), c11 = biasInit(mode, bias, 1, 1);
  let c20 = biasInit(mode, bias, 2, 0), c21 = biasInit(mode, bias, 2, 1);
  let c30 = biasInit(mode, bias, 3, 0), c31 = biasInit(mode, bias, 3, 1);
  const a1 = lda, a2 = lda << 1, a3 = lda * 3;
  for (let k = 0; k < K; k++) {
    const b0 = v128.load(b), b1 = v128.load(b, 16);
    let s = v128.load32_splat(a);
    c00 = f32x4.add(c00, f32x4.mul(s, b0));
    c01 = f32x4.add(c01, f32x4.mul(s, b1));
    s = v128.load32_splat(a + a1);
    c10 = f32x4.add(c10, f32x4.mul(s, b0));
    c11 = f32x4.add(c11, f32x4.mul(s, b1));
    s = v128.load32_splat(a + a2);
    c20 = f32x4.add(c20, f32x4.mul(s, b0));
    c21 = f32x4.add(c21, f32x4.mul(s, b1));
    s = v128.load32_splat(a + a3);
    c30 = f32x4.add(c30, f32x4.mul(s, b0));
    c31 = f32x4.add(c31, f32x4.mul(s, b1));
    a += 4;
    b += ldb;
  }
  store4x8(c, ldc, c00, c01, c10, c11, c20, c21, c30, c31);
}

/** How a tile lands in C: not at all (a second destination unused), stored, added, subtracted. */
export const NONE = 0;
export const SET = 1;
export const ADD = 2;
export const SUB = 3;

/** The 4 x 8 tile into C at c (rows ldc bytes apart) as `mode` says; SET adds bias rows (0: none). */
// @ts-ignore: decorator
@inline
function land(c: usize, ldc: usize, mode: i32, bias: usize, c00: v128, c01: v128, c10: v128, c11: v128, c20: v128, c21: v128, c30: v128, c31: v128): void {
  if (mode == SET) {
    if (bias != 0) {
      let s = v128.load32_splat(bias);
      c00 = f32x4.add(c00, s);
      c01 = f32x4.add(c01, s);
      s = v128.load32_splat(bias, 4);
      c10 = f32x4.add(c10, s);
      c11 = f32x4.add(c11, s);
      s = v128.load32_splat(bias, 8);
      c20 = f32x4.add(c20, s);
      c21 = f32x4.add(c21, s);
      s = v128.load32_splat(bias, 12);
      c30 = f32x4.add(c30, s);
      c31 = f32x4.add(c31, s);
    }
    store4x8(c, ldc, c00, c01, c10, c11, c20, c21, c30, c31);
  } else if (mode == ADD) {
    store4x8(
      c,
      ldc,
      f32x4.add(v128.load(c), c00),
      f32x4.add(v128.load(c, 16), c01),
      f32x4.add(v128.load(c + ldc), c10),
      f32x4.add(v128.load(c + ldc, 16), c11),
      f32x4.add(v128.load(c + 2 * ldc), c20),
      f32x4.add(v128.load(c + 2 * ldc, 16), c21),
      f32x4.add(v128.load(c + 3 * ldc), c30),
      f32x4.add(v128.load(c + 3 * ldc, 16), c31),
    );
  } else {
    store4x8(
      c,
      ldc,
      f32x4.sub(v128.load(c), c00),
      f32x4.sub(v128.load(c, 16), c01),
      f32x4.sub(v128.load(c + ldc), c10),
      f32x4.sub(v128.load(c + ldc, 16), c11),
      f32x4.sub(v128.load(c + 2 * ldc), c20),
      f32x4.sub(v128.load(c + 2 * ldc, 16), c21),
      f32x4.sub(v128.load(c + 3 * ldc), c30),
      f32x4.sub(v128.load(c + 3 * ldc, 16), c31),
    );
  }
}

/**
 * The 4 x 8 tile of C from A packed in 4-row blocks (packRows4: the tile's four values of A for
 * step k are adjacent, so one running pointer with constant offsets feeds the four splats; ~7 %
 * faster than reading A in place for Linear(256, 512) over 4096 positions, measured) and a packed
 * K x 8 panel b; it lands in c1 (mode m1) and, unless m2 is NONE, in c2 (a Strassen product
 * lands in one or two blocks of C).
 */
// @ts-ignore: decorator
@inline
export function packedTile(ap: usize, b: usize, K: i32, ldc: usize, c1: usize, m1: i32, bias1: usize, c2: usize, m2: i32, bias2: usize): void {
  let c00 = f32x4.splat(0.0), c01 = c00, c10 = c00, c11 = c00, c20 = c00, c21 = c00, c30 = c00, c31 = c00;
  const end = ap + ((<usize>K) << 4);
  for (; ap < end; ap += 16) {
    const b0 = v128.load(b), b1 = v128.load(b, 16);
    let s = v128.load32_splat(ap);
    c00 = f32x4.add(c00, f32x4.mul(s, b0));
    c01 = f32x4.add(c01, f32x4.mul(s, b1));
    s = v128.load32_splat(ap, 4);
    c10 = f32x4.add(c10, f32x4.mul(s, b0));
    c11 = f32x4.add(c11, f32x4.mul(s, b1));
    s = v128.load32_splat(ap, 8);
    c20 = f32x4.add(c20, f32x4.mul(s, b0));
    c21 = f32x4.add(c21, f32x4.mul(s, b1));
    s = v128.load32_splat(ap, 12);
    c30 = f32x4.add(c30, f32x4.mul(s, b0));
    c31 = f32x4.add(c31, f32x4.mul(s, b1));
    b += 32;
  }
  land(c1, ldc, m1, bias1, c00, c01, c10, c11, c20, c21, c30, c31);
  if (m2 != NONE) land(c2, ldc, m2, bias2, c00, c01, c10, c11, c20, c21, c30, c31);
}

/** C[m..m+4, n..n+4]. */
// @ts-ignore: decorator
@inline
function tile4x4(a: usize, lda: usize, b: usize, ldb: usize, c: usize, ldc: usize, K: i32, mode: i32, bias: usize): void {
  let c0 = biasInit(mode, bias, 0, 0), c1 = biasInit(mode, bias, 1, 0);
  let c2 = biasInit(mode, bias, 2, 0), c3 = biasInit(mode, bias, 3, 0);
  const a1 = lda, a2 = lda << 1, a3 = lda * 3;
  for (let k = 0; k < K; k++) {
    const b0 = v128.load(b);
    c0 = f32x4.add(c0, f32x4.mul(v128.load32_splat(a), b0));
    c1 = f32x4.add(c1, f32x4.mul(v128.load32_splat(a + a1), b0));
    c2 = f32x4.add(c2, f32x4.mul(v128.load32_splat(a + a2), b0));
    c3 = f32x4.add(c3, f32x4.mul(v128.load32_splat(a + a3), b0));
    a += 4;
    b += ldb;
  }
  v128.store(c, c0);
  v128.store(c + ldc, c1);
  v128.store(c + (ldc << 1), c2);
  v128.store(c + ldc * 3, c3);
}

/** C[m, n..n+8] (row tails). */
// @ts-ignore: decorator
@inline
function tile1x8(a: usize, b: usize, ldb: usize, c: usize, K: i32, mode: i32, bias: usize): void {
  let c0 = biasInit(mode, bias, 0, 0), c1 = biasInit(mode, bias, 0, 1);
  for (let k = 0; k < K; k++) {
    const s = v128.load32_splat(a);
    c0 = f32x4.add(c0, f32x4.mul(s, v128.load(b)));
    c1 = f32x4.add(c1, f32x4.mul(s, v128.load(b, 16)));
    a += 4;
    b += ldb;
  }
  v128.store(c, c0); v128.store(c, c1, 16);
}

/** C[m, n..n+4] (row tails). */
// @ts-ignore: decorator
@inline
function tile1x4(a: usize, b: usize, ldb: usize, c: usize, K: i32, mode: i32, bias: usize): void {
  let c0 = biasInit(mode, bias, 0, 0);
  for (let k = 0; k < K; k++) {
    c0 = f32x4.add(c0, f32x4.mul(v128.load32_splat(a), v128.load(b)));
    a += 4;
    b += ldb;
  }
  v128.store(c, c0);
}

/** Floats of scratch `linearBHL` / `linearBLH` need for inner size H: one packed block of Bm. */
export function linearScratchFloats(H: i32): i32 {
  return H * NB;
}

/**
 * C (M, N) = A (M, K) Bm (K, N) + bias, all row-major; rows of Bm are `ldB` floats apart and rows
 * of C `ldC` (0: N, dense). Each NB-column block of Bm is first
 * packed into `scratch` as contiguous K x 8 panels: read in place, a panel's rows sit ldB floats
 * apart, and when that is a power of two (L = 4096) they all fall into one L1 set and evict each
 * other (measured: half the speed). Columns past the last full panel are read in place.
 */
export function matmulBias(
  A: usize, Bm: usize, bias: usize, C: usize, M: i32, K: i32, N: i32, mode: i32, scratch: usize, ap: usize = 0, ldB: i32 = 0, ldC: i32 = 0,
): void {
  const lda = (<usize>K) << 2;
  const ldb = (<usize>(ldB > 0 ? ldB : N)) << 2;
  const ldc = (<usize>(ldC > 0 ? ldC : N)) << 2;
  const panelBytes = <usize>K * 32;
  for (let n0 = 0; n0 < N; n0 += NB) {
    const nEnd = min(N, n0 + NB);
    const nPanels = (nEnd - n0) >> 3;
    for (let p = 0; p < nPanels; p++) {
      let src = Bm + ((<usize>(n0 + (p << 3))) << 2);
      let dst = scratch + <usize>p * panelBytes;
      for (let k = 0; k < K; k++) {
        v128.store(dst, v128.load(src));
        v128.store(dst, v128.load(src, 16), 16);
        src += ldb;
        dst += 32;
      }
    }
    for (let m0 = 0; m0 < M; m0 += MB) {
      const mEnd = min(M, m0 + MB);
      for (let p = 0; p < nPanels; p++) {
        const n = n0 + (p << 3);
        const nb = (<usize>n) << 2;
        const panel = scratch + <usize>p * panelBytes;
        const biasN = mode == BIAS_COL ? bias + nb : bias;
        let m = m0;
        for (; m + 4 <= mEnd; m += 4) {
          const biasM = mode == BIAS_ROW ? bias + ((<usize>m) << 2) : biasN;
          // (m is a multiple of 4: MB is)
          if (ap != 0) {
            const cm = C + <usize>m * ldc + nb;
            packedTile(ap + <usize>m * lda, panel, K, ldc, cm, SET, mode == BIAS_ROW ? biasM : 0, cm, NONE, 0);
          }
          else tile4x8(A + <usize>m * lda, lda, panel, 32, C + <usize>m * ldc + nb, ldc, K, mode, biasM);
        }
        for (; m < mEnd; m++) {
          const biasM = mode == BIAS_ROW ? bias + ((<usize>m) << 2) : biasN;
          tile1x8(A + <usize>m * lda, panel, 32, C + <usize>m * ldc + nb, K, mode, biasM);
        }
      }
      let n = n0 + (nPanels << 3);
      for (; n + 4 <= nEnd; n += 4) {
        const nb = (<usize>n) << 2;
        const biasN = mode == BIAS_COL ? bias + nb : bias;
        let m = m0;
        for (; m + 4 <= mEnd; m += 4) {
          const biasM = mode == BIAS_ROW ? bias + ((<usize>m) << 2) : biasN;
          tile4x4(A + <usize>m * lda, lda, Bm + nb, ldb, C + <usize>m * ldc + nb, ldc, K, mode, biasM);
        }
        for (; m < mEnd; m++) {
          const biasM = mode == BIAS_ROW ? bias + ((<usize>m) << 2) : biasN;
          tile1x4(A + <usize>m * lda, Bm + nb, ldb, C + <usize>m * ldc + nb, K, mode, biasM);
        }
      }
      for (; n < nEnd; n++) {
        const nb = (<usize>n) << 2;
        for (let m = m0; m < mEnd; m++) {
          const a = A + <usize>m * lda;
          let s: f32 = mode == BIAS_ROW ? load<f32>(bias + ((<usize>m) << 2)) : mode == BIAS_COL ? load<f32>(bias + nb) : 0;
          let b = Bm + nb;
          for (let k = 0; k < K; k++) {
            s += load<f32>(a + ((<usize>k) << 2)) * load<f32>(b);
            b += ldb;
          }
          store<f32>(C + <usize>m * ldc + nb, s);
        }
      }
    }
  }
}

/**
 * y (B, O, L) = W (O, H) x (B, H, L) + bias (O). `bias` = 0 means no bias. wp: W packed by
 * packRows4 (the 4-row blocks the tiles read), or 0 to read W in place.
 */
export function linearBHL(x: usize, w: usize, bias: usize, y: usize, B: i32, H: i32, O: i32, L: i32, scratch: usize, wp: usize): void {
  const xStride = <usize>H * <usize>L * 4;
  const yStride = <usize>O * <usize>L * 4;
  const mode = bias == 0 ? BIAS_NONE : BIAS_ROW;
  for (let b = 0; b < B; b++) matmulBias(w, x + <usize>b * xStride, bias, y + <usize>b * yStride, O, H, L, mode, scratch, wp);
}

/**
 * out = A (M, K) row-major in blocks of 4 rows, each block k-major with its 4 rows' values
 * adjacent: out[(m/4)*4K + 4k + r] = A[m + r, k] for the first M & ~3 rows (the rest are read
 * in place). out: (M & ~3) * K floats.
 */
export function packRows4(A: usize, M: i32, K: i32, out: usize): void {
  const lda = (<usize>K) << 2;
  for (let m = 0; m + 4 <= M; m += 4) {
    const a = A + <usize>m * lda;
    let o = out + <usize>m * lda;
    for (let k = 0; k < K; k++) {
      const kb = (<usize>k) << 2;
      store<f32>(o, load<f32>(a + kb));
      store<f32>(o, load<f32>(a + lda + kb), 4);
      store<f32>(o, load<f32>(a + 2 * lda + kb), 8);
      store<f32>(o, load<f32>(a + 3 * lda + kb), 12);
      o += 16;
    }
  }
}

/** y (rows, O) = x (rows, H) WT (H, O) + bias (O). `bias` = 0 means no bias. */
export function linearBLH(x: usize, wt: usize, bias: usize, y: usize, rows: i32, H: i32, O: i32, scratch: usize): void {
  matmulBias(x, wt, bias, y, rows, H, O, bias == 0 ? BIAS_NONE : BIAS_COL, scratch);
}
