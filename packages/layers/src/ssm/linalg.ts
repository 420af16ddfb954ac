/**
 * Small dense complex linear algebra in float64 for the S4 setup paths (N <= a few hundred):
 * matrices are row-major split planes `{ re, im }` of n*n elements. Not a hot path: the kernels
 * never materialise dense matrices; the DPLR C-tilde conversion and the tests do.
 */
import { js, S4ValueError } from "@s4wasm/kernels";
import { type Complex64, complex64 } from "./params.js";

/** n x n identity. */
export function cIdentity(n: number): Complex64 {
  const m = complex64(n * n);
  for (let i = 0; i < n; i++) m.re[i * n + i] = 1;
  return m;
}

/** (n x k) @ (k x m) -> (n x m) (the kernels' float64 twin, cMatMul of @s4wasm/kernels' js). */
export function cMatMul(a: Complex64, b: Complex64, n: number, k: number, m: number): Complex64 {
  return js.cMatMul(a, b, n, k, m);
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
 * (n = 2m), as the full-state DPLR dA of a conjugate-pair system: products keep that form, so
 * each computes only its top rows (the kernels' float64 twin; k.conjBlockPower runs it in wasm).
 */
export function cMatPowConjBlock(a: Complex64, n: number, p: number): Complex64 {
  if (n % 2 !== 0) throw new S4ValueError(`cMatPowConjBlock(n): expected an even size, got ${n}`);
  return js.conjBlockPower(a, n, p);
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
