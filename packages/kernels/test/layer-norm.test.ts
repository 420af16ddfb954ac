import { relErrorReal } from "@s4wasm/golden";
import { describe, expect, it } from "vitest";
import { S4ShapeError, S4ValueError } from "../src/index.js";
import { BACKENDS, kernelsFor, randomArray, rng } from "./helpers.js";

/** float64 LayerNorm at every (b, l) over h, straight from the nn.LayerNorm definition. */
function reference(
  x: Float64Array,
  g: Float64Array,
  be: Float64Array,
  B: number,
  H: number,
  L: number,
  layout: "BHL" | "BLH",
  eps: number,
) {
  const y = new Float64Array(x.length);
  const idx = (b: number, h: number, l: number) => (layout === "BHL" ? (b * H + h) * L + l : (b * L + l) * H + h);
  for (let b = 0; b < B; b++)
    for (let l = 0; l < L; l++) {
      const v = Array.from({ length: H }, (_, h) => x[idx(b, h, l)]);
      const mean = v.reduce((s, t) => s + t, 0) / H;
      const variance = v.reduce((s, t) => s + (t - mean) ** 2, 0) / H; // biased
      for (let h = 0; h < H; h++) y[idx(b, h, l)] = ((v[h] - mean) / Math.sqrt(variance + eps)) * g[h] + be[h];
    }
  return y;
}

describe.each(BACKENDS)("layerNorm (%s)", (backend) => {
  it("matches nn.LayerNorm (biased variance, eps 1e-5) on random shapes, both layouts", async () => {
    const k = await kernelsFor(backend);
    const rand = rng(41);
    for (const [B, H, L] of [
      [1, 1, 3],
      [2, 3, 5],
      [1, 32, 4096],
      [3, 7, 13],
      [2, 64, 8],
    ]) {
      for (const layout of ["BHL", "BLH"] as const) {
        // An offset mean and a spread scale: the two-pass variance must not cancel.
        const x = randomArray(B * H * L, rand).map((v) => 100 + 3 * v);
        const g = randomArray(H, rand);
        const be = randomArray(H, rand);
        const plan = k.layerNorm({ channels: H, layout, weight: g, bias: be });
        const y = plan.apply(x, { batch: B, length: L });
        const ref = reference(x, g, be, B, H, L, layout, 1e-5);
        // H = 1: every value is its own mean, y = beta exactly; relErrorReal still applies.
        expect(relErrorReal(y, ref), `${layout} ${B}x${H}x${L}`).toBeLessThanOrEqual(backend === "js" ? 1e-12 : 2e-4);
        plan.dispose();
      }
    }
  });

  it("stays exact for values whose squares overflow float32 (up to 3.4e38), leaving ordinary positions as they were", async () => {
    const k = await kernelsFor(backend);
    const rand = rng(43);
    for (const [B, H, L] of [
      [2, 5, 7],
      [1, 16, 9],
      [1, 3, 1],
    ]) {
      for (const layout of ["BHL", "BLH"] as const) {
        const idx = (b: number, h: number, l: number) => (layout === "BHL" ? (b * H + h) * L + l : (b * L + l) * H + h);
        const plain = randomArray(B * H * L, rand).map((v) => 1 + 2 * v);
        const g = randomArray(H, rand);
        const be = randomArray(H, rand);
        const plan = k.layerNorm({ channels: H, layout, weight: g, bias: be });
        const y0 = plan.apply(plain, { batch: B, length: L });
        // position (0, l = 0): deviations of 1e20 .. 3e38 (their squares overflow float32); both signs at
        // the extremes (3e38 - (-3e38) overflows too); (B-1, L-1): values of 1e37 (their sum overflows)
        const x = plain.slice();
        for (let h = 0; h < H; h++) x[idx(0, h, 0)] = [3e38, -3e38, 1e20, -2.5e37, 7][h % 5] * (1 - h / (4 * H));
        for (let h = 0; h < H; h++) x[idx(B - 1, h, L - 1)] = 1e37 * (1 + (h % 3));
        const y = plan.apply(x, { batch: B, length: L });
        const ref = reference(x, g, be, B, H, L, layout, 1e-5);
        expect(y.every(Number.isFinite), `${layout} ${B}x${H}x${L} finite`).toBe(true);
        expect(relErrorReal(y, ref), `${layout} ${B}x${H}x${L}`).toBeLessThanOrEqual(backend === "js" ? 1e-12 : 2e-4);
        // every other position gives the same numbers as without the extreme ones
        for (let b = 0; b < B; b++)
          for (let l = 0; l < L; l++) {
            if ((b === 0 && l === 0) || (b === B - 1 && l === L - 1)) continue;
            for (let h = 0; h < H; h++) expect(y[idx(b, h, l)]).toBe(y0[idx(b, h, l)]);
          }
        plan.dispose();
      }
    }
  });

  it("keeps its precision for spreads whose squares are subnormal or vanish (eps tiny)", async () => {
    const k = await kernelsFor(backend);
    const rand = rng(44);
    const [B, H, L] = [2, 6, 5];
    for (const layout of ["BHL", "BLH"] as const) {
      for (const eps of [1e-40, 1e-35]) {
        const idx = (b: number, h: number, l: number) => (layout === "BHL" ? (b * H + h) * L + l : (b * L + l) * H + h);
        const g = randomArray(H, rand);
        const be = randomArray(H, rand);
        const plain = Float64Array.from(Float32Array.from(randomArray(B * H * L, rand), (v) => 1 + v));
        const plan = k.layerNorm({ channels: H, layout, weight: g, bias: be, eps });
        const y0 = plan.apply(plain, { batch: B, length: L });
        // positions (0, l) for l < 4: spreads of 1e-20 .. 1e-35 around 0; (1, 0): 1e-15 around a mean of 1e-13
        const x = plain.slice();
        const spread = [1e-20, 1e-23, 1e-30, 1e-35];
        for (let l = 0; l < 4; l++) for (let h = 0; h < H; h++) x[idx(0, h, l)] = spread[l] * (2 * rand() - 1);
        for (let h = 0; h < H; h++) x[idx(1, h, 0)] = 1e-13 + 1e-15 * (2 * rand() - 1);
        // rounded to float32 first, so both backends (and the reference) normalise the same numbers:
        // around 1e-13 the rounding is ~1e-20, a part of these deviations
        x.set(Float32Array.from(x));
        const y = plan.apply(x, { batch: B, length: L });
        const ref = reference(x, g, be, B, H, L, layout, eps);
        expect(
          y.findIndex((v) => !Number.isFinite(v)),
          `${layout} eps ${eps} ${backend} ${Array.from(y).find((v) => !Number.isFinite(v))}`,
        ).toBe(-1);
        expect(relErrorReal(y, ref), `${layout} eps ${eps}`).toBeLessThanOrEqual(backend === "js" ? 1e-9 : 2e-4);
        for (let b = 0; b < B; b++)
          for (let l = 0; l < L; l++) {
            if ((b === 0 && l < 4) || (b === 1 && l === 0)) continue;
            for (let h = 0; h < H; h++) expect(y[idx(b, h, l)]).toBe(y0[idx(b, h, l)]);
          }
        plan.dispose();
      }
    }
  });

  it("uses eps inside the square root (constant input -> beta), custom eps, errors", async () => {
    const k = await kernelsFor(backend);
    const H = 4;
    const g = Float64Array.of(1, 2, 3, 4);
    const be = Float64Array.of(0.5, -0.5, 1, 0);
    const plan = k.layerNorm({ channels: H, weight: g, bias: be });
    const y = plan.apply(new Float64Array(H * 5).fill(7), { batch: 1, length: 5 });
    for (let h = 0; h < H; h++) for (let l = 0; l < 5; l++) expect(y[h * 5 + l]).toBeCloseTo(be[h], 6);
    // x = (-1, 1, -1, 1): var = 1; with eps = 3 the scale is 1/2.
    const p2 = k.layerNorm({
      channels: H,
      layout: "BLH",
      weight: new Float64Array(H).fill(1),
      bias: new Float64Array(H),
      eps: 3,
    });
    expect(Array.from(p2.apply(Float64Array.of(-1, 1, -1, 1), { batch: 1, length: 1 })).map((v) => +v.toFixed(6))).toEqual([
      -0.5, 0.5, -0.5, 0.5,
    ]);
    expect(() => k.layerNorm({ channels: 4, weight: new Float64Array(3), bias: be })).toThrow(
      /layerNorm\(options.weight\): expected length 4 \(channels\), got 3/,
    );
    expect(() => k.layerNorm({ channels: 4, weight: g, bias: be, eps: -1 })).toThrow(S4ValueError);
    // eps = 0 makes a constant position 0/0 = NaN
    expect(() => k.layerNorm({ channels: 4, weight: g, bias: be, eps: 0 })).toThrow(
      /layerNorm\(options\.eps\): expected a number > 0, got 0/,
    );
    expect(() => plan.apply(new Float64Array(7), { batch: 1, length: 2 })).toThrow(S4ShapeError);
  });
});
