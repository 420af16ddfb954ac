import { relErrorReal } from "@s4wasm/golden";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { S4ShapeError, S4StateError, S4ValueError } from "../src/index.js";
import { BACKENDS, kernelsFor, randomArray, rng, TOL } from "./helpers.js";

/** float64 reference straight from the definition y[b,o,l] = sum_h W[o,h] x[b,h,l] + bias[o]. */
function reference(
  x: Float64Array,
  W: Float64Array,
  bias: Float64Array | null,
  B: number,
  H: number,
  O: number,
  L: number,
  layout: "BHL" | "BLH",
) {
  const y = new Float64Array(B * O * L);
  const xi = (b: number, h: number, l: number) => (layout === "BHL" ? (b * H + h) * L + l : (b * L + l) * H + h);
  const yi = (b: number, o: number, l: number) => (layout === "BHL" ? (b * O + o) * L + l : (b * L + l) * O + o);
  for (let b = 0; b < B; b++)
    for (let o = 0; o < O; o++)
      for (let l = 0; l < L; l++) {
        let s = bias ? bias[o] : 0;
        for (let h = 0; h < H; h++) s += W[o * H + h] * x[xi(b, h, l)];
        y[yi(b, o, l)] = s;
      }
  return y;
}

/**
 * Random [B, H, outer, L, withBias, seed] around the Strassen blocking: H even in 256..340, the
 * outer size a multiple of `unit` up to unit * units (O, or G of a GLU), L in 1..400 (128-position
 * blocks with a tail of any width, or only a tail).
 */
function strassenShape(unit: number, units: number) {
  return [
    fc.integer({ min: 1, max: 2 }),
    fc.integer({ min: 128, max: 170 }).map((h) => 2 * h),
    fc.integer({ min: 1, max: units }).map((o) => unit * o),
    fc.integer({ min: 1, max: 400 }),
    fc.boolean(),
    fc.integer({ min: 1, max: 2 ** 30 }),
  ] as const;
}

describe.each(BACKENDS)("linear (%s)", (backend) => {
  it("matches the float64 definition on random shapes, both layouts, with and without bias", async () => {
    const k = await kernelsFor(backend);
    const rand = rng(7);
    // Shapes hit every edge of the tiling: rows % 4, columns % 8 and % 4, scalar columns, and
    // more than one 128-column / 128-row block.
    const shapes = [
      [1, 1, 1, 1],
      [2, 3, 5, 7],
      [1, 16, 32, 33],
      [3, 5, 10, 131],
      [1, 9, 6, 260],
      [2, 32, 64, 17],
      [1, 24, 130, 12],
      // one position (L = 1): the wasm path takes the matrix-vector product, per batch row
      [3, 256, 512, 1],
      [2, 7, 9, 1],
    ];
    for (const [B, H, O, L] of shapes) {
      for (const layout of ["BHL", "BLH"] as const) {
        for (const withBias of [true, false]) {
          const x = randomArray(B * H * L, rand);
          const W = randomArray(O * H, rand);
          const bias = withBias ? randomArray(O, rand) : null;
          const plan = k.linear({ inFeatures: H, outFeatures: O, layout, weight: W, bias });
          const y = plan.apply(x, { batch: B, length: L });
          const ref = reference(x, W, bias, B, H, O, L, layout);
          expect(relErrorReal(y, ref), `${layout} B=${B} H=${H} O=${O} L=${L} bias=${withBias}`).toBeLessThanOrEqual(
            backend === "js" ? 1e-13 : 1e-6,
          );
          plan.dispose();
        }
      }
    }
  });

  it("handles H = 256, O = 512 at L = 256 (the S4 block size; power-of-two strides)", async () => {
    const k = await kernelsFor(backend);
    const rand = rng(3);
    const [H, O, L] = [256, 512, 256];
    const x = randomArray(H * L, rand);
    const W = randomArray(O * H, rand);
    const bias = randomArray(O, rand);
    const plan = k.linear({ inFeatures: H, outFeatures: O, weight: W, bias });
    const y = plan.apply(x, { batch: 1, length: L });
    const ref = reference(x, W, bias, 1, H, O, L, "BHL");
    expect(relErrorReal(y, ref)).toBeLessThanOrEqual(backend === "js" ? 1e-13 : 1e-6);
    // Reuse with a new shape and new weights, into a caller's out array.
    const W2 = randomArray(O * H, rand);
    plan.setWeights(W2);
    const out = new (backend === "js" ? Float64Array : Float32Array)(2 * O * 20);
    const x2 = randomArray(2 * H * 20, rand);
    expect(plan.apply(x2, { batch: 2, length: 20 }, out)).toBe(out);
    expect(relErrorReal(out, reference(x2, W2, null, 2, H, O, 20, "BHL"))).toBeLessThanOrEqual(TOL[backend] / 10);
    plan.dispose();
    expect(() => plan.apply(x2, { batch: 2, length: 20 })).toThrow(S4StateError);
  });

  it("from H = 256 in layout BHL (the Strassen matmul on wasm) matches the definition on random shapes", async () => {
    // Shapes around the Strassen blocking: H even >= 256, O a multiple of 8 (rows o and o + O/2
    // are paired), 128-column blocks with a tail of any width, L < 128 (the plain matmul only).
    const k = await kernelsFor(backend);
    fc.assert(
      fc.property(...strassenShape(8, 6), (B, H, O, L, withBias, seed) => {
        const rand = rng(seed);
        const x = randomArray(B * H * L, rand);
        const W = randomArray(O * H, rand);
        const bias = withBias ? randomArray(O, rand) : null;
        const plan = k.linear({ inFeatures: H, outFeatures: O, weight: W, bias });
        const y = plan.apply(x, { batch: B, length: L });
        plan.dispose();
        const err = relErrorReal(y, reference(x, W, bias, B, H, O, L, "BHL"));
        expect(err, `B=${B} H=${H} O=${O} L=${L} bias=${withBias}`).toBeLessThanOrEqual(backend === "js" ? 1e-13 : 1e-6);
      }),
      { numRuns: 10, seed: 23 },
    );
  });

  it("rejects bad arguments with errors that name them", async () => {
    const k = await kernelsFor(backend);
    const W = new Float64Array(6);
    expect(() => k.linear({ inFeatures: 0, outFeatures: 2, weight: W })).toThrow(S4ShapeError);
    expect(() => k.linear({ inFeatures: 3, outFeatures: 2, weight: new Float64Array(5) })).toThrow(
      /linear.setWeights\(weight\): expected length 6 \(outFeatures\*inFeatures\), got 5/,
    );
    expect(() => k.linear({ inFeatures: 3, outFeatures: 2, weight: W, bias: new Float64Array(3) })).toThrow(S4ShapeError);
    expect(() => k.linear({ inFeatures: 3, outFeatures: 2, weight: Float64Array.of(1, 2, Number.NaN, 4, 5, 6) })).toThrow(
      S4ValueError,
    );
    expect(() => k.linear({ inFeatures: 3, outFeatures: 2, weight: W, layout: "LBH" as never })).toThrow(S4ValueError);
    const plan = k.linear({ inFeatures: 3, outFeatures: 2, weight: W });
    expect(() => plan.apply(new Float64Array(7), { batch: 1, length: 2 })).toThrow(/linear.apply\(x\): expected length 6/);
    expect(() => plan.apply(new Float64Array(6), { batch: 0, length: 2 })).toThrow(S4ShapeError);
    expect(() => plan.apply(new Float64Array(6), { batch: 1, length: 2 }, new Float64Array(3))).toThrow();
    if (backend === "js") expect(() => plan.applyPtr(0, 0, 1, 1)).toThrow(S4StateError);
    plan.dispose();
  });
});

describe("linear pointer entry (wasm)", () => {
  it("chains on buffers kept in wasm memory and equals apply()", async () => {
    const k = await kernelsFor("wasm");
    const rand = rng(5);
    const [B, H, O, L] = [2, 12, 24, 37];
    const W = randomArray(O * H, rand);
    const plan = k.linear({ inFeatures: H, outFeatures: O, weight: W, bias: randomArray(O, rand) });
    const ws = k.workspace();
    const xb = ws.f32(B * H * L);
    const yb = ws.f32(B * O * L);
    const x = randomArray(B * H * L, rand);
    xb.view.set(x);
    plan.applyPtr(xb.ptr, yb.ptr, B, L);
    expect(Array.from(yb.view)).toEqual(Array.from(plan.apply(x, { batch: B, length: L })));
    ws.dispose();
    plan.dispose();
  });
});

/** float64 GLU(W x + bias) from the definition: value rows first, gate rows G.. 2G. */
function gluReference(x: Float64Array, W: Float64Array, bias: Float64Array | null, B: number, H: number, G: number, L: number) {
  const z = reference(x, W, bias, B, H, 2 * G, L, "BHL");
  const ref = new Float64Array(B * G * L);
  for (let b = 0; b < B; b++)
    for (let g = 0; g < G; g++)
      for (let l = 0; l < L; l++) {
        const v = z[(b * 2 * G + g) * L + l];
        const gate = z[(b * 2 * G + G + g) * L + l];
        ref[(b * G + g) * L + l] = v / (1 + Math.exp(-gate));
      }
  return ref;
}

describe.each(BACKENDS)("linear + fused GLU (%s)", (backend) => {
  it("equals GLU(W x + bias) from the definition on random shapes (odd G, ragged L)", async () => {
    const k = await kernelsFor(backend);
    const rand = rng(17);
    for (const [B, H, G, L] of [
      [1, 1, 1, 1],
      [2, 5, 3, 13],
      [1, 16, 16, 64],
      [2, 7, 9, 131],
      [1, 32, 65, 20],
      [2, 24, 8, 300],
    ]) {
      const x = randomArray(B * H * L, rand);
      const W = randomArray(2 * G * H, rand);
      const bias = randomArray(2 * G, rand);
      for (const withBias of [true, false]) {
        const plan = k.linear({ inFeatures: H, outFeatures: 2 * G, weight: W, bias: withBias ? bias : null, glu: true });
        const y = plan.apply(x, { batch: B, length: L });
        const ref = gluReference(x, W, withBias ? bias : null, B, H, G, L);
        expect(relErrorReal(y, ref), `B=${B} H=${H} G=${G} L=${L} bias=${withBias}`).toBeLessThanOrEqual(
          backend === "js" ? 1e-13 : 2e-6,
        );
        plan.dispose();
      }
    }
  });

  it("from H = 256 (the Strassen blocks on wasm) equals the definition on random shapes", async () => {
    // H even >= 256 and 2G a multiple of 8 take the Strassen matmul for each full 128-position
    // block and the plain one for the tail; L < 128 is all tail.
    const k = await kernelsFor(backend);
    fc.assert(
      fc.property(...strassenShape(4, 5), (B, H, G, L, withBias, seed) => {
        const rand = rng(seed);
        const x = randomArray(B * H * L, rand);
        const W = randomArray(2 * G * H, rand);
        const bias = withBias ? randomArray(2 * G, rand) : null;
        const plan = k.linear({ inFeatures: H, outFeatures: 2 * G, weight: W, bias, glu: true });
        const y = plan.apply(x, { batch: B, length: L });
        plan.dispose();
        const err = relErrorReal(y, gluReference(x, W, bias, B, H, G, L));
        expect(err, `B=${B} H=${H} G=${G} L=${L} bias=${withBias}`).toBeLessThanOrEqual(backend === "js" ? 1e-13 : 2e-6);
      }),
      { numRuns: 10, seed: 29 },
    );
  });

  it("refuses glu with layout BLH or an odd outFeatures", async () => {
    const k = await kernelsFor(backend);
    expect(() => k.linear({ inFeatures: 2, outFeatures: 3, weight: new Float64Array(6), glu: true })).toThrow(S4ValueError);
    expect(() => k.linear({ inFeatures: 2, outFeatures: 4, weight: new Float64Array(8), glu: true, layout: "BLH" })).toThrow(
      /expected layout "BHL"/,
    );
  });
});
