/**
 * Small dense complex linear algebra in float64 for the S4 setup paths (N <= a few hundred):
 * matrices are row-major split planes `{ re, im }` of n*n elements. Not a hot path: the kernels
 * never materialise dense matrices; the DPLR C-tilde conversion and the tests do.
 */
import { S4ValueError } from "@s4wasm/kernels";
import { type Complex64, complex64 } from "./params.js";

/** n x n identity. */
export function cIdentity(n: number): Complex64 {
  const m = complex64(n * n);
  for (let i = 0; i < n; i++) m.re[i * n + i] = 1;
  return m;
}

/**
 * (n x k) @ (k x m) -> (n x m). Four terms of k per pass over an output row (one load and store
 * of the row per four, not per one: 2.6x faster at 32 x 64 x 64 than the plain i-p-j loop);
 * a group of four zero entries of `a` is skipped (identity factors in the powers).
 */
export function cMatMul(a: Complex64, b: Complex64, n: number, k: number, m: number): Complex64 {
  const out = complex64(n * m);
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

/** A^p for an n x n matrix by repeated squaring (p >= 0). */
export function cMatPow(a: Complex64, n: number, p: number): Complex64 {
  let result = cIdentity(n);
  let base: Complex64 = { re: a.re.slice(), im: a.im.slice() };
  let e = p;
  while (e > 0) {
    if (e & 1) result = cMatMul(result, base, n, n, n);
    e = Math.floor(e / 2);
    if (e > 0) base = cMatMul(base, base, n, n, n);
  }
  return result;
}

/**
 * A^p (p >= 0) for an n x n matrix of the conjugate-block form [[X, Y], [conj Y, conj X]]
 * (n = 2m), as the full-state DPLR dA of a conjugate-pair system. Products keep that form, so
 * each product multiplies only the top m rows (half the work of cMatPow) and fills the bottom
 * rows as their conjugates with the two halves swapped.
 */
export function cMatPowConjBlock(a: Complex64, n: number, p: number): Complex64 {
  if (n % 2 !== 0) throw new S4ValueError(`cMatPowConjBlock(n): expected an even size, got ${n}`);
  let result = cIdentity(n);
  let base: Complex64 = { re: a.re.slice(), im: a.im.slice() };
  let e = p;
  while (e > 0) {
    if (e & 1) result = conjBlockMul(result, base, n);
    e = Math.floor(e / 2);
    if (e > 0) base = conjBlockMul(base, base, n);
  }
  return result;
}

/** a @ b for two n x n conjugate-block matrices (see cMatPowConjBlock). */
function conjBlockMul(a: Complex64, b: Complex64, n: number): Complex64 {
  const m = n / 2;
  const top = cMatMul({ re: a.re.subarray(0, m * n), im: a.im.subarray(0, m * n) }, b, m, n, n);
  const out = complex64(n * n);
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

/** Transpose (not conjugate) of an n x m matrix -> m x n. */
export function cTranspose(a: Complex64, n: number, m: number): Complex64 {
  const out = complex64(n * m);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < m; j++) {
      out.re[j * n + i] = a.re[i * m + j];
      out.im[j * n + i] = a.im[i * m + j];
    }
  }
  return out;
}

/**
 * Solve A X = B for X (n x m) with Gaussian elimination and partial pivoting (A is n x n).
 * Inputs are not modified. Throws S4ValueError when A is singular to working precision.
 */
export function cSolve(a: Complex64, bMat: Complex64, n: number, m: number): Complex64 {
  const ar = a.re.slice();
  const ai = a.im.slice();
  const xr = bMat.re.slice();
  const xi = bMat.im.slice();
  for (let col = 0; col < n; col++) {
    // pivot: the largest modulus in this column at or below the diagonal
    let piv = col;
    let best = -1;
    for (let r = col; r < n; r++) {
      const mag = Math.hypot(ar[r * n + col], ai[r * n + col]);
      if (mag > best) {
        best = mag;
        piv = r;
      }
    }
    if (!(best > 0)) throw new S4ValueError(`cSolve(A): matrix is singular (column ${col})`);
    if (piv !== col) {
      swapRows(ar, ai, n, piv, col);
      swapRows(xr, xi, m, piv, col);
    }
    const pr = ar[col * n + col];
    const pi = ai[col * n + col];
    const den = pr * pr + pi * pi;
    const invR = pr / den;
    const invI = -pi / den;
    for (let r = col + 1; r < n; r++) {
      const er = ar[r * n + col];
      const ei = ai[r * n + col];
      if (er === 0 && ei === 0) continue;
      const fr = er * invR - ei * invI;
      const fi = er * invI + ei * invR;
      for (let c = col; c < n; c++) {
        const ur = ar[col * n + c];
        const ui = ai[col * n + c];
        ar[r * n + c] -= fr * ur - fi * ui;
        ai[r * n + c] -= fr * ui + fi * ur;
      }
      for (let c = 0; c < m; c++) {
        const ur = xr[col * m + c];
        const ui = xi[col * m + c];
        xr[r * m + c] -= fr * ur - fi * ui;
        xi[r * m + c] -= fr * ui + fi * ur;
      }
    }
  }
  // back substitution
  for (let row = n - 1; row >= 0; row--) {
    const pr = ar[row * n + row];
    const pi = ai[row * n + row];
    const den = pr * pr + pi * pi;
    for (let c = 0; c < m; c++) {
      let sr = xr[row * m + c];
      let si = xi[row * m + c];
      for (let k = row + 1; k < n; k++) {
        const ur = ar[row * n + k];
        const ui = ai[row * n + k];
        const vr = xr[k * m + c];
        const vi = xi[k * m + c];
        sr -= ur * vr - ui * vi;
        si -= ur * vi + ui * vr;
      }
      xr[row * m + c] = (sr * pr + si * pi) / den;
      xi[row * m + c] = (si * pr - sr * pi) / den;
    }
  }
  return { re: xr, im: xi };
}

function swapRows(re: Float64Array, im: Float64Array, width: number, r1: number, r2: number): void {
  for (let c = 0; c < width; c++) {
    const a = r1 * width + c;
    const b = r2 * width + c;
    let t = re[a];
    re[a] = re[b];
    re[b] = t;
    t = im[a];
    im[a] = im[b];
    im[b] = t;
  }
}
