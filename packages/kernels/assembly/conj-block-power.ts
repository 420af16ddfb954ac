// Integer power of a complex float64 matrix of the conjugate-block form [[X, Y], [conj Y, conj X]]
// (n = 2m): the full-state dense bilinear dA of an S4 DPLR layer, whose L-th power gives
// C-tilde = C (I - dA^L). Products of such matrices keep the form, so each product computes only
// its top m rows and fills the bottom rows as their conjugates with the halves swapped.
//   conjBlockPower64: out (n x n) = a^p, binary powering (squarings and multiplies).
// SIMD: f64x2 over two output columns; a register tile of 2 rows x 2 columns.
// Shapes: a, out (n x n) complex f64 split planes, row-major; scratch 4 n^2 f64 (a base and a
// product). n even, n % 4 == 0 (the DPLR state 2*N2 with N2 even; callers check). a may not alias
// out; scratch must not overlap either. No allocation.

/** c_top (m x n) = a_top (m x n) b (n x n), then c's bottom rows from its top rows. */
function productConjBlock(aRe: usize, aIm: usize, bRe: usize, bIm: usize, cRe: usize, cIm: usize, n: i32): void {
  const m = n >> 1;
  const row = (<usize>n) << 3;
  for (let i = 0; i < m; i += 2) {
    const a0r = aRe + <usize>i * row, a0i = aIm + <usize>i * row;
    for (let j = 0; j < n; j += 2) {
      const jb = (<usize>j) << 3;
      // a 2 x 2 tile (rows i, i+1; columns j, j+1): V8 loads every operand of an iteration
      // first, and a larger tile's loads plus accumulators spill past 15 vector registers
      let r0 = f64x2.splat(0), i0 = f64x2.splat(0), r1 = f64x2.splat(0), i1 = f64x2.splat(0);
      let pbr = bRe + jb, pbi = bIm + jb;
      let pa = a0r, pai = a0i;
      const aEnd = a0r + row;
      for (; pa < aEnd; pa += 8) {
        const br = v128.load(pbr), bi = v128.load(pbi);
        let ar = v128.load64_splat(pa), ai = v128.load64_splat(pai);
        r0 = f64x2.add(r0, f64x2.sub(f64x2.mul(ar, br), f64x2.mul(ai, bi)));
        i0 = f64x2.add(i0, f64x2.add(f64x2.mul(ar, bi), f64x2.mul(ai, br)));
        ar = v128.load64_splat(pa + row);
        ai = v128.load64_splat(pai + row);
        r1 = f64x2.add(r1, f64x2.sub(f64x2.mul(ar, br), f64x2.mul(ai, bi)));
        i1 = f64x2.add(i1, f64x2.add(f64x2.mul(ar, bi), f64x2.mul(ai, br)));
        pai += 8;
        pbr += row;
        pbi += row;
      }
      const o0 = <usize>i * row + jb;
      v128.store(cRe + o0, r0);
      v128.store(cIm + o0, i0);
      v128.store(cRe + o0 + row, r1);
      v128.store(cIm + o0 + row, i1);
    }
  }
  // bottom row m + i = conj(top row i) with its halves swapped: c[m+i, j] = conj c[i, (j+m) % n]
  const half = (<usize>m) << 3;
  for (let i = 0; i < m; i++) {
    const src = <usize>i * row, dst = <usize>(i + m) * row;
    memory.copy(cRe + dst, cRe + src + half, half);
    memory.copy(cRe + dst + half, cRe + src, half);
    for (let j = 0; j < m; j++) {
      const jb = (<usize>j) << 3;
      store<f64>(cIm + dst + jb, -load<f64>(cIm + src + half + jb));
      store<f64>(cIm + dst + half + jb, -load<f64>(cIm + src + jb));
    }
  }
}

/** out = a^p (p >= 0) for a conjugate-block n x n complex matrix; see the header. */
export function conjBlockPower64(aRe: usize, aIm: usize, outRe: usize, outIm: usize, n: i32, p: i32, scratch: usize): void {
  const bytes = (<usize>n * <usize>n) << 3;
  const baseRe = scratch, baseIm = scratch + bytes, tRe = scratch + 2 * bytes, tIm = scratch + 3 * bytes;
  memory.copy(baseRe, aRe, bytes);
  memory.copy(baseIm, aIm, bytes);
  let have = false; // out holds a power yet (else it is the identity, never multiplied)
  let e = p;
  while (e > 0) {
    if (e & 1) {
      if (have) {
        productConjBlock(outRe, outIm, baseRe, baseIm, tRe, tIm, n);
        memory.copy(outRe, tRe, bytes);
        memory.copy(outIm, tIm, bytes);
      } else {
        memory.copy(outRe, baseRe, bytes);
        memory.copy(outIm, baseIm, bytes);
        have = true;
      }
    }
    e >>= 1;
    if (e > 0) {
      productConjBlock(baseRe, baseIm, baseRe, baseIm, tRe, tIm, n);
      memory.copy(baseRe, tRe, bytes);
      memory.copy(baseIm, tIm, bytes);
    }
  }
  if (!have) {
    memory.fill(outRe, 0, bytes);
    memory.fill(outIm, 0, bytes);
    for (let i = 0; i < n; i++) store<f64>(outRe + ((<usize>(i * n + i)) << 3), 1.0);
  }
}
