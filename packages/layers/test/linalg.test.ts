// Dense complex helpers of the DPLR setup path: the conjugate-block power against the generic one.
import { S4ValueError } from "@s4wasm/kernels";
import { describe, expect, it } from "vitest";
import { cMatMul, cMatPow, cMatPowConjBlock } from "../src/ssm/linalg.js";
import type { Complex64 } from "../src/ssm/params.js";
import { relErr, rng } from "./helpers.js";

/** A random n x n matrix [[X, Y], [conj Y, conj X]] scaled to spectral radius below 1. */
function conjBlock(n: number, seed: number): Complex64 {
  const m = n / 2;
  const r = rng(seed);
  const re = new Float64Array(n * n);
  const im = new Float64Array(n * n);
  for (let i = 0; i < m; i++)
    for (let j = 0; j < n; j++) {
      const a = (2 * r() - 1) / n;
      const b = (2 * r() - 1) / n;
      re[i * n + j] = a;
      im[i * n + j] = b;
      re[(i + m) * n + ((j + m) % n)] = a;
      im[(i + m) * n + ((j + m) % n)] = -b;
    }
  return { re, im };
}

describe("cMatPowConjBlock", () => {
  it.each([0, 1, 2, 7, 64, 1000])("equals cMatPow for p = %i (n = 8 and 64)", (p) => {
    for (const n of [8, 64]) {
      const a = conjBlock(n, 3 + n);
      const want = cMatPow(a, n, p);
      const got = cMatPowConjBlock(a, n, p);
      const scale = Math.max(1e-300, ...Array.from(want.re, Math.abs), ...Array.from(want.im, Math.abs));
      let worst = 0;
      for (let i = 0; i < n * n; i++) worst = Math.max(worst, Math.abs(got.re[i] - want.re[i]), Math.abs(got.im[i] - want.im[i]));
      expect(worst / scale).toBeLessThanOrEqual(1e-12);
    }
  });

  it("keeps the conjugate-block form (a power is again [[X, Y], [conj Y, conj X]])", () => {
    const n = 8;
    const pw = cMatPowConjBlock(conjBlock(n, 5), n, 13);
    const direct = cMatMul(cMatPow(conjBlock(n, 5), n, 6), cMatPow(conjBlock(n, 5), n, 7), n, n, n);
    expect(relErr(pw.re, direct.re)).toBeLessThanOrEqual(1e-12);
    expect(relErr(pw.im, direct.im)).toBeLessThanOrEqual(1e-12);
  });

  it("refuses an odd size by name", () => {
    expect(() => cMatPowConjBlock({ re: new Float64Array(9), im: new Float64Array(9) }, 3, 2)).toThrow(S4ValueError);
    expect(() => cMatPowConjBlock({ re: new Float64Array(9), im: new Float64Array(9) }, 3, 2)).toThrow(
      /cMatPowConjBlock\(n\): expected an even size, got 3/,
    );
  });
});
