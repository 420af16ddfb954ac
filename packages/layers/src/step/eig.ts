/**
 * Eigen-decomposition of a small dense complex matrix (float64), for the diagonalised DPLR step.
 * Eigenvalues: Householder reduction to upper Hessenberg form, then explicit single-shift QR
 * with Wilkinson shifts and deflation (the textbook complex QR algorithm). Eigenvectors: inverse
 * iteration on the original matrix. Setup-time only (O(n^3) per matrix); n up to a few hundred.
 * Matrices are row-major split planes of n*n elements. Simplification named out loud: no
 * balancing, and a (nearly) defective matrix gives an ill-conditioned eigenvector basis.
 */
import { S4ValueError } from "@s4wasm/kernels";
import { cSolve } from "../ssm/linalg.js";
import type { Complex64 } from "../ssm/params.js";

const EPS = 2.220446049250313e-16;

/** Eigenvalues (n) of A (n x n). A is not modified. */
export function cEigenvalues(A: Complex64, n: number): Complex64 {
  const re = Float64Array.from(A.re);
  const im = Float64Array.from(A.im);
  hessenberg(re, im, n);
  const out = { re: new Float64Array(n), im: new Float64Array(n) };
  let hi = n - 1;
  let iter = 0;
  let total = 0;
  while (hi >= 0) {
    // Find the start l of the unreduced block ending at hi.
    let l = hi;
    while (l > 0) {
      const s = Math.hypot(re[l * n + l - 1], im[l * n + l - 1]);
      const d = Math.hypot(re[(l - 1) * n + l - 1], im[(l - 1) * n + l - 1]) + Math.hypot(re[l * n + l], im[l * n + l]);
      if (s <= EPS * (d === 0 ? 1 : d)) {
        re[l * n + l - 1] = 0;
        im[l * n + l - 1] = 0;
        break;
      }
      l--;
    }
    if (l === hi) {
      out.re[hi] = re[hi * n + hi];
      out.im[hi] = im[hi * n + hi];
      hi--;
      iter = 0;
      continue;
    }
    if (++total > 100 * n) throw new S4ValueError(`eigenvalues: QR iteration did not converge (n = ${n})`);
    iter++;
    // Wilkinson shift: the eigenvalue of the trailing 2x2 block closer to its last entry;
    // an exceptional shift every 10 iterations breaks cycles.
    let [mr, mi] = wilkinson(re, im, n, hi);
    if (iter % 10 === 0) {
      mr = re[hi * n + hi] + Math.abs(re[hi * n + hi - 1]);
      mi = im[hi * n + hi] + Math.abs(im[hi * n + hi - 1]);
    }
    qrStep(re, im, n, l, hi, mr, mi);
  }
  return out;
}

/** Eigenvectors (columns of V, n x n) for the given eigenvalues, by two steps of inverse iteration. */
export function cEigenvectors(A: Complex64, n: number, values: Complex64): Complex64 {
  const V = { re: new Float64Array(n * n), im: new Float64Array(n * n) };
  let scale = 0;
  for (let i = 0; i < n * n; i++) scale = Math.max(scale, Math.hypot(A.re[i], A.im[i]));
  const M = { re: new Float64Array(n * n), im: new Float64Array(n * n) };
  for (let k = 0; k < n; k++) {
    // A tiny offset keeps A - mu I invertible; the solve then amplifies the eigenvector.
    const delta = 1e-10 * (scale + Math.hypot(values.re[k], values.im[k]));
    M.re.set(A.re);
    M.im.set(A.im);
    for (let i = 0; i < n; i++) {
      M.re[i * n + i] -= values.re[k] + delta;
      M.im[i * n + i] -= values.im[k];
    }
    let v: Complex64 = { re: new Float64Array(n), im: new Float64Array(n) };
    for (let i = 0; i < n; i++) v.re[i] = 1 / Math.sqrt(n) + 1e-3 * Math.sin(7 * i + k);
    for (let it = 0; it < 2; it++) {
      v = cSolve(M, v, n, 1);
      let norm = 0;
      for (let i = 0; i < n; i++) norm += v.re[i] * v.re[i] + v.im[i] * v.im[i];
      norm = Math.sqrt(norm);
      for (let i = 0; i < n; i++) {
        v.re[i] /= norm;
        v.im[i] /= norm;
      }
    }
    for (let i = 0; i < n; i++) {
      V.re[i * n + k] = v.re[i];
      V.im[i * n + k] = v.im[i];
    }
  }
  return V;
}

/** In place: reduce to upper Hessenberg form by Householder reflections (similarity). */
function hessenberg(re: Float64Array, im: Float64Array, n: number): void {
  const vr = new Float64Array(n);
  const vi = new Float64Array(n);
  for (let k = 0; k < n - 2; k++) {
    let norm = 0;
    for (let i = k + 1; i < n; i++) norm += re[i * n + k] ** 2 + im[i * n + k] ** 2;
    norm = Math.sqrt(norm);
    if (norm === 0) continue;
    const x0r = re[(k + 1) * n + k];
    const x0i = im[(k + 1) * n + k];
    const x0 = Math.hypot(x0r, x0i);
    // alpha = -e^{i arg x0} ||x||; v = x - alpha e1
    const pr = x0 === 0 ? 1 : x0r / x0;
    const pi = x0 === 0 ? 0 : x0i / x0;
    for (let i = 0; i < n; i++) vr[i] = vi[i] = 0;
    for (let i = k + 1; i < n; i++) {
      vr[i] = re[i * n + k];
      vi[i] = im[i * n + k];
    }
    vr[k + 1] += pr * norm;
    vi[k + 1] += pi * norm;
    let vn = 0;
    for (let i = k + 1; i < n; i++) vn += vr[i] * vr[i] + vi[i] * vi[i];
    if (vn === 0) continue;
    // H = I - 2 v v^H / (v^H v): A <- H A H
    for (let j = 0; j < n; j++) {
      // w = v^H A[:, j]
      let wr = 0;
      let wi = 0;
      for (let i = k + 1; i < n; i++) {
        wr += vr[i] * re[i * n + j] + vi[i] * im[i * n + j];
        wi += vr[i] * im[i * n + j] - vi[i] * re[i * n + j];
      }
      wr *= 2 / vn;
      wi *= 2 / vn;
      for (let i = k + 1; i < n; i++) {
        re[i * n + j] -= vr[i] * wr - vi[i] * wi;
        im[i * n + j] -= vr[i] * wi + vi[i] * wr;
      }
    }
    for (let i = 0; i < n; i++) {
      // w = A[i, :] v
      let wr = 0;
      let wi = 0;
      for (let j = k + 1; j < n; j++) {
        wr += re[i * n + j] * vr[j] - im[i * n + j] * vi[j];
        wi += re[i * n + j] * vi[j] + im[i * n + j] * vr[j];
      }
      wr *= 2 / vn;
      wi *= 2 / vn;
      // A[i, j] -= w conj(v_j)
      for (let j = k + 1; j < n; j++) {
        re[i * n + j] -= wr * vr[j] + wi * vi[j];
        im[i * n + j] -= wi * vr[j] - wr * vi[j];
      }
    }
  }
}

/** Eigenvalue of the 2x2 block at rows/cols hi-1, hi closest to its (hi, hi) entry. */
function wilkinson(re: Float64Array, im: Float64Array, n: number, hi: number): [number, number] {
  const ar = re[(hi - 1) * n + hi - 1];
  const ai = im[(hi - 1) * n + hi - 1];
  const br = re[(hi - 1) * n + hi];
  const bi = im[(hi - 1) * n + hi];
  const cr = re[hi * n + hi - 1];
  const ci = im[hi * n + hi - 1];
  const dr = re[hi * n + hi];
  const di = im[hi * n + hi];
  // mu = (a + d)/2 +- sqrt(((a - d)/2)^2 + b c)
  const hr = (ar - dr) / 2;
  const hi2 = (ai - di) / 2;
  const qr = hr * hr - hi2 * hi2 + (br * cr - bi * ci);
  const qi = 2 * hr * hi2 + (br * ci + bi * cr);
  const m = Math.hypot(qr, qi);
  let sr = Math.sqrt((m + qr) / 2);
  let si = Math.sign(qi) * Math.sqrt(Math.max(0, (m - qr) / 2));
  if (qi === 0 && qr < 0) {
    sr = 0;
    si = Math.sqrt(-qr);
  }
  const tr = (ar + dr) / 2;
  const ti = (ai + di) / 2;
  const d1 = Math.hypot(tr + sr - dr, ti + si - di);
  const d2 = Math.hypot(tr - sr - dr, ti - si - di);
  return d1 <= d2 ? [tr + sr, ti + si] : [tr - sr, ti - si];
}

/** One explicit shifted QR step on the Hessenberg block l..hi: H - mu I = QR, H <- RQ + mu I. */
function qrStep(re: Float64Array, im: Float64Array, n: number, l: number, hi: number, mr: number, mi: number): void {
  for (let i = l; i <= hi; i++) {
    re[i * n + i] -= mr;
    im[i * n + i] -= mi;
  }
  const cs = new Float64Array(hi - l);
  const sr = new Float64Array(hi - l);
  const si = new Float64Array(hi - l);
  for (let k = l; k < hi; k++) {
    const ar = re[k * n + k];
    const ai = im[k * n + k];
    const br = re[(k + 1) * n + k];
    const bi = im[(k + 1) * n + k];
    const a = Math.hypot(ar, ai);
    const r = Math.hypot(a, Math.hypot(br, bi));
    let c: number;
    let s0: number;
    let s1: number;
    if (r === 0) {
      c = 1;
      s0 = s1 = 0;
    } else if (a === 0) {
      c = 0;
      s0 = br / r;
      s1 = -bi / r;
    } else {
      // c = |a|/r, s = (a/|a|) conj(b)/r
      c = a / r;
      const ur = ar / a;
      const ui = ai / a;
      s0 = (ur * br + ui * bi) / r;
      s1 = (ui * br - ur * bi) / r;
    }
    cs[k - l] = c;
    sr[k - l] = s0;
    si[k - l] = s1;
    // rows k, k+1 <- [[c, s], [-conj(s), c]] rows, over columns k..hi
    for (let j = k; j <= hi; j++) {
      const xr = re[k * n + j];
      const xi = im[k * n + j];
      const yr = re[(k + 1) * n + j];
      const yi = im[(k + 1) * n + j];
      re[k * n + j] = c * xr + (s0 * yr - s1 * yi);
      im[k * n + j] = c * xi + (s0 * yi + s1 * yr);
      re[(k + 1) * n + j] = -(s0 * xr + s1 * xi) + c * yr;
      im[(k + 1) * n + j] = -(s0 * xi - s1 * xr) + c * yi;
    }
  }
  for (let k = l; k < hi; k++) {
    const c = cs[k - l];
    const s0 = sr[k - l];
    const s1 = si[k - l];
    // columns k, k+1 <- [c col_k + conj(s) col_k+1, -s col_k + c col_k+1], rows l..min(k+2, hi)
    const top = Math.min(k + 2, hi);
    for (let i = l; i <= top; i++) {
      const xr = re[i * n + k];
      const xi = im[i * n + k];
      const yr = re[i * n + k + 1];
      const yi = im[i * n + k + 1];
      re[i * n + k] = c * xr + (s0 * yr + s1 * yi);
      im[i * n + k] = c * xi + (s0 * yi - s1 * yr);
      re[i * n + k + 1] = -(s0 * xr - s1 * xi) + c * yr;
      im[i * n + k + 1] = -(s0 * xi + s1 * xr) + c * yi;
    }
  }
  for (let i = l; i <= hi; i++) {
    re[i * n + i] += mr;
    im[i * n + i] += mi;
  }
}
