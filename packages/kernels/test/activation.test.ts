// The official S4 code's other activations (tanh, relu, elu, silu, sigmoid, softplus): the wasm
// float32 code against the float64 twin over magnitudes 1e-30..100 of both signs (the
// series/formula switches at 1/4, softplus's threshold at 20 and the far negative tail
// included), and the twin against tabulated values and identities that tie the functions together.
import { describe, expect, it } from "vitest";
import { ACTIVATION_KINDS, type ActivationName, S4ValueError } from "../src/index.js";
import { BACKENDS, kernelsFor, rng } from "./helpers.js";

// Tabulated float64 values (CPython's math: tanh, log1p(exp), expm1, 1/(1+exp)), an
// implementation apart from the JS twin's.
const TABLE: [ActivationName, number, number][] = [
  ["tanh", 0.5, 0.46211715726000974],
  ["tanh", -3, -0.9950547536867305],
  ["softplus", 1, 1.3132616875182228],
  ["softplus", -30, 9.357622968839737e-14],
  ["softplus", 25, 25],
  ["elu", -1, -0.6321205588285577],
  ["elu", 2, 2],
  ["silu", -2, -0.2384058440442351],
  ["sigmoid", 1, 0.7310585786300049],
  ["sigmoid", -2, 0.11920292202211755],
  ["relu", -1, 0],
  ["relu", 3, 3],
];

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

describe("activations on wasm (float32) against the float64 twin", () => {
  it.each(ACTIVATION_KINDS)("%s: within 1e-6 relative (2e-38 absolute below float32's normal range)", async (name) => {
    const k = await kernelsFor("wasm");
    const plan = k.activation(name);
    const x = inputs();
    const y = plan.apply(Float32Array.from(x));
    const ref = (await kernelsFor("js")).activation(name).apply(x);
    let worst = 0;
    for (let i = 0; i < x.length; i++) {
      const err = Math.abs(y[i] - ref[i]);
      if (Math.abs(ref[i]) < 1.2e-38) expect(err, `${name}(${x[i]})`).toBeLessThan(2e-38);
      else worst = Math.max(worst, err / Math.abs(ref[i]));
    }
    expect(worst, name).toBeLessThan(1e-6);
    // every tail length gives the same values as the vector body
    for (const n of [1, 2, 3, 5, 7])
      expect(Array.from(plan.apply(Float32Array.from(x.subarray(0, n))))).toEqual(Array.from(y.subarray(0, n)));
    plan.dispose();
  });
});

describe("activations on the JS twin (float64)", () => {
  it("match tabulated values and tie together: tanh = 2 sigmoid(2x) - 1, silu = x sigmoid, softplus(x) - softplus(-x) = x", async () => {
    const k = await kernelsFor("js");
    for (const [name, x, v] of TABLE)
      expect(Math.abs(k.activation(name).apply(Float64Array.of(x))[0] - v), `${name}(${x})`).toBeLessThanOrEqual(
        2e-16 * Math.max(1, Math.abs(v)),
      );
    const x = Float64Array.from({ length: 401 }, (_, i) => -10 + i * 0.05);
    const y = Object.fromEntries(ACTIVATION_KINDS.map((n) => [n, k.activation(n).apply(x)])) as Record<
      ActivationName,
      Float64Array
    >;
    const yNeg = k.activation("softplus").apply(x.map((v) => -v));
    const sig2 = k.activation("sigmoid").apply(x.map((v) => 2 * v));
    for (let i = 0; i < x.length; i++) {
      expect(Math.abs(y.tanh[i] - (2 * sig2[i] - 1))).toBeLessThan(1e-14);
      expect(Math.abs(y.silu[i] - x[i] * y.sigmoid[i])).toBeLessThan(1e-14);
      expect(Math.abs(y.softplus[i] - yNeg[i] - x[i])).toBeLessThan(1e-13);
      expect(y.relu[i]).toBe(Math.max(x[i], 0));
      if (x[i] > 0) expect(y.elu[i]).toBe(x[i]);
      else expect(Math.abs(y.elu[i] - (Math.exp(x[i]) - 1))).toBeLessThan(1e-15);
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
