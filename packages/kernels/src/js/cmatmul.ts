// Small dense complex float64 matrix products (split planes, row-major), the twin of
// assembly/conj-block-power.ts and the products of @s4wasm/layers' setup paths (the DPLR
// C-tilde conversion, the diagonalised step).

/** Complex float64 matrix: split planes of n*m elements, row-major. */
export interface CMat64 {
  re: Float64Array;
  im: Float64Array;
}

function zeros(n: number): CMat64 {
  return { re: new Float64Array(n), im: new Float64Array(n) };
}

/**
 * (n x k) @ (k x m) -> (n x m). Four terms of k per pass over an output row (one load and store
 * of the row per four, not per one: 2.6x faster at 32 x 64 x 64 than the plain i-p-j loop);
 * a group of four zero entries of `a` is skipped (identity factors in the powers).
 */
export function cMatMul(a: CMat64, b: CMat64, n: number, k: number, m: number): CMat64 {
  const out = zeros(n * m);
  const ore = out.re;
  const oim = out.im;
  const are = a.re;
  const aim = a.im;
  const bre = b.re;
  const bim = b.im;
  for (let i = 0; i < n; i++) {
    const o = i * m;
    const ai = i * k;
    let p = 0;
    for (; p + 4 <= k; p += 4) {
      const a0r = are[ai + p];
      const a0i = aim[ai + p];
      const a1r = are[ai + p + 1];
      const a1i = aim[ai + p + 1];
      const a2r = are[ai + p + 2];
      const a2i = aim[ai + p + 2];
      const a3r = are[ai + p + 3];
      const a3i = aim[ai + p + 3];
      if (a0r === 0 && a0i === 0 && a1r === 0 && a1i === 0 && a2r === 0 && a2i === 0 && a3r === 0 && a3i === 0) continue;
      const r0 = p * m;
      const r1 = r0 + m;
      const r2 = r1 + m;
      const r3 = r2 + m;
      for (let j = 0; j < m; j++) {
        const b0r = bre[r0 + j];
        const b0i = bim[r0 + j];
        const b1r = bre[r1 + j];
        const b1i = bim[r1 + j];
        const b2r = bre[r2 + j];
        const b2i = bim[r2 + j];
        const b3r = bre[r3 + j];
        const b3i = bim[r3 + j];
        ore[o + j] += a0r * b0r - a0i * b0i + a1r * b1r - a1i * b1i + a2r * b2r - a2i * b2i + a3r * b3r - a3i * b3i;
        oim[o + j] += a0r * b0i + a0i * b0r + a1r * b1i + a1i * b1r + a2r * b2i + a2i * b2r + a3r * b3i + a3i * b3r;
      }
    }
    for (; p < k; p++) {
      const ar = are[ai + p];
      const aIm = aim[ai + p];
      if (ar === 0 && aIm === 0) continue;
      const row = p * m;
      for (let j = 0; j < m; j++) {
        ore[o + j] += ar * bre[row + j] - aIm * bim[row + j];
        oim[o + j] += ar * bim[row + j] + aIm * bre[row + j];
      }
    }
  }
  return out;
}

/**
 * A^p (p >= 0) for an n x n matrix of the conjugate-block form [[X, Y], [conj Y, conj X]]
 * (n = 2m), as the full-state DPLR dA of a conjugate-pair system. Products keep that form, so
 * each product multiplies only the top m rows (half the work of cMatPow) and fills the bottom
 * rows as their conjugates with the two halves swapped. n must be even (callers check).
 */
export function conjBlockPower(a: CMat64, n: number, p: number): CMat64 {
  let result = zeros(n * n);
  for (let i = 0; i < n; i++) result.re[i * n + i] = 1;
  let base: CMat64 = { re: a.re.slice(), im: a.im.slice() };
  let e = p;
  while (e > 0) {
    if (e & 1) result = conjBlockMul(result, base, n);
    e = Math.floor(e / 2);
    if (e > 0) base = conjBlockMul(base, base, n);
  }
  return result;
}

/** a @ b for two n x n conjugate-block matrices (see cMatPowConjBlock). */
function conjBlockMul(a: CMat64, b: CMat64, n: number): CMat64 {
  const m = n / 2;
  const top = cMatMul({ re: a.re.subarray(0, m * n), im: a.im.subarray(0, m * n) }, b, m, n, n);
  const out = zeros(n * n);
  out.re.set(top.re);
  out.im.set(top.im);
  for (let i = 0; i < m; i++) {
    for (let j = 0; j < n; j++) {
      const src = i * n + ((j + m) % n);
      out.re[(i + m) * n + j] = top.re[src];
      out.im[(i + m) * n + j] = -top.im[src];
    }
  }
  return out;
}
