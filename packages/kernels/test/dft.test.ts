import { complexOf, relErrorComplex } from "@s4wasm/golden";
import { readGolden } from "@s4wasm/golden/node";
import { describe, expect, it } from "vitest";
import { S4ShapeError, S4StateError, S4ValueError } from "../src/index.js";
import { BACKENDS, kernelsFor, randomArray, rng, TOL } from "./helpers.js";

const golden = readGolden("fft");

describe.each(BACKENDS)("naive DFT (%s)", (backend) => {
  it.each(golden.cases.map((c) => [c.name, c] as const))("matches golden fft_xc / ifft_xc: %s", async (_name, c) => {
    const k = await kernelsFor(backend);
    const xc = complexOf(c.inputs, "xc");
    const plan = k.dft(xc.re.length);
    const X = plan.forward({ re: xc.re, im: xc.im });
    const fx = complexOf(c.outputs, "fft_xc");
    expect(relErrorComplex(X.re, X.im, fx.re, fx.im)).toBeLessThanOrEqual(TOL[backend]);
    const x = plan.inverse({ re: xc.re, im: xc.im });
    const ix = complexOf(c.outputs, "ifft_xc");
    expect(relErrorComplex(x.re, x.im, ix.re, ix.im)).toBeLessThanOrEqual(TOL[backend]);
    plan.dispose();
  });

  it("round trips random batched rows of random lengths", async () => {
    const k = await kernelsFor(backend);
    const rand = rng(7);
    for (let t = 0; t < 12; t++) {
      const n = 1 + Math.floor(rand() * 70);
      const batch = 1 + Math.floor(rand() * 4);
      const x = { re: randomArray(n * batch, rand), im: randomArray(n * batch, rand) };
      const plan = k.dft(n, { batch });
      const back = plan.inverse(plan.forward(x));
      expect(relErrorComplex(back.re, back.im, x.re, x.im)).toBeLessThanOrEqual(backend === "js" ? 1e-12 : 1e-5);
      plan.dispose();
    }
  });

  it("validates n, lengths, out dtype and use after dispose", async () => {
    const k = await kernelsFor(backend);
    expect(() => k.dft(0)).toThrow(S4ShapeError);
    expect(() => k.dft(2.5)).toThrow(/dft\(n\): expected an integer in \[1, 65536\], got 2.5/);
    const plan = k.dft(4, { batch: 2 });
    expect(() => plan.forward({ re: new Float32Array(7), im: new Float32Array(8) })).toThrow(
      /dft\.forward\(x\)\.re: expected length 8 \(batch\*n\), got 7/,
    );
    expect(() => plan.forward({ re: [1, 2] as never, im: new Float32Array(8) })).toThrow(S4ValueError);
    const wrongOut = backend === "wasm" ? new Float64Array(8) : new Float32Array(8);
    expect(() => plan.forward({ re: new Float32Array(8), im: new Float32Array(8) }, { re: wrongOut, im: wrongOut })).toThrow(
      /dft\.forward\(out\)\.re: expected a Float(32|64)Array \(this backend's dtype\)/,
    );
    plan.dispose();
    expect(() => plan.forward({ re: new Float32Array(8), im: new Float32Array(8) })).toThrow(S4StateError);
  });
});
