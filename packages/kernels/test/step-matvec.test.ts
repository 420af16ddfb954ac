import { relErrorReal } from "@s4wasm/golden";
import { describe, expect, it } from "vitest";
import { S4ShapeError, S4StateError, S4ValueError } from "../src/index.js";
import { BACKENDS, kernelsFor, randomArray, rng } from "./helpers.js";

describe.each(BACKENDS)("stepLinear (%s)", (backend) => {
  it("equals the direct float64 sum W x + b over shapes with row and column tails", async () => {
    const k = await kernelsFor(backend);
    const rand = rng(17);
    for (const [H, O] of [
      [1, 1],
      [3, 5],
      [8, 16],
      [13, 26],
      [256, 512],
    ]) {
      const W = randomArray(O * H, rand);
      const b = randomArray(O, rand);
      const x = randomArray(H, rand);
      const want = new Float64Array(O);
      for (let o = 0; o < O; o++) {
        let s = b[o];
        for (let h = 0; h < H; h++) s += W[o * H + h] * x[h];
        want[o] = s;
      }
      const plan = k.stepLinear({ inFeatures: H, outFeatures: O, weight: W, bias: b });
      expect(relErrorReal(plan.apply(x), want)).toBeLessThanOrEqual(backend === "js" ? 1e-12 : 1e-5);
      const noBias = k.stepLinear({ inFeatures: H, outFeatures: O, weight: W });
      for (let o = 0; o < O; o++) want[o] -= b[o];
      expect(relErrorReal(noBias.apply(x), want)).toBeLessThanOrEqual(backend === "js" ? 1e-12 : 1e-5);
      plan.dispose();
      noBias.dispose();
    }
  });

  it("validates shapes, values, the pointer entry and dispose", async () => {
    const k = await kernelsFor(backend);
    expect(() => k.stepLinear({ inFeatures: 2, outFeatures: 3, weight: new Float64Array(5) })).toThrow(
      /stepLinear\(options\.weight\): expected length 6 \(outFeatures\*inFeatures\), got 5/,
    );
    expect(() => k.stepLinear({ inFeatures: 2, outFeatures: 3, weight: new Float64Array(6).fill(Number.NaN) })).toThrow(
      S4ValueError,
    );
    const plan = k.stepLinear({ inFeatures: 2, outFeatures: 3, weight: new Float64Array(6) });
    expect(() => plan.apply(new Float64Array(3))).toThrow(S4ShapeError);
    if (backend === "js") expect(() => plan.applyPtr(0, 0)).toThrow(S4StateError);
    plan.dispose();
    expect(() => plan.apply(new Float64Array(2))).toThrow(S4StateError);
  });
});
