// Property-based hardening of the naive DFT plan (the reference transform): for random n and
// batch the wasm (float32) result agrees with the float64 twin and inverse(forward(x)) = x; bad
// inputs (wrong length, wrong kind, NaN / Infinity, bad n or batch, use after dispose) throw a
// typed error naming the argument; after the error the plan returns the same answer.
import { relErrorComplex } from "@s4wasm/golden";
import { expectTypedError } from "@s4wasm/testkit/expect";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { type Complex, type Kernels, loadKernels, type S4Error, S4ShapeError, S4StateError, S4ValueError } from "../src/index.js";
import { randomArray, rng } from "./helpers.js";

const wasm = await loadKernels({ backend: "wasm" });
const js = await loadKernels({ backend: "js" });

describe("property: dft", () => {
  it("wasm agrees with the twin and round-trips; bad inputs throw by name; the plan keeps working", () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 80 }), fc.integer({ min: 1, max: 3 }), fc.integer(), (n, batch, seed) => {
        const r = rng(seed);
        const x: Complex = { re: randomArray(n * batch, r), im: randomArray(n * batch, r) };
        const pw = wasm.dft(n, { batch });
        const pj = js.dft(n, { batch });
        const Xw = pw.forward(x);
        const Xj = pj.forward(x);
        expect(relErrorComplex(Xw.re, Xw.im, Xj.re, Xj.im)).toBeLessThanOrEqual(1e-5);
        const back = pj.inverse(Xj);
        expect(relErrorComplex(back.re, back.im, x.re, x.im)).toBeLessThanOrEqual(1e-12);
        for (const p of [pw, pj]) {
          for (const fn of ["forward", "inverse"] as const) {
            const y0 = p[fn](x);
            const nan = Float64Array.from(x.re);
            nan[n >> 1] = Number.NaN;
            const inf = Float64Array.from(x.im);
            inf[0] = Number.NEGATIVE_INFINITY;
            const bad: [unknown, typeof S4Error, string][] = [
              [{ re: new Float64Array(n * batch + 1), im: x.im }, S4ShapeError, "re"],
              [{ re: Array.from(x.re), im: x.im }, S4ValueError, "re"],
              [{ re: x.re, im: new Int32Array(n * batch) }, S4ValueError, "im"],
              [{ re: nan, im: x.im }, S4ValueError, "re"],
              [{ re: x.re, im: inf }, S4ValueError, "im"],
            ];
            for (const [v, error, plane] of bad) {
              expectTypedError(() => p[fn](v as Complex), error, new RegExp(`dft\\.${fn}\\(x\\)\\.${plane}`));
            }
            const wrongOut = p.backend === "wasm" ? new Float64Array(n * batch) : new Float32Array(n * batch);
            expectTypedError(() => p[fn](x, { re: wrongOut, im: wrongOut }), S4ValueError, new RegExp(`dft\\.${fn}\\(out\\)`));
            const y1 = p[fn](x);
            expect(Array.from(y1.re)).toEqual(Array.from(y0.re));
            expect(Array.from(y1.im)).toEqual(Array.from(y0.im));
          }
          p.dispose();
          expectTypedError(() => p.forward(x), S4StateError, /dft\.forward/);
        }
      }),
      { numRuns: 30, seed: 71 },
    );
  });

  it("rejects bad n and batch by name", () => {
    fc.assert(
      fc.property(
        fc.oneof(
          fc.integer({ min: -50, max: 0 }),
          fc.double({ min: 0.1, max: 9, noInteger: true }),
          fc.constant(Number.NaN),
          fc.constant(2 ** 25),
        ),
        (bad) => {
          for (const k of [wasm, js] as Kernels[]) {
            expectTypedError(() => k.dft(bad), S4ShapeError, /dft\(n\)/);
            expectTypedError(() => k.dft(4, { batch: bad }), S4ShapeError, /dft\(options\.batch\)/);
          }
        },
      ),
      { numRuns: 20, seed: 72 },
    );
  });
});
