// Property-based hardening of the layers' public API: createS4Block / createS4Model options,
// S4Block.forward, S4Model.forward, the block stepper (step, prefill), S4DKernel / DPLRKernel
// kernel(L). For random shapes and seeds: (1) wasm (float32) agrees with the float64 twin;
// (2) every bad input (L = 0, wrong length, wrong kind, NaN / Infinity, wrong-dtype `out`, use
// after dispose, bad options) throws a typed error naming the argument; (3) after the error the
// same object returns the same answer (a stepper's state is left as it was).
import { loadKernels, type S4Error, S4ShapeError, S4StateError, S4ValueError } from "@s4wasm/kernels";
import { expectTypedError, expectTypedRejection } from "@s4wasm/testkit/expect";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { createS4Block, createS4Model, type FloatArray, type Kernels, S4Block, S4Model } from "../src/index.js";
import { relErr, seeded } from "./helpers.js";

const wasm = await loadKernels({ backend: "wasm" });
const js = await loadKernels({ backend: "js" });
const TOL = 1e-4;

function badReal(good: FloatArray): { value: unknown; error: typeof S4Error; why: string }[] {
  const nan = Float64Array.from(good);
  nan[good.length >> 1] = Number.NaN;
  const inf = Float64Array.from(good);
  inf[0] = Number.NEGATIVE_INFINITY;
  return [
    { value: new Float64Array(good.length + 1), error: S4ShapeError, why: "length + 1" },
    { value: good.subarray(1), error: S4ShapeError, why: "length - 1" },
    { value: Array.from(good), error: S4ValueError, why: "plain Array" },
    { value: new Int32Array(good.length), error: S4ValueError, why: "Int32Array" },
    { value: nan, error: S4ValueError, why: "NaN" },
    { value: inf, error: S4ValueError, why: "Infinity" },
  ];
}

const blockCase = fc.record({
  H: fc.integer({ min: 1, max: 4 }),
  N: fc.constantFrom(2, 4, 8, 16),
  L: fc.integer({ min: 1, max: 48 }),
  B: fc.integer({ min: 1, max: 2 }),
  mode: fc.constantFrom("diag", "dplr") as fc.Arbitrary<"diag" | "dplr">,
  bidirectional: fc.boolean(),
  channels: fc.integer({ min: 1, max: 2 }),
  layout: fc.constantFrom("BHL", "BLH") as fc.Arbitrary<"BHL" | "BLH">,
  seed: fc.integer({ min: 0, max: 2 ** 31 - 1 }),
});

describe("property: S4Block.forward and the SSM kernels", () => {
  it("wasm agrees with the twin; bad inputs throw by name; the block keeps working", async () => {
    await fc.assert(
      fc.asyncProperty(blockCase, async ({ H, N, L, B, mode, bidirectional, channels, layout, seed }) => {
        const opts = { dModel: H, dState: N, mode, bidirectional, channels, layout, seed };
        const bw = await createS4Block({ ...opts, kernels: wasm });
        const bj = await createS4Block({ ...opts, kernels: js });
        const x = seeded(B * H * L, seed);
        const shape = { batch: B, length: L };
        expect(relErr(bw.forward(Float32Array.from(x), shape), bj.forward(x, shape))).toBeLessThanOrEqual(TOL);
        expect(relErr(bw.parts.kernel.kernel(L), bj.parts.kernel.kernel(L))).toBeLessThanOrEqual(TOL);
        for (const b of [bw, bj]) {
          const y0 = b.forward(x, shape);
          const K0 = b.parts.kernel.kernel(L);
          const kname = mode === "diag" ? "S4DKernel" : "DPLRKernel";
          for (const bad of badReal(x)) {
            expectTypedError(() => b.forward(bad.value as FloatArray, shape), bad.error, /S4Block\.forward\(x\)/, bad.why);
          }
          for (const [s, key] of [
            [{ batch: B, length: 0 }, "length"],
            [{ batch: 0, length: L }, "batch"],
            [{ batch: B, length: L + 0.5 }, "length"],
            [{ batch: B, length: -L }, "length"],
            [{ batch: Number.NaN, length: L }, "batch"],
          ] as const) {
            expectTypedError(() => b.forward(x, s), S4ShapeError, new RegExp(`S4Block\\.forward\\(shape\\.${key}\\)`));
          }
          const wrongOut = b.kernels.backend === "wasm" ? new Float64Array(B * H * L) : new Float32Array(B * H * L);
          expectTypedError(() => b.forward(x, shape, wrongOut), S4ValueError, /S4Block\.forward\(out\)/);
          for (const badL of [0, -1, 1.5, Number.NaN, 2 ** 30]) {
            expectTypedError(() => b.parts.kernel.kernel(badL), S4ShapeError, new RegExp(`${kname}\\.kernel\\(L\\)`));
          }
          const nK = K0.length;
          const wasmK = b.kernels.backend === "wasm";
          for (const [badOut, error] of [
            [wasmK ? new Float64Array(nK) : new Float32Array(nK), S4ValueError],
            [new Array(nK).fill(0), S4ValueError],
            [new Int32Array(nK), S4ValueError],
            [wasmK ? new Float32Array(nK + 1) : new Float64Array(nK + 1), S4ShapeError],
          ] as const) {
            expectTypedError(
              // S4DKernel and DPLRKernel both take an optional out
              () =>
                (b.parts.kernel as { kernel(L: number, out?: FloatArray): FloatArray }).kernel(
                  L,
                  badOut as unknown as FloatArray,
                ),
              error,
              new RegExp(`${kname}\\.kernel\\(out\\)`),
            );
          }
          expect(Array.from(b.forward(x, shape))).toEqual(Array.from(y0));
          expect(Array.from(b.parts.kernel.kernel(L))).toEqual(Array.from(K0));
          b.dispose();
          expectTypedError(() => b.forward(x, shape), S4StateError, /S4Block\.forward/);
          expectTypedError(() => b.parts.kernel.kernel(L), S4StateError, new RegExp(`${kname}\\.kernel`));
          expectTypedError(() => b.stepper(), S4StateError, /S4Block\.stepper/);
        }
      }),
      { numRuns: 14, seed: 41 },
    );
  });
});

describe("property: the block stepper (step, prefill)", () => {
  it("wasm agrees with the twin; bad frames are refused by name and leave the state as it was", async () => {
    await fc.assert(
      fc.asyncProperty(blockCase, async ({ H, N, L, B, mode, seed }) => {
        const opts = { dModel: H, dState: N, mode, seed };
        const bw = await createS4Block({ ...opts, kernels: wasm });
        const bj = await createS4Block({ ...opts, kernels: js });
        const u = seeded(B * H * L, seed ^ 0x51);
        const sw = bw.stepper({ batch: B });
        const sj = bj.stepper({ batch: B });
        expect(relErr(sw.prefill(Float32Array.from(u), L), sj.prefill(u, L))).toBeLessThanOrEqual(TOL);
        for (const [b, s] of [
          [bw, sw],
          [bj, sj],
        ] as const) {
          const frame = u.subarray(0, B * H);
          // reference: a second stepper of the same block, fed the same history
          const ref = b.stepper({ batch: B });
          ref.prefill(u, L);
          const y1 = ref.step(frame);
          const y2 = ref.prefill(u, L);
          ref.dispose();
          for (const bad of badReal(frame)) {
            expectTypedError(() => s.step(bad.value as FloatArray), bad.error, /stepper\.step\(frame\)/i, bad.why);
          }
          for (const bad of badReal(u)) {
            expectTypedError(() => s.prefill(bad.value as FloatArray, L), bad.error, /stepper\.prefill\(chunk\)/i, bad.why);
          }
          // a chunk of L frames announced as another length
          expectTypedError(() => s.prefill(u, L + 1), S4ShapeError, /stepper\.prefill\(chunk\)/i);
          for (const badL of [0, -1, 1.5, Number.NaN]) {
            expectTypedError(() => s.prefill(u, badL), S4ShapeError, /stepper\.prefill\(length\)/i);
          }
          const wrongOut = b.kernels.backend === "wasm" ? new Float64Array(B * H) : new Float32Array(B * H);
          expectTypedError(() => s.step(frame, wrongOut), S4ValueError, /Stepper\.step\(out\)/i);
          expect(Array.from(s.step(frame))).toEqual(Array.from(y1));
          expect(Array.from(s.prefill(u, L))).toEqual(Array.from(y2));
          s.dispose();
          expectTypedError(() => s.step(frame), S4StateError, /stepper\.step/i);
          expectTypedError(() => s.prefill(u, L), S4StateError, /stepper\.prefill/i);
          // a stepper outlives its block: step and prefill keep working after block.dispose()
          const s2 = b.stepper({ batch: B });
          const p2 = s2.prefill(u, L);
          const f2 = s2.step(frame);
          b.dispose();
          s2.reset();
          expect(Array.from(s2.prefill(u, L))).toEqual(Array.from(p2));
          expect(Array.from(s2.step(frame))).toEqual(Array.from(f2));
          s2.dispose();
        }
        for (const badB of [0, -2, 1.5, Number.NaN]) {
          const b = await createS4Block({ ...opts, kernels: wasm });
          expectTypedError(() => b.stepper({ batch: badB }), S4ShapeError, /S4Block\.stepper\(options\.batch\)/);
          b.dispose();
        }
      }),
      { numRuns: 12, seed: 42 },
    );
  });
});

describe("property: S4Model.forward", () => {
  it("wasm agrees with the twin; bad inputs throw by name; the model keeps working", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.record({
          dIn: fc.integer({ min: 1, max: 3 }),
          dOut: fc.integer({ min: 1, max: 3 }),
          H: fc.integer({ min: 1, max: 4 }),
          n: fc.integer({ min: 1, max: 2 }),
          L: fc.integer({ min: 1, max: 32 }),
          B: fc.integer({ min: 1, max: 2 }),
          prenorm: fc.boolean(),
          seed: fc.integer({ min: 0, max: 2 ** 31 - 1 }),
        }),
        async ({ dIn, dOut, H, n, L, B, prenorm, seed }) => {
          const opts = { dInput: dIn, dOutput: dOut, dModel: H, nLayers: n, prenorm, seed, layer: { dState: 8 } };
          const mw = await createS4Model({ ...opts, kernels: wasm });
          const mj = await createS4Model({ ...opts, kernels: js });
          const x = seeded(B * L * dIn, seed);
          const shape = { batch: B, length: L };
          expect(relErr(mw.forward(Float32Array.from(x), shape), mj.forward(x, shape))).toBeLessThanOrEqual(TOL);
          for (const m of [mw, mj]) {
            const y0 = m.forward(x, shape);
            for (const bad of badReal(x)) {
              expectTypedError(() => m.forward(bad.value as FloatArray, shape), bad.error, /S4Model\.forward\(x\)/, bad.why);
            }
            expectTypedError(() => m.forward(x, { batch: B, length: 0 }), S4ShapeError, /S4Model\.forward\(shape\.length\)/);
            expectTypedError(() => m.forward(x, { batch: -1, length: L }), S4ShapeError, /S4Model\.forward\(shape\.batch\)/);
            expect(Array.from(m.forward(x, shape))).toEqual(Array.from(y0));
            m.dispose();
            expectTypedError(() => m.forward(x, shape), S4StateError, /S4Model\.forward/);
          }
        },
      ),
      { numRuns: 10, seed: 43 },
    );
  });
});

describe("property: createS4Block / createS4Model options", () => {
  const badInt = fc.oneof(
    fc.integer({ min: -100, max: 0 }),
    fc.double({ min: 0.1, max: 50, noInteger: true }),
    fc.constant(Number.NaN),
    fc.constant("4"),
    fc.constant(2 ** 40),
  );

  it("rejects bad sizes and options by name", async () => {
    await fc.assert(
      fc.asyncProperty(badInt, fc.constantFrom("dModel", "dState"), async (bad, key) => {
        const o = { dModel: 2, dState: 4, kernels: js as Kernels, [key]: bad };
        await expectTypedRejection(createS4Block(o), S4ShapeError, new RegExp(`createS4Block\\(${key}\\)`));
      }),
      { numRuns: 15, seed: 44 },
    );
    await fc.assert(
      fc.asyncProperty(badInt, fc.constantFrom("dModel", "dInput", "dOutput", "nLayers"), async (bad, key) => {
        const o = { dInput: 1, dOutput: 1, dModel: 2, nLayers: 1, kernels: js as Kernels, [key]: bad };
        await expectTypedRejection(createS4Model(o), S4ShapeError, new RegExp(`createS4Model\\(${key}\\)`));
      }),
      { numRuns: 15, seed: 45 },
    );
    const k = js as Kernels;
    await expectTypedRejection(
      createS4Block({ dModel: 2, mode: "s5" as never, kernels: k }),
      S4ValueError,
      /createS4Block\(mode\)/,
    );
    await expectTypedRejection(createS4Block({ dModel: 2, init: "legs", kernels: k }), S4ValueError, /createS4Block\(init\)/);
    await expectTypedRejection(
      createS4Block({ dModel: 2, mode: "dplr", init: "diag-lin", kernels: k }),
      S4ValueError,
      /createS4Block\(init\)/,
    );
    // N/2 complex modes: an odd state size has no conjugate-pair form
    await expectTypedRejection(createS4Block({ dModel: 2, dState: 5, kernels: k }), S4ShapeError, /createS4Block\(dState\)/);
    for (const [dtMin, dtMax] of [
      [0, 0.1],
      [-0.01, 0.1],
      [Number.NaN, 0.1],
      [0.001, Number.POSITIVE_INFINITY],
      [0.1, 0.001],
    ]) {
      await expectTypedRejection(createS4Block({ dModel: 2, dtMin, dtMax, kernels: k }), S4ValueError, /dtMin, dtMax/);
    }
    await expectTypedRejection(
      createS4Block({ dModel: 2, layout: "LHB" as never, kernels: k }),
      S4ValueError,
      /S4Block\(layout\)/,
    );
    await expectTypedRejection(createS4Block({ dModel: 2, disc: "euler" as never, kernels: k }), S4ValueError, /disc/);
    // the instance is still fine
    const b = await createS4Block({ dModel: 2, dState: 4, kernels: k });
    expect(b.forward(new Float64Array(2 * 3), { batch: 1, length: 3 }).length).toBe(6);
    b.dispose();
  });
});

describe("refused constructors leave wasm memory as it was", () => {
  it("S4Block and S4Model free every part they made before the refused one", async () => {
    const k = await loadKernels({ backend: "wasm" });
    const H = 4;
    const parts = (await createS4Block({ dModel: H, dState: 8, seed: 5, kernels: k })).parts;
    const nanWeight = Float64Array.from(parts.weight, (v, i) => (i === 3 ? Number.NaN : v));
    const before = k.memoryStats().liveBytes;
    expectTypedError(() => new S4Block(k, { ...parts, weight: nanWeight }), S4ValueError, /weight/);
    expectTypedError(() => new S4Block(k, { ...parts, bias: parts.bias.subarray(1) }), S4ShapeError, /S4Block\(bias\)/);
    expect(k.memoryStats().liveBytes).toBe(before);
    const layer = (seed: number) => createS4Block({ dModel: H, dState: 8, seed, kernels: k }).then((b) => b.parts);
    const layers = [await layer(6), await layer(7)];
    const linear = (i: number, o: number) => ({ weight: new Float64Array(i * o).fill(0.1), bias: new Float64Array(o) });
    const norm = () => ({ weight: new Float64Array(H).fill(1), bias: new Float64Array(H) });
    const bad = norm();
    bad.weight[H - 1] = Number.POSITIVE_INFINITY;
    const start = k.memoryStats().liveBytes;
    expectTypedError(
      () =>
        new S4Model(k, {
          dInput: 2,
          dOutput: 3,
          dModel: H,
          prenorm: false,
          encoder: linear(2, H),
          layers,
          norms: [norm(), bad],
          decoder: linear(H, 3),
        }),
      S4ValueError,
      /layerNorm\(options\.weight\)/,
    );
    expect(k.memoryStats().liveBytes).toBe(start);
  });
});
