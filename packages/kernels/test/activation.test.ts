// The official S4 code's other activations (tanh, relu, elu, silu, sigmoid, softplus): the wasm
// float32 code against float64 references from Math, over magnitudes 1e-30..100 of both signs
// (the series/formula switches at 1/4 and softplus's threshold at 20 included), and the JS twin
// against identities that tie the functions to one another.
import { describe, expect, it } from "vitest";
import { ACTIVATION_KINDS, type ActivationName, S4ValueError } from "../src/index.js";
import { BACKENDS, kernelsFor, rng } from "./helpers.js";

const sigmoid = (x: number) => 1 / (1 + Math.exp(-x));
/** float64 references straight from the definitions (torch's ELU alpha 1, Softplus threshold 20). */
const REFERENCE: Record<ActivationName, (x: number) => number> = {
  tanh: Math.tanh,
  relu: (x) => Math.max(x, 0),
  elu: (x) => (x > 0 ? x : Math.expm1(x)),
  silu: (x) => x * sigmoid(x),
  sigmoid,
  softplus: (x) => (x > 20 ? x : Math.log1p(Math.exp(x))),
};

/** Inputs of every magnitude from 1e-30 to 100, both signs, and the switch points. */
function inputs(): Float64Array {
  const r = rng(11);
  const xs: number[] = [0, 0.25, -0.25, 0.2499999, -0.2500001, 20, 20.000002, 19.999998, 88, 1, -1];
  // where expv stops (e^-87.3, still a normal float32) and past it
  xs.push(-80, -80.0001, -86, -87, -87.3, -87.35, -88, -88.5, -90, -93, -100);
  for (let i = 0; i < 4000; i++) xs.push((r() < 0.5 ? -1 : 1) * 10 ** (-30 + 32 * r()));
  for (let i = 0; i < 2000; i++) xs.push(-6 + 12 * r());
  return Float64Array.from(xs, Math.fround);
}

describe("activations on wasm (float32) against float64", () => {
  it.each(ACTIVATION_KINDS)("%s: within 1e-6 relative (2e-38 absolute below float32's normal range)", async (name) => {
    const k = await kernelsFor("wasm");
    const plan = k.activation(name);
    const x = inputs();
    const y = plan.apply(Float32Array.from(x));
    let worst = 0;
    for (let i = 0; i < x.length; i++) {
      const ref = REFERENCE[name](x[i]);
      const err = Math.abs(y[i] - ref);
      if (Math.abs(ref) < 1.2e-38) expect(err, `${name}(${x[i]})`).toBeLessThan(2e-38);
      else worst = Math.max(worst, err / Math.abs(ref));
    }
    expect(worst, name).toBeLessThan(1e-6);
    // the same values through the pointer entry, in place, and every tail length
    for (const n of [1, 2, 3, 5, 7])
      expect(Array.from(plan.apply(Float32Array.from(x.subarray(0, n))))).toEqual(Array.from(y.subarray(0, n)));
    plan.dispose();
  });
});

describe("activations on the JS twin (float64)", () => {
  it("match their definitions and tie together: tanh = 2 sigmoid(2x) - 1, silu = x sigmoid, softplus(x) - softplus(-x) = x", async () => {
    const k = await kernelsFor("js");
    const x = Float64Array.from({ length: 401 }, (_, i) => -10 + i * 0.05);
    const y = Object.fromEntries(ACTIVATION_KINDS.map((n) => [n, k.activation(n).apply(x)])) as Record<
      ActivationName,
      Float64Array
    >;
    const yNeg = k.activation("softplus").apply(x.map((v) => -v));
    const sig2 = k.activation("sigmoid").apply(x.map((v) => 2 * v));
    for (let i = 0; i < x.length; i++) {
      for (const n of ACTIVATION_KINDS)
        expect(Math.abs(y[n][i] - REFERENCE[n](x[i]))).toBeLessThanOrEqual(1e-15 * Math.max(1, Math.abs(y[n][i])));
      expect(Math.abs(y.tanh[i] - (2 * sig2[i] - 1))).toBeLessThan(1e-14);
      expect(Math.abs(y.silu[i] - x[i] * y.sigmoid[i])).toBeLessThan(1e-14);
      expect(Math.abs(y.softplus[i] - yNeg[i] - x[i])).toBeLessThan(1e-13);
      expect(y.relu[i]).toBe(Math.max(x[i], 0));
      if (x[i] > 0) expect(y.elu[i]).toBe(x[i]);
    }
  });
});

describe.each(BACKENDS)("activation plans: bad input (%s)", (backend) => {
  it("an unknown name, an empty input and a non-finite value are refused, naming the argument", async () => {
    const k = await kernelsFor(backend);
    expect(() => k.activation("swish" as ActivationName)).toThrow(S4ValueError);
    expect(() => k.activation("swish" as ActivationName)).toThrow(
      /activation\(name\): expected one of "tanh", "relu"[^\n]*got "swish"/,
    );
    const plan = k.activation("tanh");
    const ctor = backend === "wasm" ? Float32Array : Float64Array;
    expect(() => plan.apply(new ctor(0))).toThrow(/tanh.apply\(x.length\)/);
    plan.dispose();
    expect(() => plan.apply(new ctor(4))).toThrow(/disposed|after dispose/);
  });
});
