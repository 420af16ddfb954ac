import { relErrorComplex } from "@s4wasm/golden";
import { describe, expect, it } from "vitest";
import { js } from "../src/index.js";
import { BACKENDS, kernelsFor, randomArray, rng } from "./helpers.js";

describe.each(BACKENDS)("complexMultiply (%s)", (backend) => {
  it("equals the float64 product for random lengths (SIMD body and scalar tail)", async () => {
    const k = await kernelsFor(backend);
    const rand = rng(11);
    for (const n of [1, 3, 4, 5, 8, 17, 1023]) {
      const a = { re: randomArray(n, rand), im: randomArray(n, rand) };
      const b = { re: randomArray(n, rand), im: randomArray(n, rand) };
      const ref = { re: new Float64Array(n), im: new Float64Array(n) };
      for (let i = 0; i < n; i++) {
        ref.re[i] = a.re[i] * b.re[i] - a.im[i] * b.im[i];
        ref.im[i] = a.re[i] * b.im[i] + a.im[i] * b.re[i];
      }
      const plan = k.complexMultiply({ length: n });
      const out = plan.apply(a, b);
      expect(relErrorComplex(out.re, out.im, ref.re, ref.im)).toBeLessThanOrEqual(backend === "js" ? 1e-15 : 1e-6);
      // Writing into a caller's out array gives the same numbers.
      const mine = {
        re: new (backend === "js" ? Float64Array : Float32Array)(n),
        im: new (backend === "js" ? Float64Array : Float32Array)(n),
      };
      expect(plan.apply(a, b, mine)).toBe(mine);
      expect(Array.from(mine.re)).toEqual(Array.from(out.re));
      plan.dispose();
    }
  });
});

describe("js twin cmulAcc", () => {
  it("accumulates", () => {
    const outRe = new Float64Array([1, 1]);
    const outIm = new Float64Array([0, 0]);
    js.cmulAcc([0, 1], [1, 0], [0, 2], [1, 0], outRe, outIm, 2);
    expect(Array.from(outRe)).toEqual([0, 3]);
    expect(Array.from(outIm)).toEqual([0, 0]);
  });
});
