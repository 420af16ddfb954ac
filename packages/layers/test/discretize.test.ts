import { complexOf, realOf, relErrorComplex } from "@s4wasm/golden";
import { readGolden } from "@s4wasm/golden/node";
import { describe, expect, it } from "vitest";
import { cFromCTilde, cTildeFromC, discretizeDPLRDense, discretizeS4D, dplrDenseContinuous } from "../src/ssm/discretize.js";
import { cSolve } from "../src/ssm/linalg.js";
import type { Complex64 } from "../src/ssm/params.js";

const c64 = (t: { re: Float64Array; im: Float64Array }): Complex64 => ({ re: t.re, im: t.im });

describe("S4D discretisation (float64) vs golden s4d_kernel", () => {
  const g = readGolden("s4d_kernel");
  it.each(g.cases.map((c) => [c.name, c] as const))("%s", (_n, c) => {
    const H = c.params.H as number;
    const N2 = c.params.N_stored as number;
    const A = { re: realOf(c.inputs, "A_re").data, im: realOf(c.inputs, "A_im").data };
    const { dA, dB } = discretizeS4D(
      { H, N2, logDt: realOf(c.inputs, "log_dt").data, A, B: c64(complexOf(c.inputs, "B")) },
      c.params.disc as "zoh" | "bilinear",
    );
    const eA = complexOf(c.outputs, "dA");
    const eB = complexOf(c.outputs, "dB");
    expect(relErrorComplex(dA.re, dA.im, eA.re, eA.im)).toBeLessThanOrEqual(1e-12);
    expect(relErrorComplex(dB.re, dB.im, eB.re, eB.im)).toBeLessThanOrEqual(1e-12);
  });
});

describe("dense DPLR bilinear discretisation and C-tilde vs golden s4_dplr_kernel", () => {
  const g = readGolden("s4_dplr_kernel");
  it.each(g.cases.map((c) => [c.name, c] as const))("%s", (_n, c) => {
    const H = c.params.H as number;
    const N2 = c.params.N_stored as number;
    const L = c.params.L as number;
    const p = {
      H,
      N2,
      rank: c.params.R as number,
      logDt: realOf(c.inputs, "log_dt").data,
      Lambda: c64(complexOf(c.inputs, "Lambda")),
      P: c64(complexOf(c.inputs, "P")),
      B: c64(complexOf(c.inputs, "B")),
    };
    const { dA, dB } = discretizeDPLRDense(p);
    if (c.outputs.dA_full) {
      const eA = complexOf(c.outputs, "dA_full");
      const eB = complexOf(c.outputs, "dB_full");
      expect(relErrorComplex(dA.re, dA.im, eA.re, eA.im)).toBeLessThanOrEqual(1e-12);
      expect(relErrorComplex(dB.re, dB.im, eB.re, eB.im)).toBeLessThanOrEqual(1e-12);
    }
    const C = c64(complexOf(c.inputs, "C"));
    const Ct = cTildeFromC(dA, C, H, N2, L);
    const eCt = complexOf(c.outputs, "C_tilde");
    expect(relErrorComplex(Ct.re, Ct.im, eCt.re, eCt.im)).toBeLessThanOrEqual(1e-10);
    // round trip C -> C~ -> C
    const back = cFromCTilde(dA, Ct, H, N2, L);
    expect(relErrorComplex(back.re, back.im, C.re, C.im)).toBeLessThanOrEqual(1e-9);
  });
});

describe("dense DPLR discretisation by Woodbury equals the dense solve (I - dt/2 A) X = [I + dt/2 A | dt B]", () => {
  it.each([1, 2, 3])("rank %i, random LegS-like parameters", (R) => {
    let seed = 11 + R;
    const rnd = () => {
      seed = (seed * 16807) % 2147483647;
      return (seed / 2147483647) * 2 - 1;
    };
    const vec = (n: number, s = 1) => Float64Array.from({ length: n }, () => s * rnd());
    const [H, N2] = [3, 5];
    const N = 2 * N2;
    const p = {
      H,
      N2,
      rank: R,
      logDt: vec(H, 1).map((v) => v - 3),
      Lambda: { re: vec(H * N2).map((v) => -0.1 - Math.abs(v)), im: vec(H * N2, 20) },
      P: { re: vec(R * H * N2), im: vec(R * H * N2) },
      B: { re: vec(H * N2), im: vec(H * N2) },
    };
    const { dA, dB } = discretizeDPLRDense(p);
    const { A, B } = dplrDenseContinuous(p);
    for (let h = 0; h < H; h++) {
      const d = Math.exp(p.logDt[h]) / 2;
      const M = { re: new Float64Array(N * N), im: new Float64Array(N * N) };
      const rhs = { re: new Float64Array(N * (N + 1)), im: new Float64Array(N * (N + 1)) };
      for (let a = 0; a < N; a++) {
        for (let b = 0; b < N; b++) {
          const id = a === b ? 1 : 0;
          const i = h * N * N + a * N + b;
          M.re[a * N + b] = id - d * A.re[i];
          M.im[a * N + b] = -d * A.im[i];
          rhs.re[a * (N + 1) + b] = id + d * A.re[i];
          rhs.im[a * (N + 1) + b] = d * A.im[i];
        }
        rhs.re[a * (N + 1) + N] = 2 * d * B.re[h * N + a];
        rhs.im[a * (N + 1) + N] = 2 * d * B.im[h * N + a];
      }
      const X = cSolve(M, rhs, N, N + 1);
      const got = { re: new Float64Array(N * (N + 1)), im: new Float64Array(N * (N + 1)) };
      for (let a = 0; a < N; a++) {
        for (let b = 0; b < N; b++) {
          got.re[a * (N + 1) + b] = dA.re[h * N * N + a * N + b];
          got.im[a * (N + 1) + b] = dA.im[h * N * N + a * N + b];
        }
        got.re[a * (N + 1) + N] = dB.re[h * N + a];
        got.im[a * (N + 1) + N] = dB.im[h * N + a];
      }
      expect(relErrorComplex(got.re, got.im, X.re, X.im), `h=${h}`).toBeLessThanOrEqual(1e-12);
    }
  });
});
