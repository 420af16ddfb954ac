// Property-based hardening of the public kernels API (fast-check): for random shapes and values
// the wasm result agrees with the float64 twin; for random bad inputs every entry point throws a
// typed error that names the argument, and the plan still computes the right answer afterwards.
import { relErrorComplex, relErrorReal } from "@s4wasm/golden";
import { expectTypedError } from "@s4wasm/testkit/expect";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  type Complex,
  type FloatArray,
  type Kernels,
  loadKernels,
  type S4Error,
  S4ShapeError,
  S4ValueError,
} from "../src/index.js";

const wasm = await loadKernels({ backend: "wasm" });
const js = await loadKernels({ backend: "js" });

// Values float32 can hold (no subnormals: float32 flushes them, which is not an error of ours).
const values = (n: number) =>
  fc.array(
    fc.double({ min: -4, max: 4, noNaN: true }).map((v) => (Math.abs(v) < 1e-30 ? 0 : v)),
    { minLength: n, maxLength: n },
  );
const f32 = (a: number[]) => Float32Array.from(a);
const f64 = (a: number[]) => Float64Array.from(a);
const cplx = (re: number[], im: number[], make: (a: number[]) => FloatArray): Complex => ({ re: make(re), im: make(im) });

/** Bad versions of a valid real input: wrong length, wrong kind, a NaN, an Infinity. */
function badReals(good: FloatArray): { value: unknown; error: typeof S4Error }[] {
  const nan = Float32Array.from(good);
  nan[nan.length >> 1] = Number.NaN;
  const inf = Float32Array.from(good);
  inf[0] = Number.POSITIVE_INFINITY;
  return [
    { value: new Float32Array(good.length + 1), error: S4ShapeError },
    { value: Array.from(good), error: S4ValueError },
    { value: new Int32Array(good.length), error: S4ValueError },
    { value: nan, error: S4ValueError },
    { value: inf, error: S4ValueError },
  ];
}

describe("property: rfft round trip and agreement with the twin (any n, any batch)", () => {
  it("holds for random n in 1..700, batch 1..3", () => {
    fc.assert(
      fc.property(
        fc
          .integer({ min: 1, max: 700 })
          .chain((n) => fc.tuple(fc.constant(n), fc.integer({ min: 1, max: 3 })))
          .chain(([n, batch]) => fc.tuple(fc.constant(n), fc.constant(batch), values(n * batch))),
        ([n, batch, x]) => {
          const pw = wasm.rfft(n, { batch });
          const pj = js.rfft(n, { batch });
          const Xw = pw.forward(f32(x));
          const Xj = pj.forward(f64(x));
          expect(relErrorComplex(Xw.re, Xw.im, Xj.re, Xj.im)).toBeLessThanOrEqual(1e-5);
          expect(relErrorReal(pj.inverse(Xj), x)).toBeLessThanOrEqual(1e-12);
          expect(relErrorReal(pw.inverse(Xw), x)).toBeLessThanOrEqual(1e-5);
          pw.dispose();
          pj.dispose();
        },
      ),
      { numRuns: 60, seed: 42 },
    );
  });
});

describe("property: bad input never corrupts a plan", () => {
  it("fft / rfft / fftConv / complexMultiply reject bad inputs by name and keep working", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 64 }),
        fc.integer({ min: 1, max: 3 }),
        fc.integer({ min: 0, max: 4 }),
        (n, batch, which) => {
          for (const k of [wasm, js] as Kernels[]) {
            const make = k.backend === "wasm" ? f32 : f64;
            const x = Array.from({ length: n * batch }, (_, i) => Math.sin(i + n));
            // rfft
            const r = k.rfft(n, { batch });
            const before = r.forward(make(x));
            const bad = badReals(make(x))[which];
            expectTypedError(() => r.forward(bad.value as FloatArray), bad.error, /rfft\.forward\(x\)/);
            const after = r.forward(make(x));
            expect(Array.from(after.re)).toEqual(Array.from(before.re));
            r.dispose();
            // complex fft
            const f = k.fft(n, { batch });
            const xc = cplx(
              x,
              x.map((v) => -v),
              make,
            );
            const X = f.forward(xc);
            expectTypedError(() => f.forward({ re: bad.value as FloatArray, im: xc.im }), bad.error, /fft\.forward\(x\)\.re/);
            expect(Array.from(f.forward(xc).im)).toEqual(Array.from(X.im));
            f.dispose();
            // FFT convolution (H = batch channels, L = n)
            const conv = k.fftConv({ channels: batch, length: n });
            conv.setKernel(make(x));
            const y0 = conv.apply(make(x));
            expectTypedError(() => conv.apply(bad.value as FloatArray), bad.error, /fftConv\.apply\(u\)/);
            expectTypedError(() => conv.setKernel(bad.value as FloatArray), bad.error, /fftConv\.setKernel\(K\)/);
            expect(Array.from(conv.apply(make(x)))).toEqual(Array.from(y0));
            conv.dispose();
            // complex multiply: only length and kind are checked (any finite or not value multiplies)
            const cm = k.complexMultiply({ length: n * batch });
            const p0 = cm.apply(xc, xc);
            expectTypedError(
              () => cm.apply({ re: new Float32Array(n * batch + 1), im: xc.im }, xc),
              S4ShapeError,
              /complexMultiply\.apply\(a\)\.re/,
            );
            expect(Array.from(cm.apply(xc, xc).re)).toEqual(Array.from(p0.re));
            cm.dispose();
          }
        },
      ),
      { numRuns: 40, seed: 7 },
    );
  });

  it("rejects bad sizes at plan creation with the argument named", () => {
    for (const k of [wasm, js]) {
      fc.assert(
        fc.property(
          fc.oneof(fc.integer({ max: 0 }), fc.double({ noInteger: true }), fc.constant(2 ** 23), fc.constant(Number.NaN)),
          (n) => {
            expectTypedError(() => k.rfft(n), S4ShapeError, /rfft\(n\)/);
            expectTypedError(() => k.fft(n), S4ShapeError, /fft\(n\)/);
            expectTypedError(() => k.fftConv({ channels: 1, length: n }), S4ShapeError, /fftConv\(options\.length\)/);
          },
        ),
        { numRuns: 30, seed: 3 },
      );
    }
  });

  it("sizes beyond wasm memory give a typed error and leave the instance usable", async () => {
    const k = await loadKernels();
    expectTypedError(() => k.complexMultiply({ length: 2 ** 28 }), S4ShapeError, /wasm memory/);
    const ok = k.complexMultiply({ length: 4 });
    const one = { re: new Float32Array([1, 2, 3, 4]), im: new Float32Array(4) };
    expect(Array.from(ok.apply(one, one).re)).toEqual([1, 4, 9, 16]);
  });
});
