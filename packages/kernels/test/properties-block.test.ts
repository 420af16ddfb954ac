// Property-based hardening of the block ops (linear incl. fused GLU, gelu / erf, glu, layerNorm,
// meanPool): for random shapes, layouts and values the wasm (float32) result agrees with the
// float64 twin; every bad input, shape, weight or option throws a typed error naming the
// argument; after the error the plan returns the same answer. Ops that mix values across
// positions or channels (linear, layerNorm, meanPool) refuse NaN/Infinity; the elementwise ones
// (gelu, erf, glu) keep a NaN in its own position and leave every other output as it was.
import { relErrorReal } from "@s4wasm/golden";
import { expectTypedError } from "@s4wasm/testkit/expect";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  type BlockLayout,
  type FloatArray,
  type Kernels,
  loadKernels,
  S4Error,
  S4ShapeError,
  S4StateError,
  S4ValueError,
} from "../src/index.js";
import { rng } from "./helpers.js";

const wasm = await loadKernels({ backend: "wasm" });
const js = await loadKernels({ backend: "js" });
const TOL = 1e-4;

function reals(n: number, rand: () => number, lo = -1, hi = 1): Float64Array {
  const a = new Float64Array(n);
  for (let i = 0; i < n; i++) a[i] = lo + (hi - lo) * rand();
  return a;
}

function badReal(good: FloatArray, finite: boolean): { value: unknown; error: typeof S4Error; why: string }[] {
  const nan = Float64Array.from(good);
  nan[good.length >> 1] = Number.NaN;
  const inf = Float64Array.from(good);
  inf[0] = Number.POSITIVE_INFINITY;
  const bad: { value: unknown; error: typeof S4Error; why: string }[] = [
    { value: new Float64Array(good.length + 1), error: S4ShapeError, why: "length + 1" },
    { value: Array.from(good), error: S4ValueError, why: "plain Array" },
    { value: new Int32Array(good.length), error: S4ValueError, why: "Int32Array" },
    { value: undefined, error: S4ValueError, why: "undefined" },
  ];
  if (finite) {
    bad.push({ value: nan, error: S4ValueError, why: "NaN" });
    bad.push({ value: inf, error: S4ValueError, why: "Infinity" });
  }
  return bad;
}

/** Bad call shapes: 0, negative, non-integer, NaN, missing, not an object. */
const badShape = fc.oneof(
  fc.record({ batch: fc.integer({ min: -5, max: 0 }), length: fc.constant(2) }).map((s) => ({ s, key: "batch" })),
  fc.record({ batch: fc.constant(1), length: fc.integer({ min: -5, max: 0 }) }).map((s) => ({ s, key: "length" })),
  fc
    .record({ batch: fc.constant(1), length: fc.double({ min: 0.1, max: 9, noInteger: true }) })
    .map((s) => ({ s, key: "length" })),
  fc.constant({ s: { batch: Number.NaN, length: 2 }, key: "batch" }),
  fc.constant({ s: { batch: 1 }, key: "length" }),
  fc.constant({ s: { batch: 2 ** 30, length: 1 }, key: "batch" }),
  fc.constant({ s: null, key: "" }),
);

const badSize = fc.oneof(
  fc.integer({ min: -1000, max: 0 }),
  fc.double({ min: 0.01, max: 100, noInteger: true }),
  fc.constant(Number.NaN),
  fc.constant("4"),
  fc.constant(2 ** 20),
);

const shapes = fc.record({
  B: fc.integer({ min: 1, max: 3 }),
  H: fc.integer({ min: 1, max: 20 }),
  L: fc.integer({ min: 1, max: 40 }),
  layout: fc.constantFrom<BlockLayout>("BHL", "BLH"),
  seed: fc.integer(),
});

/** A shaped op (x, shape, out?) under test on one backend. */
interface ShapedOp {
  apply(x: FloatArray, shape: { batch: number; length: number }, out?: FloatArray): FloatArray;
  dispose(): void;
  backend: string;
}

/** Properties (1)-(3) for one shaped op made on both backends. */
function checkShaped(
  make: (k: Kernels) => ShapedOp,
  name: string,
  x: Float64Array,
  shape: { batch: number; length: number },
  outLength: number,
  finite: boolean,
) {
  const pw = make(wasm);
  const pj = make(js);
  expect(relErrorReal(pw.apply(Float32Array.from(x), shape), pj.apply(x, shape))).toBeLessThanOrEqual(TOL);
  for (const p of [pw, pj]) {
    const y0 = p.apply(x, shape);
    for (const bad of badReal(x, finite)) {
      expectTypedError(() => p.apply(bad.value as FloatArray, shape), bad.error, new RegExp(`${name}\\.apply\\(`), bad.why);
    }
    const wrongOut = p.backend === "wasm" ? new Float64Array(outLength) : new Float32Array(outLength);
    expectTypedError(() => p.apply(x, shape, wrongOut), S4ValueError, new RegExp(`${name}\\.apply\\(out\\)`));
    const shortOut = p.backend === "wasm" ? new Float32Array(outLength + 1) : new Float64Array(outLength + 1);
    expectTypedError(() => p.apply(x, shape, shortOut), S4ShapeError, new RegExp(`${name}\\.apply\\(out\\)`));
    expect(Array.from(p.apply(x, shape))).toEqual(Array.from(y0));
    p.dispose();
    expectTypedError(() => p.apply(x, shape), S4StateError, new RegExp(`${name}\\.apply`));
  }
}

describe("property: linear (BHL, BLH, fused GLU)", () => {
  it("wasm agrees with the twin; bad inputs throw by name; the plan keeps working", () => {
    fc.assert(
      fc.property(
        shapes,
        fc.integer({ min: 1, max: 12 }),
        fc.boolean(),
        fc.boolean(),
        ({ B, H, L, layout, seed }, O2, withBias, glu) => {
          const r = rng(seed);
          const O = 2 * O2;
          const fuse = glu && layout === "BHL";
          const weight = reals(O * H, r);
          const bias = withBias ? reals(O, r) : null;
          const x = reals(B * H * L, r);
          const make = (k: Kernels) => k.linear({ inFeatures: H, outFeatures: O, layout, weight, bias, glu: fuse });
          checkShaped(make, "linear", x, { batch: B, length: L }, B * (fuse ? O2 : O) * L, true);
          // weights are checked, and a refused setWeights keeps the old ones
          for (const k of [wasm, js] as Kernels[]) {
            const p = make(k);
            const y0 = p.apply(x, { batch: B, length: L });
            for (const bad of badReal(weight, true)) {
              if (bad.value === undefined) continue;
              expectTypedError(() => p.setWeights(bad.value as FloatArray), bad.error, /linear\.setWeights\(weight\)/, bad.why);
              expectTypedError(
                () => k.linear({ inFeatures: H, outFeatures: O, layout, weight: bad.value as FloatArray }),
                bad.error,
                /linear\.setWeights\(weight\)|linear\(options\.weight\)/,
                bad.why,
              );
            }
            expectTypedError(() => p.setWeights(weight, new Float64Array(O + 1)), S4ShapeError, /linear\.setWeights\(bias\)/);
            expect(Array.from(p.apply(x, { batch: B, length: L }))).toEqual(Array.from(y0));
            p.dispose();
          }
        },
      ),
      { numRuns: 30, seed: 31 },
    );
  });

  it("rejects bad shapes and options by name", () => {
    fc.assert(
      fc.property(badShape, badSize, fc.constantFrom("inFeatures", "outFeatures"), ({ s, key }, bad, opt) => {
        for (const k of [wasm, js] as Kernels[]) {
          const p = k.linear({ inFeatures: 2, outFeatures: 2, weight: new Float64Array(4) });
          expectTypedError(
            () => p.apply(new Float64Array(4), s as never),
            S4Error,
            new RegExp(`linear\\.apply\\(shape\\)${key ? `\\.${key}` : ""}`),
          );
          expect(Array.from(p.apply(Float64Array.of(1, 2, 3, 4), { batch: 1, length: 2 }))).toEqual([0, 0, 0, 0]);
          p.dispose();
          expectTypedError(
            () => k.linear({ inFeatures: 2, outFeatures: 2, weight: new Float64Array(4), [opt]: bad }),
            S4ShapeError,
            new RegExp(`linear\\(options\\.${opt}\\)`),
          );
        }
      }),
      { numRuns: 25, seed: 32 },
    );
    for (const k of [wasm, js] as Kernels[]) {
      expectTypedError(
        () => k.linear({ inFeatures: 2, outFeatures: 3, weight: new Float64Array(6), glu: true }),
        S4ValueError,
        /linear\(options\.glu\)/,
      );
      expectTypedError(
        () => k.linear({ inFeatures: 2, outFeatures: 2, weight: new Float64Array(4), layout: "LBH" as never }),
        S4ValueError,
        /linear\(options\.layout\)/,
      );
    }
  });
});

describe("property: layerNorm and meanPool", () => {
  it("wasm agrees with the twin; bad inputs throw by name; the plan keeps working", () => {
    fc.assert(
      fc.property(shapes, ({ B, H, L, layout, seed }) => {
        const r = rng(seed);
        const x = reals(B * H * L, r, -3, 3);
        const weight = reals(H, r, 0.5, 1.5);
        const bias = reals(H, r);
        const shape = { batch: B, length: L };
        checkShaped((k) => k.layerNorm({ channels: H, layout, weight, bias }), "layerNorm", x, shape, B * H * L, true);
        checkShaped((k) => k.meanPool({ channels: H, layout }), "meanPool", x, shape, B * H, true);
        for (const k of [wasm, js] as Kernels[]) {
          for (const bad of badReal(weight, true)) {
            expectTypedError(
              () => k.layerNorm({ channels: H, layout, weight: bad.value as FloatArray, bias }),
              bad.error,
              /layerNorm\(options\.weight\)/,
              bad.why,
            );
            expectTypedError(
              () => k.layerNorm({ channels: H, layout, weight, bias: bad.value as FloatArray }),
              bad.error,
              /layerNorm\(options\.bias\)/,
              bad.why,
            );
          }
          for (const eps of [-1e-5, Number.NaN, Number.POSITIVE_INFINITY]) {
            expectTypedError(() => k.layerNorm({ channels: H, weight, bias, eps }), S4ValueError, /layerNorm\(options\.eps\)/);
          }
        }
      }),
      { numRuns: 30, seed: 33 },
    );
  });

  it("rejects bad shapes and sizes by name", () => {
    fc.assert(
      fc.property(badShape, badSize, ({ s, key }, bad) => {
        for (const k of [wasm, js] as Kernels[]) {
          const one = Float64Array.of(1);
          const ln = k.layerNorm({ channels: 1, weight: one, bias: one });
          const mp = k.meanPool({ channels: 1 });
          const named = (n: string) => new RegExp(`${n}\\.apply\\(shape\\)${key ? `\\.${key}` : ""}`);
          expectTypedError(() => ln.apply(Float64Array.of(2, 4), s as never), S4Error, named("layerNorm"));
          expectTypedError(() => mp.apply(Float64Array.of(2, 4), s as never), S4Error, named("meanPool"));
          // one channel: normalised to 0, then + beta = 1; mean of 2 and 4 = 3
          expect(Array.from(ln.apply(Float64Array.of(2, 4), { batch: 1, length: 2 }))).toEqual([1, 1]);
          expect(Array.from(mp.apply(Float64Array.of(2, 4), { batch: 1, length: 2 }))).toEqual([3]);
          ln.dispose();
          mp.dispose();
          expectTypedError(() => k.meanPool({ channels: bad as number }), S4ShapeError, /meanPool\(options\.channels\)/);
          expectTypedError(
            () => k.layerNorm({ channels: bad as number, weight: one, bias: one }),
            S4ShapeError,
            /layerNorm\(options\.channels\)/,
          );
        }
      }),
      { numRuns: 25, seed: 34 },
    );
  });
});

describe("property: gelu, erf, glu (elementwise)", () => {
  it("wasm agrees with the twin; bad inputs throw by name; a NaN stays in its own position", () => {
    fc.assert(
      fc.property(shapes, ({ B, H, L, layout, seed }) => {
        const r = rng(seed);
        const n = B * H * L;
        const x = reals(n, r, -5, 5);
        for (const fn of ["gelu", "erf"] as const) {
          const make = (k: Kernels) => {
            const p = k[fn]();
            return {
              apply: (v: FloatArray, _s: unknown, out?: FloatArray) => p.apply(v, out),
              dispose: () => p.dispose(),
              backend: p.backend,
            };
          };
          // any length is valid for an elementwise op: "length + 1" is not a bad input here
          const pw = make(wasm);
          const pj = make(js);
          expect(relErrorReal(pw.apply(Float32Array.from(x), null), pj.apply(x, null))).toBeLessThanOrEqual(TOL);
          for (const k of [wasm, js] as Kernels[]) {
            const p = k[fn]();
            const y0 = p.apply(x);
            for (const bad of badReal(x, false)) {
              if (bad.why === "length + 1") continue;
              expectTypedError(() => p.apply(bad.value as FloatArray), bad.error, new RegExp(`${fn}\\.apply\\(x\\)`), bad.why);
            }
            expectTypedError(() => p.apply(new Float64Array(0)), S4ShapeError, new RegExp(`${fn}\\.apply\\(x\\.length\\)`));
            expectTypedError(() => p.apply(x, new Float64Array(n + 1)), S4Error, new RegExp(`${fn}\\.apply\\(out\\)`));
            const withNaN = Float64Array.from(x);
            const at = n >> 1;
            withNaN[at] = Number.NaN;
            const yn = p.apply(withNaN);
            expect(Number.isNaN(yn[at])).toBe(true);
            expect(Array.from(yn).filter((_, i) => i !== at)).toEqual(Array.from(y0).filter((_, i) => i !== at));
            expect(Array.from(p.apply(x))).toEqual(Array.from(y0));
            p.dispose();
            expectTypedError(() => p.apply(x), S4StateError, new RegExp(`${fn}\\.apply`));
          }
        }
        // glu: z (B, 2H, L) -> (B, H, L)
        const z = reals(2 * n, r, -4, 4);
        checkShaped((k) => k.glu({ channels: H, layout }), "glu", z, { batch: B, length: L }, n, false);
        for (const k of [wasm, js] as Kernels[]) {
          const p = k.glu({ channels: H, layout });
          const y0 = p.apply(z, { batch: B, length: L });
          const zn = Float64Array.from(z);
          zn[0] = Number.NaN; // value half of position 0 (both layouts)
          const yn = p.apply(zn, { batch: B, length: L });
          expect(Number.isNaN(yn[0])).toBe(true);
          expect(Array.from(yn.subarray(1))).toEqual(Array.from(y0.subarray(1)));
          expect(Array.from(p.apply(z, { batch: B, length: L }))).toEqual(Array.from(y0));
          p.dispose();
        }
      }),
      { numRuns: 25, seed: 35 },
    );
  });

  it("rejects bad glu options by name", () => {
    fc.assert(
      fc.property(badSize, (bad) => {
        for (const k of [wasm, js] as Kernels[]) {
          expectTypedError(() => k.glu({ channels: bad as number }), S4ShapeError, /glu\(options\.channels\)/);
          expectTypedError(() => k.glu({ channels: 1, layout: "HBL" as never }), S4ValueError, /glu\(options\.layout\)/);
        }
      }),
      { numRuns: 10, seed: 36 },
    );
  });
});
