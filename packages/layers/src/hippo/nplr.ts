import { S4ValueError } from "@s4wasm/kernels";
import { EigenvalueDecomposition, Matrix } from "ml-matrix";
import { type Complex64, complex64 } from "../ssm/params.js";
import { checkMeasure, checkStateSize, type Measure, rankCorrection, transition } from "./transition.js";

/** The NPLR / DPLR form of a HiPPO matrix, as returned by nplr(). */
export interface NPLR {
  /** State size N (even). */
  N: number;
  /** Rank R of the low-rank correction. */
  rank: number;
  /** (N/2) kept eigenvalues, Im < 0, ascending imaginary part */
  Lambda: Complex64;
  /** (N) all eigenvalues, ascending imaginary part */
  LambdaFull: Complex64;
  /** (rank, N/2) P~ = V^* P */
  P: Complex64;
  /** (N/2) B~ = V^* B */
  B: Complex64;
  /** (N, N/2) unit eigenvectors, canonical phase */
  V: Complex64;
  /** the real low-rank factor P (rank, N) and A, B of the transition */
  Preal: Float64Array;
  /** The transition A (N, N), row-major. */
  A: Float64Array;
  /** The transition B (N). */
  Breal: Float64Array;
}

/**
 * Normal plus low-rank (NPLR) / diagonal plus low-rank (DPLR) form of a HiPPO matrix, as the
 * official `hippo.nplr`: A = V Lambda V^* - P P^T with
 *   AP = A + sum_r P_r P_r^T = w_re I + S (S real skew-symmetric),
 *   eigenpairs S v = i mu v; Lambda = w_re + i mu, sorted by mu ascending, the N/2 with mu < 0 kept;
 *   V (N, N/2) those unit eigenvectors; P~ = V^* P (rank, N/2); B~ = V^* B (N/2).
 * Eigensolver: ml-matrix's symmetric EigenvalueDecomposition (Householder + QL) of the real
 * 2N x 2N embedding of the Hermitian matrix -i S (as the official `eigh(AP * -1j)`).
 * Edge case as the official code: if the last kept eigenvalue is ~0 (|mu| < 1e-4), its
 * eigenvector is replaced by (e_0 + i e_1)/sqrt(2). Eigenvector phases are arbitrary in any LAPACK; we fix a CANONICAL
 * phase: (V^* P_0)_k real and > 0 (else the first nonzero entry of v_k real > 0). The official
 * B_clip (clamping Im B~ in LAPACK's phase) is not applied (see fixtures/golden/README.md).
 */
export function nplr(measure: Measure, N: number, rank = 1): NPLR {
  checkMeasure("nplr(measure)", measure);
  checkStateSize("nplr(N)", N, true);
  const { A, B } = transition(measure, N);
  const P = rankCorrection(measure, N, rank);
  // AP = A + sum_r P_r P_r^T
  const AP = Float64Array.from(A);
  for (let r = 0; r < rank; r++)
    for (let i = 0; i < N; i++) for (let j = 0; j < N; j++) AP[i * N + j] += P[r * N + i] * P[r * N + j];
  let wRe = 0;
  for (let i = 0; i < N; i++) wRe += AP[i * N + i];
  wRe /= N;
  // S = AP - wRe I, exactly skew up to rounding: symmetrise to (S - S^T)/2
  const S = new Matrix(N, N);
  let asym = 0;
  let scale = 0;
  for (let i = 0; i < N; i++)
    for (let j = 0; j < N; j++) {
      const a = AP[i * N + j] - (i === j ? wRe : 0);
      const b = AP[j * N + i] - (i === j ? wRe : 0);
      S.set(i, j, (a - b) / 2);
      asym = Math.max(asym, Math.abs(a + b));
      scale = Math.max(scale, Math.abs(a));
    }
  if (asym > 1e-8 * Math.max(1, scale)) {
    throw new S4ValueError(`nplr(${measure}): A + P P^T is not of the form w I + skew (deviation ${asym})`);
  }
  // Hermitian H = -i S (what the official code hands to eigh). Its real symmetric embedding
  // [[0, S], [-S, 0]] (2N x 2N) has every eigenvalue mu of H twice, with eigenvectors [x; y] and
  // [-y; x] for the complex eigenvector x + i y; ANY real vector of that 2-D eigenspace gives
  // c (x + i y) for a complex c, so one of each pair suffices. The symmetric tridiagonal QL
  // solver is used because the nonsymmetric one did not converge on some HiPPO matrices.
  const M2 = new Matrix(2 * N, 2 * N);
  for (let i = 0; i < N; i++)
    for (let j = 0; j < N; j++) {
      M2.set(i, N + j, S.get(i, j));
      M2.set(N + i, j, -S.get(i, j));
    }
  const eig = new EigenvalueDecomposition(M2, { assumeSymmetric: true });
  const ev = eig.realEigenvalues;
  const Vm = eig.eigenvectorMatrix;
  const order = ev.map((_, i) => i).sort((a, b) => ev[a] - ev[b]);
  type Pair = { mu: number; re: Float64Array; im: Float64Array };
  const modes: Pair[] = [];
  for (let k = 0; k < N; k++) {
    const col = order[2 * k];
    const re = new Float64Array(N);
    const im = new Float64Array(N);
    for (let i = 0; i < N; i++) {
      re[i] = Vm.get(i, col);
      im[i] = Vm.get(N + i, col);
    }
    modes.push({ mu: (ev[order[2 * k]] + ev[order[2 * k + 1]]) / 2, re, im });
  }
  const N2 = N / 2;
  const zeroLast = Math.abs(modes[N2 - 1].mu) < 1e-4;
  if (N2 >= 2 && Math.abs(modes[N2 - 2].mu) < 1e-4) {
    throw new S4ValueError(`nplr(${measure}, N=${N}): only 1 zero eigenvalue is allowed in the kept half`);
  }
  if (zeroLast) {
    const re = new Float64Array(N);
    const im = new Float64Array(N);
    re[0] = 1;
    im[1] = 1;
    modes[N2 - 1] = { mu: modes[N2 - 1].mu, re, im };
  }
  const LambdaFull = complex64(N);
  for (let k = 0; k < N; k++) {
    LambdaFull.re[k] = wRe;
    LambdaFull.im[k] = modes[k].mu;
  }
  const Lambda: Complex64 = { re: LambdaFull.re.slice(0, N2), im: LambdaFull.im.slice(0, N2) };
  const V = complex64(N * N2);
  const Pt = complex64(rank * N2);
  const Bt = complex64(N2);
  for (let k = 0; k < N2; k++) {
    const { re, im } = modes[k];
    let norm = 0;
    for (let i = 0; i < N; i++) norm += re[i] * re[i] + im[i] * im[i];
    norm = Math.sqrt(norm);
    // phase: make (v^* P_0) real > 0; v^* p = sum conj(v_i) p_i
    let pr = 0;
    let pi = 0;
    for (let i = 0; i < N; i++) {
      pr += re[i] * P[i];
      pi -= im[i] * P[i];
    }
    let mag = Math.hypot(pr, pi);
    let cr: number;
    let ci: number; // multiply v by c = e^{i phi}: v^* p gets conj(c)
    if (mag > 1e-12 * norm) {
      cr = pr / mag;
      ci = pi / mag; // conj(c) (pr + i pi) = |.| => c = (pr + i pi)/|.|
    } else {
      let i0 = 0;
      while (i0 < N && Math.hypot(re[i0], im[i0]) < 1e-12 * norm) i0++;
      mag = Math.hypot(re[i0], im[i0]);
      cr = re[i0] / mag;
      ci = -im[i0] / mag; // c = conj(v_i0)/|v_i0|
    }
    for (let i = 0; i < N; i++) {
      const vr = (re[i] * cr - im[i] * ci) / norm;
      const vi = (re[i] * ci + im[i] * cr) / norm;
      V.re[i * N2 + k] = vr;
      V.im[i * N2 + k] = vi;
    }
    for (let r = 0; r < rank; r++) {
      let sr = 0;
      let si = 0;
      for (let i = 0; i < N; i++) {
        sr += V.re[i * N2 + k] * P[r * N + i];
        si -= V.im[i * N2 + k] * P[r * N + i];
      }
      Pt.re[r * N2 + k] = sr;
      Pt.im[r * N2 + k] = si;
    }
    let br = 0;
    let bi = 0;
    for (let i = 0; i < N; i++) {
      br += V.re[i * N2 + k] * B[i];
      bi -= V.im[i * N2 + k] * B[i];
    }
    Bt.re[k] = br;
    Bt.im[k] = bi;
  }
  return { N, rank, Lambda, LambdaFull, P: Pt, B: Bt, V, Preal: P, A, Breal: B };
}
