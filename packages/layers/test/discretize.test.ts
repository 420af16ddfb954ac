import { complexOf, realOf, relErrorComplex } from "@s4wasm/golden";
import { readGolden } from "@s4wasm/golden/node";
import { describe, expect, it } from "vitest";
import { cFromCTilde, cTildeFromC, discretizeDPLRDense, discretizeS4D } from "../src/ssm/discretize.js";
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
