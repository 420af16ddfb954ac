import { complexOf, realOf, relErrorComplex, relErrorReal } from "@s4wasm/golden";
import { readGolden } from "@s4wasm/golden/node";
import { S4ShapeError, S4ValueError } from "@s4wasm/kernels";
import { describe, expect, it } from "vitest";
import { diagInit, dplrLegsInit, makeRng, nplr, randomC, randomLogDt, rankCorrection, transition } from "../src/hippo/index.js";

const golden = readGolden("hippo_legs");

describe("HiPPO-LegS vs golden hippo_legs", () => {
  it.each(golden.cases.map((c) => [c.name, c] as const))("%s", (_n, c) => {
    const N = c.params.N as number;
    const d = nplr("legs", N);
    if (c.outputs.A) expect(relErrorReal(d.A, realOf(c.outputs, "A").data)).toBeLessThanOrEqual(1e-15);
    expect(relErrorReal(d.Breal, realOf(c.outputs, "B").data)).toBeLessThanOrEqual(1e-15);
    expect(relErrorReal(d.Preal, realOf(c.outputs, "P_lowrank").data)).toBeLessThanOrEqual(1e-15);
    const L = complexOf(c.outputs, "Lambda");
    expect(relErrorComplex(d.Lambda.re, d.Lambda.im, L.re, L.im)).toBeLessThanOrEqual(1e-9);
    const LF = complexOf(c.outputs, "LambdaFull" in c.outputs ? "LambdaFull" : "Lambda_full");
    expect(relErrorComplex(d.LambdaFull.re, d.LambdaFull.im, LF.re, LF.im)).toBeLessThanOrEqual(1e-9);
    // phase-invariant outputs
    const N2 = N / 2;
    const abs2 = new Float64Array(N2);
    const bcp = { re: new Float64Array(N2), im: new Float64Array(N2) };
    for (let k = 0; k < N2; k++) {
      abs2[k] = d.P.re[k] ** 2 + d.P.im[k] ** 2;
      bcp.re[k] = d.B.re[k] * d.P.re[k] + d.B.im[k] * d.P.im[k];
      bcp.im[k] = d.B.im[k] * d.P.re[k] - d.B.re[k] * d.P.im[k];
    }
    expect(relErrorReal(abs2, realOf(c.outputs, "P_abs2").data)).toBeLessThanOrEqual(1e-9);
    const eb = complexOf(c.outputs, "B_conjP");
    expect(relErrorComplex(bcp.re, bcp.im, eb.re, eb.im)).toBeLessThanOrEqual(1e-9);
    // canonical phase (P~ real > 0): P~, B~ and V compare directly
    const ep = complexOf(c.outputs, "P_tilde");
    expect(relErrorComplex(d.P.re, d.P.im, ep.re, ep.im)).toBeLessThanOrEqual(1e-9);
    const ebt = complexOf(c.outputs, "B_tilde");
    expect(relErrorComplex(d.B.re, d.B.im, ebt.re, ebt.im)).toBeLessThanOrEqual(1e-9);
    if (c.outputs.V) {
      const ev = complexOf(c.outputs, "V");
      expect(relErrorComplex(d.V.re, d.V.im, ev.re, ev.im)).toBeLessThanOrEqual(1e-9);
    }
  });
});

/** Reconstruct V diag(Lambda) V^* + conj part - P P^T and compare with A (annotated-s4 style check). */
function reconstructionError(measure: "legs" | "legt" | "lagt" | "fout", N: number, rank: number): number {
  const d = nplr(measure, N, rank);
  const N2 = N / 2;
  const R = new Float64Array(N * N);
  for (let i = 0; i < N; i++)
    for (let j = 0; j < N; j++) {
      // sum over kept modes of 2 Re(v_i lambda conj(v_j)) (the conjugate modes give the other half)
      let s = 0;
      for (let k = 0; k < N2; k++) {
        const vir = d.V.re[i * N2 + k];
        const vii = d.V.im[i * N2 + k];
        const vjr = d.V.re[j * N2 + k];
        const vji = -d.V.im[j * N2 + k];
        const tr = vir * vjr - vii * vji;
        const ti = vir * vji + vii * vjr;
        s += 2 * (d.Lambda.re[k] * tr - d.Lambda.im[k] * ti);
      }
      for (let r = 0; r < rank; r++) s -= d.Preal[r * N + i] * d.Preal[r * N + j];
      R[i * N + j] = s;
    }
  return relErrorReal(R, d.A);
}

describe("NPLR reconstruction equals the HiPPO matrix", () => {
  it.each([
    ["legs", 2, 1],
    ["legs", 16, 1],
    ["legs", 64, 1],
    ["legt", 8, 2],
    ["legt", 32, 2],
    ["lagt", 16, 1],
    ["fout", 16, 1],
    ["legs", 8, 2],
  ] as const)("%s N=%i rank=%i", (measure, N, rank) => {
    expect(reconstructionError(measure, N, rank)).toBeLessThanOrEqual(1e-10);
  });

  it("V has orthonormal columns and B~ = sqrt(2) P~ for LegS", () => {
    const N = 32;
    const d = nplr("legs", N);
    const N2 = N / 2;
    for (let a = 0; a < N2; a++)
      for (let b = 0; b < N2; b++) {
        let sr = 0;
        let si = 0;
        for (let i = 0; i < N; i++) {
          sr += d.V.re[i * N2 + a] * d.V.re[i * N2 + b] + d.V.im[i * N2 + a] * d.V.im[i * N2 + b];
          si += d.V.re[i * N2 + a] * d.V.im[i * N2 + b] - d.V.im[i * N2 + a] * d.V.re[i * N2 + b];
        }
        expect(Math.abs(sr - (a === b ? 1 : 0))).toBeLessThan(1e-12);
        expect(Math.abs(si)).toBeLessThan(1e-12);
      }
    for (let k = 0; k < N2; k++) expect(Math.abs(d.B.re[k] - Math.SQRT2 * d.P.re[k])).toBeLessThan(1e-12);
  });
});

describe("transitions and rank corrections", () => {
  it("legt, lagt, fout match their closed forms", () => {
    const N = 4;
    const legt = transition("legt", N);
    // A[0,1] = -1/2 * 1 * (-1) * sqrt3 ; A[1,0] = -1/2 sqrt3
    expect(legt.A[1]).toBeCloseTo(0.5 * Math.sqrt(3), 14);
    expect(legt.A[N]).toBeCloseTo(-0.5 * Math.sqrt(3), 14);
    expect(legt.B[2]).toBeCloseTo(0.5 * Math.sqrt(5), 14);
    const lagt = transition("lagt", N);
    expect(Array.from(lagt.A.subarray(0, 4))).toEqual([-0.5, 0, 0, 0]);
    expect(Array.from(lagt.A.subarray(4, 8))).toEqual([-1, -0.5, 0, 0]);
    const fout = transition("fout", N);
    // b = [1, 0, sqrt2, 0]; A = pi(-diag(d,1) + diag(d,-1)) - b b^T with d = [0,1,1]
    expect(fout.A[0]).toBeCloseTo(-1, 14);
    expect(fout.A[1 * N + 2]).toBeCloseTo(-Math.PI, 14);
    expect(fout.A[2 * N + 1]).toBeCloseTo(Math.PI, 14);
    expect(fout.A[2 * N + 0]).toBeCloseTo(-Math.SQRT2, 14);
    // P0 zero on even n, P1 zero on odd n, both sqrt(1+2n)/sqrt(2)
    const P = rankCorrection("legt", 4, 2);
    const expected = [0, Math.sqrt(1.5), 0, Math.sqrt(3.5), Math.sqrt(0.5), 0, Math.sqrt(2.5), 0];
    for (let i = 0; i < 8; i++) expect(P[i]).toBeCloseTo(expected[i], 14);
  });

  it("rejects odd N, unknown measures and too small ranks", () => {
    expect(() => nplr("legs", 5)).toThrow(S4ShapeError);
    expect(() => nplr("legs", 5)).toThrow(/expected an even state size N/);
    expect(() => nplr("legx" as never, 4)).toThrow(S4ValueError);
    expect(() => rankCorrection("legt", 4, 1)).toThrow(/needs rank >= 2/);
    expect(() => diagInit("diag-foo" as never, 4)).toThrow(S4ValueError);
    expect(() => randomLogDt(2, 0, 0.1, 0.01)).toThrow(S4ValueError);
  });
});

describe("diagonal and DPLR inits, random log_dt and C", () => {
  it("diag-lin / inv / real / legs follow the official formulas", () => {
    const N = 8;
    const lin = diagInit("diag-lin", N, 2);
    expect(lin.A.re[5]).toBe(-0.5);
    expect(lin.A.im[5]).toBeCloseTo(-Math.PI, 14);
    expect(lin.B.re[3]).toBe(1);
    const inv = diagInit("diag-inv", N);
    expect(inv.A.im[1]).toBeCloseTo((-N / Math.PI) * (N / 3 - 1), 12);
    const real = diagInit("diag-real", N);
    expect(Array.from(real.A.re)).toEqual([-1, -2, -3, -4]);
    expect(Array.from(real.A.im, Math.abs)).toEqual([0, 0, 0, 0]);
    const legs = diagInit("diag-legs", N);
    const L = nplr("legs", N).Lambda;
    for (let n = 0; n < N / 2; n++) expect(legs.A.im[n]).toBeCloseTo(L.im[n], 12);
    const d = dplrLegsInit(N, 3);
    expect(d.P.re.length).toBe(12);
    expect(d.Lambda.im[4 + 1]).toBe(L.im[1]);
  });

  it("log_dt lies in [log dt_min, log dt_max], C has E|C|^2 ~ 1, both reproducible by seed", () => {
    const ld = randomLogDt(4000, 7);
    expect(Math.min(...ld)).toBeGreaterThanOrEqual(Math.log(0.001));
    expect(Math.max(...ld)).toBeLessThanOrEqual(Math.log(0.1));
    expect(Array.from(randomLogDt(5, 7))).toEqual(Array.from(ld.subarray(0, 5)));
    const C = randomC(2, 50, 50, makeRng(3));
    let p = 0;
    for (let i = 0; i < C.re.length; i++) p += C.re[i] ** 2 + C.im[i] ** 2;
    expect(p / C.re.length).toBeGreaterThan(0.9);
    expect(p / C.re.length).toBeLessThan(1.1);
    expect(randomC(2, 50, 50, 3).re[17]).toBe(C.re[17]);
  });
});
