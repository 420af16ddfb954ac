import { complexOf, relErrorComplex } from "@s4wasm/golden";
import { readGolden } from "@s4wasm/golden/node";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { js, S4ShapeError, S4StateError, S4ValueError } from "../src/index.js";
import { BACKENDS, kernelsFor, randomArray, rng, TOL } from "./helpers.js";

const golden = readGolden("cauchy");

/** Direct float64 sums, written from the definition (independent of both implementations). */
function direct(v: Cx, z: Cx, w: Cx, H: number, N: number, M: number, conj: boolean, zStride: number): Cx {
  const out = { re: new Float64Array(H * M), im: new Float64Array(H * M) };
  const add = (h: number, m: number, vr: number, vi: number, wr: number, wi: number) => {
    const dr = z.re[h * zStride + m] - wr;
    const di = z.im[h * zStride + m] - wi;
    const d = dr * dr + di * di;
    out.re[h * M + m] += (vr * dr + vi * di) / d;
    out.im[h * M + m] += (vi * dr - vr * di) / d;
  };
  for (let h = 0; h < H; h++)
    for (let m = 0; m < M; m++)
      for (let n = 0; n < N; n++) {
        const i = h * N + n;
        add(h, m, v.re[i], v.im[i], w.re[i], w.im[i]);
        if (conj) add(h, m, v.re[i], -v.im[i], w.re[i], -w.im[i]);
      }
  return out;
}
type Cx = { re: Float64Array; im: Float64Array };

/**
 * Worst |got - ref| over the (channel, node) outputs at nodes i ys[m], each relative to the sum
 * of the magnitudes of its conjugate-pair terms |v| / |i y - w| + |v| / |i y - conj w| (set 0 of
 * v): the size of f32 rounding in the terms, however much the sum cancels.
 */
function worstPerNode(
  got: Cx | { re: ArrayLike<number>; im: ArrayLike<number> },
  ref: Cx,
  v: Cx,
  w: Cx,
  ys: number[],
  H: number,
  N: number,
): number {
  const M = ys.length;
  let worst = 0;
  for (let h = 0; h < H; h++)
    for (let m = 0; m < M; m++) {
      let scale = 0;
      for (let n = 0; n < N; n++) {
        const i = h * N + n;
        for (const s of [1, -1]) scale += Math.hypot(v.re[i], v.im[i]) / Math.hypot(w.re[i], ys[m] - s * w.im[i]);
      }
      const o = h * M + m;
      worst = Math.max(worst, Math.hypot(got.re[o] - ref.re[o], got.im[o] - ref.im[o]) / scale);
    }
  return worst;
}

function randomProblem(H: number, N: number, zn: number, rand: () => number) {
  const v = { re: randomArray(H * N, rand), im: randomArray(H * N, rand) };
  // poles in the left half plane, nodes on the imaginary axis like the bilinear nodes
  const w = { re: randomArray(H * N, rand).map((x) => -0.05 - Math.abs(x)), im: randomArray(H * N, rand).map((x) => 5 * x) };
  const z = { re: new Float64Array(zn), im: randomArray(zn, rand).map((x) => 8 * x) };
  return { v, w, z };
}

describe.each(BACKENDS)("cauchy (%s)", (backend) => {
  it.each(golden.cases.map((c) => [c.name, c] as const))("matches golden k and k_conj: %s", async (_n, c) => {
    const k = await kernelsFor(backend);
    const v = complexOf(c.inputs, "v");
    const z = complexOf(c.inputs, "z");
    const w = complexOf(c.inputs, "w");
    const [H, N] = v.shape;
    const shared = z.shape.length === 1;
    const M = z.shape[z.shape.length - 1];
    for (const conj of [false, true]) {
      const plan = k.cauchy({ channels: H, modes: N, nodes: M, conjugatePairs: conj, sharedNodes: shared });
      const got = plan.apply(v, z, w);
      const exp = complexOf(c.outputs, conj ? "k_conj" : "k");
      expect(relErrorComplex(got.re, got.im, exp.re, exp.im)).toBeLessThanOrEqual(TOL[backend]);
      plan.dispose();
    }
  });

  it.each([
    ["on the imaginary axis, y >= 0 (the S4 nodes), some next to poles", "nonneg"],
    ["on the imaginary axis, either sign", "imag"],
    ["off the imaginary axis", "off"],
  ] as const)("conjugate pairs, one numerator set, nodes %s: equals the direct sum (tails, > 512 poles)", async (_n, kind) => {
    const k = await kernelsFor(backend);
    const imaginary = kind !== "off";
    const rand = rng(kind === "nonneg" ? 30 : imaginary ? 31 : 32);
    for (const [H, N, M, shared] of [
      [2, 9, 7, true],
      [3, 5, 13, false],
      [1, 1100, 6, true],
    ] as const) {
      const zn = shared ? M : H * M;
      const { v, w, z } = randomProblem(H, N, zn, rand);
      if (!imaginary) for (let i = 0; i < zn; i++) z.re[i] = 0.3 * (2 * rand() - 1);
      if (kind === "nonneg") {
        // poles of both signs of Im w; every third node sits 1e-3 from a pole's |Im w|
        for (let i = 0; i < zn; i++) z.im[i] = i % 3 ? Math.abs(z.im[i]) : Math.abs(w.im[i % (H * N)]) + 1e-3;
      }
      const plan = k.cauchy({ channels: H, modes: N, nodes: M, conjugatePairs: true, sharedNodes: shared });
      const got = plan.apply(v, z, w);
      const ref = direct(v, z, w, H, N, M, true, shared ? 0 : M);
      expect(relErrorComplex(got.re, got.im, ref.re, ref.im), `H=${H} N=${N} M=${M}`).toBeLessThanOrEqual(
        backend === "js" ? 1e-12 : 2e-5,
      );
      plan.dispose();
    }
  });

  it("conjugate pairs at imaginary nodes in any order, near and far from poles, plain and Woodbury: each node within 1e-6 of the sum of |terms|", async () => {
    // The wasm kernel forms far pairs as |w|^2 - y^2 and near ones (y within a factor ~1.22 of
    // |w|) from hi + lo parts, switching per group of 4 nodes on poles sorted by |w|. Nodes here
    // sit on both sides of every window edge, at |w| itself and far away, in shuffled order (so
    // the near run moves both ways), with poles over 5 decades. The bound per node is relative
    // to sum_n |term_n|: f32's own rounding of the terms, whatever the sum's cancellation.
    const k = await kernelsFor(backend);
    const rand = rng(34);
    const H = 2;
    const N = 40;
    const w = { re: new Float64Array(H * N), im: new Float64Array(H * N) };
    const v = { re: randomArray(H * N, rand), im: randomArray(H * N, rand) };
    for (let i = 0; i < H * N; i++) {
      const mod = 10 ** (5 * rand() - 3);
      const re = -mod * 10 ** (-3 * rand());
      w.re[i] = re;
      w.im[i] = (rand() < 0.5 ? -1 : 1) * Math.sqrt(Math.max(mod * mod - re * re, 0));
    }
    const ys: number[] = [0];
    for (let i = 0; i < N; i += 3) {
      const mod = Math.hypot(w.re[i], w.im[i]);
      for (const f of [1, Math.sqrt(1.5), 1 / Math.sqrt(1.5), 1.2247, 1.2248, 0.8164, 0.8166, 1.001, 3, 0.2]) ys.push(mod * f);
    }
    for (let i = ys.length - 1; i > 0; i--) {
      const j = Math.floor(rand() * (i + 1));
      [ys[i], ys[j]] = [ys[j], ys[i]];
    }
    const M = ys.length;
    const z = { re: new Float64Array(M), im: Float64Array.from(ys) };
    const plan = k.cauchy({ channels: H, modes: N, nodes: M, conjugatePairs: true });
    const got = plan.apply(v, z, w);
    const ref = direct(v, z, w, H, N, M, true, 0);
    const worst = worstPerNode(got, ref, v, w, ys, H, N);
    // (2.1e-7 here; 1.7e-6 with the far form used everywhere, which this bound refuses)
    expect(worst).toBeLessThanOrEqual(backend === "js" ? 1e-13 : 1e-6);
    plan.dispose();
    // cauchyWoodbury windows its poles the same way (sorted by the plan, binary search per
    // group). Numerators of 1e-4 keep r1 r2 / (1 + r3) near 1e-8 of r0, so the same per-node
    // bound applies, with set 0's terms as the scale.
    const v4 = { re: randomArray(4 * H * N, rand).map((x) => 1e-4 * x), im: randomArray(4 * H * N, rand).map((x) => 1e-4 * x) };
    const f = { re: new Float64Array(M).fill(1), im: new Float64Array(M) };
    const wb = k.cauchyWoodbury({ channels: H, modes: N, nodes: M });
    const r = wb.apply(v4, z, w, f);
    const twin = { re: new Float64Array(H * M), im: new Float64Array(H * M) };
    js.cauchyWoodbury1(v4.re, v4.im, z.re, z.im, w.re, w.im, f.re, f.im, twin.re, twin.im, H, N, M);
    const worstWb = worstPerNode(r, twin, v4, w, ys, H, N);
    // (4.2e-7 here; 1.5e-6 with the far form everywhere)
    expect(worstWb).toBeLessThanOrEqual(backend === "js" ? 1e-13 : 1e-6);
    wb.dispose();
  });

  it("series for poles beyond a factor 3 of the nodes (Woodbury and plain): within 1.5e-7 of the terms at the series' edges", async () => {
    // The wasm kernel sums the poles with |w| < y/3 and |w| >= 3y of a group of 4 nodes by
    // series: 16 terms, whose truncation is at most ~(1/3)^16 = 2.3e-8 of the pair's two terms at
    // the ratio 1/3 itself when the terms line up (a pole near the imaginary axis, as S4's). Each
    // channel here has one such pole, so its terms are the whole scale of the per-node bound, and
    // each group is 4 equal nodes that put some channel's pole just inside an end of the window.
    // Sets 1-3 are 0, so the output is r0. (1.0e-7 here, mostly float32 rounding; with 14 terms
    // 2.6e-7, which this bound refuses.)
    const k = await kernelsFor(backend);
    const rand = rng(36);
    const H = 12;
    const w = { re: new Float64Array(H), im: new Float64Array(H) };
    const ys: number[] = [];
    for (let h = 0; h < H; h++) {
      const mod = 10 ** (4 * (h / (H - 1)) - 2);
      const phase = Math.PI / 2 + 0.01 * rand();
      w.re[h] = mod * Math.cos(phase);
      w.im[h] = mod * Math.sin(phase);
      for (const y of [3.0001 * mod, mod / 3.0001]) ys.push(y, y, y, y);
    }
    const M = ys.length;
    const z = { re: new Float64Array(M), im: Float64Array.from(ys) };
    const v4 = { re: new Float64Array(4 * H), im: new Float64Array(4 * H) };
    v4.re.set(randomArray(H, rand));
    v4.im.set(randomArray(H, rand));
    const f = { re: new Float64Array(M).fill(1), im: new Float64Array(M) };
    const wb = k.cauchyWoodbury({ channels: H, modes: 1, nodes: M });
    const twin = { re: new Float64Array(H * M), im: new Float64Array(H * M) };
    js.cauchyWoodbury1(v4.re, v4.im, z.re, z.im, w.re, w.im, f.re, f.im, twin.re, twin.im, H, 1, M);
    const got = wb.apply(v4, z, w, f);
    // each channel at its own 8 nodes (elsewhere its pole may be within the factor 3: direct)
    let worst = 0;
    for (let h = 0; h < H; h++) {
      const own = (a: ArrayLike<number>) => Array.from(a).slice(h * M + 8 * h, h * M + 8 * h + 8);
      const one = (a: ArrayLike<number>) => Float64Array.of(a[h]);
      const err = worstPerNode(
        { re: own(got.re), im: own(got.im) },
        { re: Float64Array.from(own(twin.re)), im: Float64Array.from(own(twin.im)) },
        { re: one(v4.re), im: one(v4.im) },
        { re: one(w.re), im: one(w.im) },
        ys.slice(8 * h, 8 * h + 8),
        1,
        1,
      );
      worst = Math.max(worst, err);
    }
    expect(worst).toBeLessThanOrEqual(backend === "js" ? 1e-13 : 1.5e-7);
    wb.dispose();
    // the plain sum (one numerator set) takes the same series
    const v = { re: v4.re.slice(0, H), im: v4.im.slice(0, H) };
    const plain = k.cauchy({ channels: H, modes: 1, nodes: M, conjugatePairs: true });
    const got1 = plain.apply(v, z, w);
    const ref1 = direct(v, z, w, H, 1, M, true, 0);
    let worst1 = 0;
    for (let h = 0; h < H; h++) {
      const own = (a: ArrayLike<number>) => Float64Array.from(Array.from(a).slice(h * M + 8 * h, h * M + 8 * h + 8));
      const one = (a: ArrayLike<number>) => Float64Array.of(a[h]);
      const at = { re: one(w.re), im: one(w.im) };
      const err = worstPerNode(
        { re: own(got1.re), im: own(got1.im) },
        { re: own(ref1.re), im: own(ref1.im) },
        { re: one(v.re), im: one(v.im) },
        at,
        ys.slice(8 * h, 8 * h + 8),
        1,
        1,
      );
      worst1 = Math.max(worst1, err);
    }
    expect(worst1).toBeLessThanOrEqual(backend === "js" ? 1e-13 : 1.5e-7);
    plain.dispose();
  });

  it("series with poles at or next to 0 and numerators of 1e30: finite, within 1e-6 of the sum of |terms| (plain and Woodbury)", async () => {
    // A pole far inside every node takes the inner series, scaled by its |w| (at least 1e-20):
    // tables that divided by that scale overflowed float32 here (Infinity and NaN at every node)
    // where each term fits.
    const k = await kernelsFor(backend);
    const w = { re: Float64Array.of(0, -1e-25, -0.5, -1e-3), im: Float64Array.of(0, 1e-25, 3, 1e3) };
    const N = 4;
    const v = { re: Float64Array.of(1e30, -1e30, 1, 2), im: Float64Array.of(0.5, 3e29, 0.2, -1) };
    const ys = Array.from({ length: 16 }, (_, m) => 10 ** (m / 2 - 3));
    const M = ys.length;
    const z = { re: new Float64Array(M), im: Float64Array.from(ys) };
    const plain = k.cauchy({ channels: 1, modes: N, nodes: M, conjugatePairs: true });
    const worst = worstPerNode(plain.apply(v, z, w), direct(v, z, w, 1, N, M, true, 0), v, w, ys, 1, N);
    plain.dispose();
    expect(worst).toBeLessThanOrEqual(backend === "js" ? 1e-13 : 1e-6);
    const v4 = { re: new Float64Array(4 * N), im: new Float64Array(4 * N) };
    v4.re.set(v.re);
    v4.im.set(v.im);
    const f = { re: new Float64Array(M).fill(1), im: new Float64Array(M) };
    const wb = k.cauchyWoodbury({ channels: 1, modes: N, nodes: M });
    const twin = { re: new Float64Array(M), im: new Float64Array(M) };
    js.cauchyWoodbury1(v4.re, v4.im, z.re, z.im, w.re, w.im, f.re, f.im, twin.re, twin.im, 1, N, M);
    const worstWb = worstPerNode(wb.apply(v4, z, w, f), twin, v4, w, ys, 1, N);
    wb.dispose();
    expect(worstWb).toBeLessThanOrEqual(backend === "js" ? 1e-13 : 1e-6);
  });

  it("a result beyond float32 is refused by plane and index on wasm (the JS twin sums it), and the plan is unchanged after", async () => {
    // A pole at |w| = 1e20 is finite in float32, but its |w|^2 is not: every node of its channel
    // came out NaN, silently, where the true sums are near 1. Numerators of 1e38 give sums past
    // float32's range (up to ~5e38) at finite inputs.
    const k = await kernelsFor(backend);
    const N = 4;
    const M = 3;
    const z = { re: new Float64Array(M), im: Float64Array.of(0, 1, 2) };
    const w = { re: new Float64Array(N).fill(-0.5), im: Float64Array.of(1e20, 1, 2, 3) };
    const farPole = { v: { re: new Float64Array(N).fill(1), im: new Float64Array(N) }, w };
    const hugeSums = {
      v: { re: new Float64Array(N).fill(1e38), im: new Float64Array(N) },
      w: { re: w.re, im: Float64Array.of(0.5, 1, 2, 3) },
    };
    const good = { v: { re: Float64Array.of(1, -2, 0.5, 3), im: Float64Array.of(0.25, 1, -1, 0) }, w: hugeSums.w };
    const f = { re: new Float64Array(M).fill(1), im: new Float64Array(M) };
    const four = (v: Cx): Cx => {
      const o = { re: new Float64Array(4 * N), im: new Float64Array(4 * N) };
      o.re.set(v.re);
      o.im.set(v.im);
      return o;
    };
    const plain = k.cauchy({ channels: 1, modes: N, nodes: M, conjugatePairs: true });
    const wb = k.cauchyWoodbury({ channels: 1, modes: N, nodes: M });
    const before = { plain: plain.apply(good.v, z, good.w), wb: wb.apply(four(good.v), z, good.w, f) };
    for (const bad of [farPole, hugeSums]) {
      const ref = direct(bad.v, z, bad.w, 1, N, M, true, 0);
      if (backend === "wasm") {
        const err =
          /: expected finite values, got -?(NaN|Infinity) at index \d of the result: float32 arithmetic overflowed.*square \|w\| and \|z\|/;
        expect(() => plain.apply(bad.v, z, bad.w)).toThrow(S4ValueError);
        expect(() => plain.apply(bad.v, z, bad.w)).toThrow(
          new RegExp(`^cauchy\\.apply \\((real|imaginary) part\\)${err.source}`),
        );
        expect(() => wb.apply(four(bad.v), z, bad.w, f)).toThrow(
          new RegExp(`^cauchyWoodbury\\.apply \\((real|imaginary) part\\)${err.source}`),
        );
      } else {
        // float64: the direct sums, far pole included (its |w|^2 = 1e40 fits)
        const got = plain.apply(bad.v, z, bad.w);
        for (let m = 0; m < M; m++) {
          expect(Math.abs(got.re[m] - ref.re[m])).toBeLessThanOrEqual(1e-12 * (Math.abs(ref.re[m]) + 1));
          expect(Math.abs(got.im[m] - ref.im[m])).toBeLessThanOrEqual(1e-12 * (Math.abs(ref.re[m]) + Math.abs(ref.im[m]) + 1));
        }
      }
    }
    // a refusal changes nothing: the next calls give the same bits as before it
    expect(Array.from(plain.apply(good.v, z, good.w).re)).toEqual(Array.from(before.plain.re));
    expect(Array.from(wb.apply(four(good.v), z, good.w, f).im)).toEqual(Array.from(before.wb.im));
    plain.dispose();
    wb.dispose();
  });

  it("property: at random imaginary nodes y >= 0 and poles over decades, plain and Woodbury stay within 1e-6 sqrt(N/64) of the sum of |terms| per node", async () => {
    const k = await kernelsFor(backend);
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 3 }),
        fc.oneof(fc.integer({ min: 1, max: 40 }), fc.integer({ min: 500, max: 1100 })),
        fc.integer({ min: 1, max: 45 }),
        fc.integer(),
        (H, N, M, seed) => {
          const rand = rng(seed);
          const w = { re: new Float64Array(H * N), im: new Float64Array(H * N) };
          for (let i = 0; i < H * N; i++) {
            const mod = 10 ** (4 * rand() - 2);
            w.re[i] = -mod * 10 ** (-3 * rand());
            w.im[i] = (rand() < 0.5 ? -1 : 1) * Math.sqrt(Math.max(mod * mod - w.re[i] * w.re[i], 0));
          }
          // nodes: some at a pole's |w| (times a factor around the window's edge), the rest spread
          const ys = Array.from({ length: M }, (_, m) => {
            if (m % 3 === 0) {
              const i = Math.floor(rand() * H * N);
              return Math.hypot(w.re[i], w.im[i]) * (0.7 + 0.6 * rand());
            }
            return 10 ** (5 * rand() - 3);
          });
          const z = { re: new Float64Array(M), im: Float64Array.from(ys) };
          const v = { re: randomArray(H * N, rand), im: randomArray(H * N, rand) };
          // float32 sums of N terms: the bound grows as sqrt(N) past 64 poles
          const tol = backend === "js" ? 1e-13 : 1e-6 * Math.max(1, Math.sqrt(N / 64));
          const plan = k.cauchy({ channels: H, modes: N, nodes: M, conjugatePairs: true });
          const worst = worstPerNode(plan.apply(v, z, w), direct(v, z, w, H, N, M, true, 0), v, w, ys, H, N);
          plan.dispose();
          expect(worst, `H=${H} N=${N} M=${M}`).toBeLessThanOrEqual(tol);
          // Woodbury numerators of 1e-9 keep |r3| << 1 even a node's width from a pole, so the output
          // is r0 to float32 precision and set 0's terms are its scale (with 1e-4, 1 + r3 came near
          // 0 at N = 1018 and amplified the error 10x, with every pole in the hi + lo form as well)
          const v4 = {
            re: randomArray(4 * H * N, rand).map((x) => 1e-9 * x),
            im: randomArray(4 * H * N, rand).map((x) => 1e-9 * x),
          };
          const f = { re: new Float64Array(M).fill(1), im: new Float64Array(M) };
          const wb = k.cauchyWoodbury({ channels: H, modes: N, nodes: M });
          const twin = { re: new Float64Array(H * M), im: new Float64Array(H * M) };
          js.cauchyWoodbury1(v4.re, v4.im, z.re, z.im, w.re, w.im, f.re, f.im, twin.re, twin.im, H, N, M);
          const worstWb = worstPerNode(wb.apply(v4, z, w, f), twin, v4, w, ys, H, N);
          wb.dispose();
          expect(worstWb, `Woodbury H=${H} N=${N} M=${M}`).toBeLessThanOrEqual(tol);
        },
      ),
      { numRuns: 20, seed: 35 },
    );
  });

  it("property: poles and nodes over 8 decades, now and then at 0, numerators from 1e-15 to 1e15: within 2e-6 of the sum of |terms| per node", async () => {
    // the domain the kernels README states for the float32 kernels (series, far and near forms)
    const k = await kernelsFor(backend);
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 2 }),
        fc.integer({ min: 1, max: 40 }),
        fc.integer({ min: 1, max: 30 }),
        fc.integer(),
        (H, N, M, seed) => {
          const rand = rng(seed);
          const decades = 2 + 6 * rand();
          // some poles at 0 or some nodes at 0, not both (a node on a pole has no sum)
          const zeroPoles = rand() < 0.5;
          const w = { re: new Float64Array(H * N), im: new Float64Array(H * N) };
          for (let i = 0; i < H * N; i++) {
            const mod = zeroPoles && rand() < 0.05 ? 0 : 10 ** (decades * (rand() - 0.5));
            const phase = Math.PI / 2 + (Math.PI / 2) * rand();
            w.re[i] = mod * Math.cos(phase);
            w.im[i] = (rand() < 0.5 ? -1 : 1) * mod * Math.sin(phase);
          }
          const scale = 10 ** (30 * (rand() - 0.5));
          const v = { re: randomArray(H * N, rand).map((x) => scale * x), im: randomArray(H * N, rand).map((x) => scale * x) };
          const ys = Array.from({ length: M }, () => (!zeroPoles && rand() < 0.05 ? 0 : 10 ** (decades * (rand() - 0.5))));
          const z = { re: new Float64Array(M), im: Float64Array.from(ys) };
          const plan = k.cauchy({ channels: H, modes: N, nodes: M, conjugatePairs: true });
          const worst = worstPerNode(plan.apply(v, z, w), direct(v, z, w, H, N, M, true, 0), v, w, ys, H, N);
          plan.dispose();
          expect(worst, `H=${H} N=${N} M=${M} decades=${decades.toFixed(1)} scale=${scale.toExponential(1)}`).toBeLessThanOrEqual(
            backend === "js" ? 1e-13 : 2e-6,
          );
        },
      ),
      { numRuns: 200, seed: 37 },
    );
  });

  it("equals the direct sum for random shapes (SIMD blocks and ragged tails, several numerator sets)", async () => {
    const k = await kernelsFor(backend);
    const rand = rng(3);
    for (let t = 0; t < 8; t++) {
      const H = 1 + Math.floor(rand() * 3);
      const N = 1 + Math.floor(rand() * 9);
      const M = 1 + Math.floor(rand() * 21);
      const S = 1 + Math.floor(rand() * 3);
      const shared = t % 2 === 0;
      const zn = shared ? M : H * M;
      const { w, z } = randomProblem(H, N, zn, rand);
      const v = { re: randomArray(S * H * N, rand), im: randomArray(S * H * N, rand) };
      for (const conj of [false, true]) {
        const plan = k.cauchy({ channels: H, modes: N, nodes: M, conjugatePairs: conj, sharedNodes: shared, numerators: S });
        const got = plan.apply(v, z, w);
        for (let s = 0; s < S; s++) {
          const vs = { re: v.re.slice(s * H * N, (s + 1) * H * N), im: v.im.slice(s * H * N, (s + 1) * H * N) };
          const ref = direct(vs, z, w, H, N, M, conj, shared ? 0 : M);
          const g = { re: got.re.slice(s * H * M, (s + 1) * H * M), im: got.im.slice(s * H * M, (s + 1) * H * M) };
          expect(relErrorComplex(g.re, g.im, ref.re, ref.im)).toBeLessThanOrEqual(backend === "js" ? 1e-12 : 2e-5);
        }
        plan.dispose();
      }
    }
  });

  it("cauchyWoodbury equals r0 - r1 r2/(1 + r3) times f from four conjugate-pair sums", async () => {
    const k = await kernelsFor(backend);
    const rand = rng(5);
    for (const [H, N, M] of [
      [1, 1, 1],
      [2, 5, 7],
      [3, 8, 13],
      [1, 1100, 5], // more poles than the wasm kernel's scratch holds (512): chunked
    ]) {
      const { w, z } = randomProblem(H, N, M, rand);
      const v = { re: randomArray(4 * H * N, rand), im: randomArray(4 * H * N, rand) };
      const f = { re: randomArray(M, rand), im: randomArray(M, rand) };
      const plan = k.cauchyWoodbury({ channels: H, modes: N, nodes: M });
      const got = plan.apply(v, z, w, f);
      const r = [0, 1, 2, 3].map((s) =>
        direct(
          { re: v.re.slice(s * H * N, (s + 1) * H * N), im: v.im.slice(s * H * N, (s + 1) * H * N) },
          z,
          w,
          H,
          N,
          M,
          true,
          0,
        ),
      );
      const ref = { re: new Float64Array(H * M), im: new Float64Array(H * M) };
      for (let i = 0; i < H * M; i++) {
        const m = i % M;
        const tr = r[1].re[i] * r[2].re[i] - r[1].im[i] * r[2].im[i];
        const ti = r[1].re[i] * r[2].im[i] + r[1].im[i] * r[2].re[i];
        const dr = 1 + r[3].re[i];
        const di = r[3].im[i];
        const dd = dr * dr + di * di;
        const kr = r[0].re[i] - (tr * dr + ti * di) / dd;
        const ki = r[0].im[i] - (ti * dr - tr * di) / dd;
        ref.re[i] = kr * f.re[m] - ki * f.im[m];
        ref.im[i] = kr * f.im[m] + ki * f.re[m];
      }
      expect(relErrorComplex(got.re, got.im, ref.re, ref.im)).toBeLessThanOrEqual(backend === "js" ? 1e-12 : 2e-5);
      plan.dispose();
    }
  });

  it("keeps f32 relative accuracy next to a pole (hi + lo differences), conj, plain and Woodbury", async () => {
    const k = await kernelsFor(backend);
    const rand = rng(17);
    const H = 2;
    const N = 16;
    const M = 64;
    // poles dt*Lambda with dt = 1e-3: Re w = -5e-4, |Im w| ~ 1; nodes i y placed within ~1e-4 of them
    const w = { re: new Float64Array(H * N).fill(-5e-4), im: randomArray(H * N, rand).map((x) => -(1 + 0.5 * x)) };
    const z = { re: new Float64Array(M), im: new Float64Array(M) };
    for (let m = 0; m < M; m++) z.im[m] = -w.im[m % N] + 1e-4 * (2 * rand() - 1);
    const v = { re: randomArray(4 * H * N, rand), im: randomArray(4 * H * N, rand) };
    const v1 = { re: v.re.slice(0, H * N), im: v.im.slice(0, H * N) };
    for (const conj of [false, true]) {
      const zz = conj ? z : { re: z.re, im: z.im.map((y) => -y) };
      const got = k.cauchy({ channels: H, modes: N, nodes: M, conjugatePairs: conj }).apply(v1, zz, w);
      const ref = direct(v1, zz, w, H, N, M, conj, 0);
      expect(relErrorComplex(got.re, got.im, ref.re, ref.im)).toBeLessThanOrEqual(backend === "js" ? 1e-12 : 3e-6);
    }
    const f = { re: new Float64Array(M).fill(1), im: new Float64Array(M) };
    const got = k.cauchyWoodbury({ channels: H, modes: N, nodes: M }).apply(v, z, w, f);
    const twin = { re: new Float64Array(H * M), im: new Float64Array(H * M) };
    js.cauchyWoodbury1(v.re, v.im, z.re, z.im, w.re, w.im, f.re, f.im, twin.re, twin.im, H, N, M);
    expect(relErrorComplex(got.re, got.im, twin.re, twin.im)).toBeLessThanOrEqual(backend === "js" ? 1e-12 : 1e-5);
  });

  it("validates options, shapes, out dtype and use after dispose", async () => {
    const k = await kernelsFor(backend);
    expect(() => k.cauchy({ channels: 0, modes: 2, nodes: 3 })).toThrow(S4ShapeError);
    expect(() => k.cauchy({ channels: 1, modes: 2.5, nodes: 3 })).toThrow(
      /cauchy\(options.modes\): expected an integer in \[1, \d+\], got 2.5/,
    );
    expect(() => k.cauchyWoodbury({ channels: 1, modes: 2, nodes: -1 })).toThrow(S4ShapeError);
    const wb = k.cauchyWoodbury({ channels: 1, modes: 1, nodes: 2 });
    const one = (n: number) => ({ re: new Float64Array(n).fill(1), im: new Float64Array(n) });
    expect(() => wb.apply(one(4), one(2), one(1), one(2))).toThrow(/expected purely imaginary nodes/);
    wb.dispose();
    const plan = k.cauchy({ channels: 2, modes: 3, nodes: 4, sharedNodes: false });
    const c = (n: number) => ({ re: new Float64Array(n), im: new Float64Array(n) });
    expect(() => plan.apply(c(6), c(4), c(6))).toThrow(/cauchy.apply\(z\).re: expected length 8 \(channels\*nodes\), got 4/);
    expect(() => plan.apply(c(5), c(8), c(6))).toThrow(S4ShapeError);
    expect(() => plan.apply({ re: [1] } as never, c(8), c(6))).toThrow(S4ValueError);
    const wrong = backend === "js" ? new Float32Array(8) : new Float64Array(8);
    expect(() => plan.apply(c(6), c(8), c(6), { re: wrong, im: wrong })).toThrow(S4ValueError);
    plan.dispose();
    expect(() => plan.apply(c(6), c(8), c(6))).toThrow(S4StateError);
  });
});

describe("cauchyWoodbury with huge resolvent terms (wasm vs the float64 twin)", () => {
  it("keeps r1 r2 / (1 + r3) when |1 + r3| passes 1.8e19 or |r|^3 float32's range, and next to a pole", async () => {
    const [wasm, twin] = [await kernelsFor("wasm"), await kernelsFor("js")];
    const [N, M] = [4, 8];
    const z = { re: new Float64Array(M), im: Float64Array.from({ length: M }, (_, m) => 2 * Math.tan((Math.PI * m) / (2 * M))) };
    const f = { re: new Float64Array(M).fill(1), im: new Float64Array(M) };
    const cases: { v: { re: Float64Array; im: Float64Array }; w: { re: Float64Array; im: Float64Array }; what: string }[] = [];
    for (const sc of [1e9, 1e10, 1e15]) {
      // numerator sets B C, B Q, P C, P Q with B = 1/sc, P = Q ~ sc: every numerator fits float32, r3 ~ sc^2
      const v = { re: new Float64Array(4 * N), im: new Float64Array(4 * N) };
      for (let n = 0; n < N; n++) {
        const B = (1 + 0.1 * n) / sc;
        const C = 0.7 - 0.2 * n;
        const P = sc * (0.5 + 0.1 * n);
        [B * C, B * P, P * C, P * P].forEach((x, q) => {
          v.re[q * N + n] = Math.fround(x);
        });
      }
      const w = {
        re: new Float64Array(N).fill(-0.5),
        im: Float64Array.from({ length: N }, (_, n) => (Math.PI * (2 * n + 1)) / 2),
      };
      cases.push({ v, w, what: `P = Q ~ ${sc}` });
    }
    // poles 1e-15 from the nodes: r ~ 1e15, results ~1e15
    cases.push({
      v: {
        re: Float64Array.from({ length: 4 * N }, (_, i) => Math.sin(i + 1) * (i < N ? 1 : 0.3)),
        im: Float64Array.from({ length: 4 * N }, (_, i) => Math.cos(3 * i)),
      },
      w: {
        re: Float64Array.from({ length: N }, (_, n) => -1e-15 * (n + 1)),
        im: Float64Array.from({ length: N }, (_, n) => z.im[2 * n + 1]),
      },
      what: "poles 1e-15 from nodes",
    });
    for (const { v, w, what } of cases) {
      const got = wasm.cauchyWoodbury({ channels: 1, modes: N, nodes: M }).apply(v, z, w, f);
      const want = twin.cauchyWoodbury({ channels: 1, modes: N, nodes: M }).apply(v, z, w, f);
      expect(got.re.every(Number.isFinite) && got.im.every(Number.isFinite), what).toBe(true);
      expect(relErrorComplex(got.re, got.im, want.re, want.im), what).toBeLessThanOrEqual(1e-4);
    }
  });
});

describe("cauchyWoodbury.applyToWasmInBlocks (wasm)", () => {
  it("gives the one-call result bit for bit, block by block over every channel, nodes of both signs", async () => {
    const k = await kernelsFor("wasm");
    const rand = rng(23);
    const [H, N, M] = [5, 6, 11];
    const { w, z } = randomProblem(H, N, M, rand);
    expect(z.im.some((y) => y < 0) && z.im.some((y) => y > 0)).toBe(true);
    const v = { re: randomArray(4 * H * N, rand), im: randomArray(4 * H * N, rand) };
    const f = { re: randomArray(M, rand), im: randomArray(M, rand) };
    const plan = k.cauchyWoodbury({ channels: H, modes: N, nodes: M });
    const whole = plan.apply(v, z, w, f);
    const mem = () => (k.runtime as NonNullable<typeof k.runtime>).exports.memory.buffer;
    for (const rows of [1, 2, 3, 5, 8]) {
      const seen: number[][] = [];
      const got = { re: new Float32Array(H * M).fill(Number.NaN), im: new Float32Array(H * M).fill(Number.NaN) };
      plan.applyToWasmInBlocks(v, z, w, f, rows, (h0, h1, re, im) => {
        seen.push([h0, h1]);
        // the block's rows are final when the callback runs (later blocks leave them alone)
        got.re.set(new Float32Array(mem(), re + 4 * h0 * M, (h1 - h0) * M), h0 * M);
        got.im.set(new Float32Array(mem(), im + 4 * h0 * M, (h1 - h0) * M), h0 * M);
      });
      const expected: number[][] = [];
      for (let h0 = 0; h0 < H; h0 += rows) expected.push([h0, Math.min(H, h0 + rows)]);
      expect(seen).toEqual(expected);
      expect(Array.from(got.re)).toEqual(Array.from(whole.re));
      expect(Array.from(got.im)).toEqual(Array.from(whole.im));
    }
    expect(() => plan.applyToWasmInBlocks(v, z, w, f, 0, () => {})).toThrow(
      /cauchyWoodbury.applyToWasmInBlocks\(rowsPerBlock\): expected an integer in \[1, \d+\], got 0/,
    );
    plan.dispose();
    expect(() => plan.applyToWasmInBlocks(v, z, w, f, 1, () => {})).toThrow(S4StateError);
  });

  it("is refused on the JS backend", async () => {
    const k = await kernelsFor("js");
    const c = (n: number) => ({ re: new Float64Array(n), im: new Float64Array(n) });
    const plan = k.cauchyWoodbury({ channels: 1, modes: 1, nodes: 1 });
    expect(() => plan.applyToWasmInBlocks(c(4), c(1), c(1), c(1), 1, () => {})).toThrow(/JS backend has no wasm memory/);
  });
});
