// The wasm plans copy their inputs into float32 buffers and check them there (setFinite): a
// float64 value beyond float32 range must be refused by name, not become Infinity, and a NaN is
// still named with its index. A refused call leaves the plan (and a step state) as it was.
import { expectTypedError } from "@s4wasm/testkit/expect";
import { describe, expect, it } from "vitest";
import { S4ValueError } from "../src/index.js";
import { kernelsFor, randomArray, rng } from "./helpers.js";

const BEYOND = 1e39;

/** x with one value replaced. */
function poisoned(x: Float64Array, at: number, v: number): Float64Array {
  const y = x.slice();
  y[at] = v;
  return y;
}

describe("wasm inputs beyond float32 range are refused by name", () => {
  it("fft, rfft (both ways), fftConv, linear, layerNorm, meanPool, linearScan", async () => {
    const k = await kernelsFor("wasm");
    const rand = rng(5);
    const [B, H, L] = [2, 8, 16];
    const x = randomArray(B * H * L, rand);
    const cx = { re: randomArray(H * L, rand), im: randomArray(H * L, rand) };
    const cases: { where: RegExp; good: () => ArrayLike<number>; bad: (v: number) => unknown }[] = [];
    const fft = k.fft(L, { batch: H });
    cases.push({
      where: /fft\.forward\(x\)\.im/,
      good: () => fft.forward(cx).re,
      bad: (v) => fft.forward({ re: cx.re, im: poisoned(cx.im, 7, v) }),
    });
    const rfft = k.rfft(L, { batch: B * H });
    const X = rfft.forward(x);
    cases.push({ where: /rfft\.forward\(x\)/, good: () => rfft.forward(x).re, bad: (v) => rfft.forward(poisoned(x, 3, v)) });
    cases.push({
      where: /rfft\.inverse\(X\)\.re/,
      good: () => rfft.inverse(X),
      bad: (v) => rfft.inverse({ re: poisoned(Float64Array.from(X.re), 2, v), im: X.im }),
    });
    const conv = k.fftConv({ channels: H, length: L, batch: B });
    conv.setKernel(randomArray(H * L, rand));
    cases.push({ where: /fftConv\.apply\(u\)/, good: () => conv.apply(x), bad: (v) => conv.apply(poisoned(x, 11, v)) });
    const lin = k.linear({ inFeatures: H, outFeatures: 4, weight: randomArray(4 * H, rand) });
    const shape = { batch: B, length: L };
    cases.push({ where: /linear\.apply\(x\)/, good: () => lin.apply(x, shape), bad: (v) => lin.apply(poisoned(x, 5, v), shape) });
    const ln = k.layerNorm({ channels: H, weight: randomArray(H, rand), bias: randomArray(H, rand) });
    cases.push({
      where: /layerNorm\.apply\(x\)/,
      good: () => ln.apply(x, shape),
      bad: (v) => ln.apply(poisoned(x, 9, v), shape),
    });
    const mp = k.meanPool({ channels: H });
    cases.push({ where: /meanPool\.apply\(x\)/, good: () => mp.apply(x, shape), bad: (v) => mp.apply(poisoned(x, 1, v), shape) });
    const scan = k.linearScan({ lanes: H, length: L });
    const a = { re: x.subarray(0, H * L).map((v) => 0.5 * v), im: x.subarray(H * L).map((v) => 0.4 * v) };
    cases.push({
      where: /linearScan\.forward\(b\)\.re/,
      good: () => scan.forward(a, cx).h.re,
      bad: (v) => scan.forward(a, { re: poisoned(cx.re, 4, v), im: cx.im }),
    });
    for (const c of cases) {
      const before = Array.from(c.good());
      expectTypedError(() => c.bad(BEYOND), S4ValueError, new RegExp(`${c.where.source}: expected values within float32 range`));
      expectTypedError(
        () => c.bad(Number.NaN),
        S4ValueError,
        new RegExp(`${c.where.source}: expected finite values, got NaN at index`),
      );
      expect(Array.from(c.good()), c.where.source).toEqual(before);
    }
  });

  it("a refused chunk leaves the step state as it was", async () => {
    const k = await kernelsFor("wasm");
    const rand = rng(6);
    const [B, H, M, L] = [1, 4, 8, 5];
    const r = Float64Array.from({ length: H * M }, () => 0.5 + 0.4 * rand());
    const plan = k.diagStep({ batch: B, channels: H, modes: M }).setParams({
      dA: { re: r, im: new Float64Array(H * M) },
      dB: { re: randomArray(H * M, rand), im: randomArray(H * M, rand) },
      C: { re: randomArray(H * M, rand), im: randomArray(H * M, rand) },
    });
    const st = plan.createState();
    const u = randomArray(B * H * L, rand);
    plan.run(u, st);
    const x0 = st.read();
    expectTypedError(
      () => plan.run(poisoned(u, 6, BEYOND), st),
      S4ValueError,
      /diagStep\.run\(u\): expected values within float32 range/,
    );
    expect(Array.from(st.read().re)).toEqual(Array.from(x0.re));
    expect(Array.from(st.read().im)).toEqual(Array.from(x0.im));
    // state.write takes any float dtype: a float64 entry beyond float32 range is refused too
    const big = { re: Float64Array.from(x0.re), im: Float64Array.from(x0.im) };
    big.im[3] = -BEYOND;
    expectTypedError(
      () => st.write(big),
      S4ValueError,
      /state\.write\(x\): expected state entries within float32 range .*, got .* at entry 3$/,
    );
    expect(Array.from(st.read().im)).toEqual(Array.from(x0.im));
    // a fresh state holds x itself: the same refusal, without the C . x form
    const fresh = plan.createState();
    expectTypedError(
      () => fresh.write(big),
      S4ValueError,
      /state\.write\(x\): expected state entries within float32 range \(\|x\| <= 3\.4e38\), got .* at entry 3$/,
    );
    expect(Array.from(fresh.read().re).every((v) => v === 0)).toBe(true);
  });
});
