/**
 * The diagonalised DPLR step: the dense discrete system (dA, dB, C_full), all (H, N, ...), brought
 * to the eigenbasis of dA once, dA = V diag(lambda) V^-1, so each step is diagonal, O(N):
 *   z = V^-1 x;   z <- lambda z + (V^-1 dB) u;   y = Re((C_full V) . z) + D u
 * (the official code's "diagonal" step mode). The state is z (H, N) on the full system, read out
 * with factor 1. Simplification named out loud: the eigenbasis of HiPPO matrices is
 * ill-conditioned and grows worse with N (S4 paper, Lemma 3.2: entries of V grow like 2^(4N/3);
 * the reason S4 is DPLR and not diagonal), so the setup measures the infinity-norm condition
 * number of V and refuses (S4ValueError) above MAX_CONDITION; the float32 step loses about
 * condition * 6e-8 relative. HiPPO-LegS passes at N = 8 and fails from N = 16: use the "linear"
 * (Woodbury, O(N)) or "dense" modes there. Random or diagonal-dominant DPLR systems are fine.
 */
import { S4ValueError } from "@s4wasm/kernels";
import { cIdentity, cMatMul, cSolve } from "../ssm/linalg.js";
import type { Complex64 } from "../ssm/params.js";
import { cEigenvalues, cEigenvectors } from "./eig.js";
import type { StepSystem } from "./system.js";

/** Largest accepted infinity-norm condition number of the eigenvector basis. */
export const MAX_CONDITION = 1e8;

function normInf(M: Complex64, n: number): number {
  let best = 0;
  for (let i = 0; i < n; i++) {
    let s = 0;
    for (let j = 0; j < n; j++) s += Math.hypot(M.re[i * n + j], M.im[i * n + j]);
    best = Math.max(best, s);
  }
  return best;
}

/**
 * Diagonalise a dense step system ("dense", size N) into a full-state diagonal one. Returns it
 * with `condition`, the worst channel's cond_inf(V).
 */
export function diagonalizeStepSystem(dense: StepSystem): StepSystem & {
  /** The worst channel's cond_inf(V), V the eigenvector matrix. */
  condition: number;
} {
  let condition = 0;
  const { H, size: N } = dense;
  const dA: Complex64 = { re: new Float64Array(H * N), im: new Float64Array(H * N) };
  const dB: Complex64 = { re: new Float64Array(H * N), im: new Float64Array(H * N) };
  const C: Complex64 = { re: new Float64Array(H * N), im: new Float64Array(H * N) };
  for (let h = 0; h < H; h++) {
    const A = { re: dense.dA.re.subarray(h * N * N, (h + 1) * N * N), im: dense.dA.im.subarray(h * N * N, (h + 1) * N * N) };
    const lam = cEigenvalues(A, N);
    const V = cEigenvectors(A, N, lam);
    const Vinv = cSolve(V, cIdentity(N), N, N);
    const cond = normInf(V, N) * normInf(Vinv, N);
    condition = Math.max(condition, cond);
    if (!(cond <= MAX_CONDITION)) {
      throw new S4ValueError(
        `setupStep(dplrMode "diagonal"): expected a stably diagonalisable dA (eigenvector condition <= ${MAX_CONDITION}), got ${cond.toExponential(2)} at channel ${h}; use dplrMode "linear" or "dense"`,
      );
    }
    const b = { re: dense.dB.re.subarray(h * N, (h + 1) * N), im: dense.dB.im.subarray(h * N, (h + 1) * N) };
    const c = { re: dense.C.re.subarray(h * N, (h + 1) * N), im: dense.C.im.subarray(h * N, (h + 1) * N) };
    const Bz = cMatMul(Vinv, b, N, N, 1);
    const Cz = cMatMul(c, V, 1, N, N);
    dA.re.set(lam.re, h * N);
    dA.im.set(lam.im, h * N);
    dB.re.set(Bz.re, h * N);
    dB.im.set(Bz.im, h * N);
    C.re.set(Cz.re, h * N);
    C.im.set(Cz.im, h * N);
  }
  return { kind: "diag", H, groups: dense.groups, size: N, dA, dB, C, D: dense.D, fullState: true, condition };
}
