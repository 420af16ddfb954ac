import { describe, expect, it } from "vitest";
import { cMatMul } from "../src/ssm/linalg.js";
import type { Complex64 } from "../src/ssm/params.js";
import { cEigenvalues, cEigenvectors } from "../src/step/eig.js";

function seeded(seed: number): () => number {
  let s = seed;
  return () => {
    s = (s * 16807) % 2147483647;
    return s / 2147483647 - 0.5;
  };
}

/** max |A V - V diag(lambda)| / max |A|. */
function residual(A: Complex64, V: Complex64, ev: Complex64, n: number): number {
  const AV = cMatMul(A, V, n, n, n);
  let err = 0;
  let scale = 0;
  for (let i = 0; i < n * n; i++) {
    const k = i % n;
    const er = AV.re[i] - (V.re[i] * ev.re[k] - V.im[i] * ev.im[k]);
    const ei = AV.im[i] - (V.re[i] * ev.im[k] + V.im[i] * ev.re[k]);
    err = Math.max(err, Math.hypot(er, ei));
    scale = Math.max(scale, Math.hypot(A.re[i], A.im[i]));
  }
  return err / scale;
}

describe("complex eigen-decomposition (float64, setup of the diagonal DPLR step)", () => {
  it("A V = V diag(lambda) for random complex matrices, n = 1..40", () => {
    const r = seeded(3);
    for (const n of [1, 2, 3, 4, 7, 16, 40]) {
      const A = { re: Float64Array.from({ length: n * n }, r), im: Float64Array.from({ length: n * n }, r) };
      const ev = cEigenvalues(A, n);
      const V = cEigenvectors(A, n, ev);
      expect(residual(A, V, ev, n)).toBeLessThanOrEqual(1e-10);
      // trace = sum of eigenvalues
      let tr = 0;
      let ti = 0;
      let sr = 0;
      let si = 0;
      for (let i = 0; i < n; i++) {
        tr += A.re[i * n + i];
        ti += A.im[i * n + i];
        sr += ev.re[i];
        si += ev.im[i];
      }
      expect(Math.hypot(tr - sr, ti - si)).toBeLessThanOrEqual(1e-10 * n);
    }
  });

  it("an upper triangular matrix has its diagonal as eigenvalues", () => {
    const n = 6;
    const r = seeded(8);
    const A = { re: new Float64Array(n * n), im: new Float64Array(n * n) };
    for (let i = 0; i < n; i++)
      for (let j = i; j < n; j++) {
        A.re[i * n + j] = i === j ? -(i + 1) : r();
        A.im[i * n + j] = i === j ? 0.5 * i : r();
      }
    const ev = cEigenvalues(A, n);
    const got = Array.from(ev.re, (x, i) => [x, ev.im[i]]).sort((a, b) => a[0] - b[0]);
    const want = Array.from({ length: n }, (_, i) => [-(i + 1), 0.5 * i]).sort((a, b) => a[0] - b[0]);
    for (let i = 0; i < n; i++) expect(Math.hypot(got[i][0] - want[i][0], got[i][1] - want[i][1])).toBeLessThanOrEqual(1e-12);
  });
});
