// API misuse that used to pass silently (found by a misuse fuzz): states and plans of another or a
// disposed kernels instance, out planes sharing memory, out aliasing the input on the JS twin.
import { describe, expect, it } from "vitest";
import { loadKernels, S4StateError, S4ValueError } from "../src/index.js";
import { BACKENDS, kernelsFor, randomArray, rng } from "./helpers.js";

const diag = async (k: Awaited<ReturnType<typeof loadKernels>>) => {
  const one = (v: number) => ({ re: new Float64Array(4).fill(v), im: new Float64Array(4) });
  return k.diagStep({ batch: 1, channels: 1, modes: 4 }).setParams({ dA: one(0.9), dB: one(1), C: one(1) });
};

describe("states and plans of another or a disposed kernels instance (wasm)", () => {
  it("refuses a state made by another loadKernels() and leaves both instances' states alone", async () => {
    const [a, b] = [await loadKernels(), await loadKernels()];
    const [pa, pb] = [await diag(a), await diag(b)];
    const [sa, sb] = [pa.createState(), pb.createState()];
    pa.step(Float64Array.of(1), sa);
    const before = Array.from(sa.read().re);
    expect(() => pa.step(Float64Array.of(5), sb)).toThrow(S4StateError);
    expect(() => pa.step(Float64Array.of(5), sb)).toThrow(/diagStep\.step\(state\): expected a state of this kernels instance/);
    expect(Array.from(sa.read().re)).toEqual(before);
    expect(Array.from(sb.read().re)).toEqual([0, 0, 0, 0]);
    a.dispose();
    b.dispose();
  });

  it("refuses plans and states after kernels.dispose() (their memory belongs to no one)", async () => {
    const k = await loadKernels();
    const fft = k.fft(8);
    const p = await diag(k);
    const st = p.createState();
    k.dispose();
    const x = { re: new Float32Array(8), im: new Float32Array(8) };
    expect(() => fft.forward(x)).toThrow(/fft\.forward: its kernels instance was disposed/);
    expect(() => p.step(Float32Array.of(1), st)).toThrow(S4StateError);
    expect(() => st.read()).toThrow(/its kernels instance was disposed/);
  });
});

describe.each(BACKENDS)("out planes (%s)", (backend) => {
  it("refuses re and im planes sharing memory; null out means a fresh result", async () => {
    const k = await kernelsFor(backend);
    const F = backend === "wasm" ? Float32Array : Float64Array;
    const x = { re: F.of(1, 2, 3, 4), im: new F(4) };
    const buf = new F(4);
    const both = new F(8);
    for (const out of [
      { re: buf, im: buf },
      { re: both.subarray(0, 4), im: both.subarray(2, 6) },
    ]) {
      expect(() => k.fft(4).forward(x, out)).toThrow(S4ValueError);
      expect(() => k.fft(4).forward(x, out)).toThrow(
        /fft\.forward\(out\): expected separate re and im planes, got planes sharing memory/,
      );
      expect(() => k.dft(4).forward(x, out)).toThrow(/expected separate re and im planes/);
    }
    // adjacent, non-overlapping views of one buffer are fine
    const ok = k.fft(4).forward(x, { re: both.subarray(0, 4), im: both.subarray(4, 8) });
    expect(Array.from(ok.re)).toEqual([10, -2, -2, -2]);
    expect(Array.from(k.fft(4).forward(x, null as never).re)).toEqual([10, -2, -2, -2]);
  });

  it("gives the out-of-place result when out is the input (dft, vandermonde.transpose)", async () => {
    const k = await kernelsFor(backend);
    const F = backend === "wasm" ? Float32Array : Float64Array;
    const x = () => ({ re: F.of(1, 2, 3, 4), im: F.of(0, 1, 0, -1) });
    const want = k.dft(4).forward(x());
    const xi = x();
    const got = k.dft(4).forward(xi, xi);
    expect(Array.from(got.re)).toEqual(Array.from(want.re));
    expect(Array.from(got.im)).toEqual(Array.from(want.im));
    const v = k.vandermonde({ channels: 1, modes: 2, length: 4 });
    const C = () => ({ re: F.of(1, 0.5), im: F.of(0, 0.2) });
    const lz = { re: Float64Array.of(-0.1, -0.2), im: Float64Array.of(0.3, 1) };
    const u = F.of(1, 2, 3, 4);
    const t0 = v.transpose(u, C(), lz);
    const c = C();
    const t1 = v.transpose(u, c, lz, c);
    expect(Array.from(t1.re)).toEqual(Array.from(t0.re));
    expect(Array.from(t1.im)).toEqual(Array.from(t0.im));
  });
});

describe("float64 values beyond float32's range bound for wasm buffers", () => {
  it("are refused by name on wasm (they became Infinity, silently) and accepted by the float64 twin", async () => {
    const [w, j] = [await kernelsFor("wasm"), await kernelsFor("js")];
    const big = Float64Array.of(1e39);
    expect(() => w.linear({ inFeatures: 1, outFeatures: 1, weight: big })).toThrow(
      /linear\.setWeights\(weight\): expected values within float32 range \(\|x\| <= 3\.4e38\), got 1e\+39 at index 0/,
    );
    expect(j.linear({ inFeatures: 1, outFeatures: 1, weight: big }).apply(Float64Array.of(1), { batch: 1, length: 1 })[0]).toBe(
      1e39,
    );
    expect(() => w.stepLinear({ inFeatures: 1, outFeatures: 1, weight: big })).toThrow(
      /stepLinear\(options\.weight\): expected values within float32 range/,
    );
    const sl = w.stepLinear({ inFeatures: 1, outFeatures: 1, weight: Float64Array.of(1) });
    expect(() => sl.apply(big)).toThrow(/stepLinear\.apply\(x\): expected values within float32 range/);
    const one = (v: number) => ({ re: Float64Array.of(v), im: Float64Array.of(0) });
    const d = w.diagStep({ batch: 1, channels: 1, modes: 1 });
    expect(() => d.setParams({ dA: one(0.5), dB: one(1), C: one(1), D: big })).toThrow(
      /diagStep\.setParams\(D\): expected values within float32 range/,
    );
    // refused before anything was stored: the plan still has no parameters
    expect(() => d.step(Float64Array.of(1), d.createState())).toThrow(/call setParams\(\)/);
    const dj = j.diagStep({ batch: 1, channels: 1, modes: 1 }).setParams({ dA: one(0.5), dB: one(1), C: one(1), D: big });
    expect(dj.step(Float64Array.of(1), dj.createState())[0]).toBeCloseTo(1e39 + 2, -30);
  });
});

describe.each(BACKENDS)("options arguments and boolean options (%s)", (backend) => {
  it("null options mean the defaults; options of the wrong type are refused by name", async () => {
    const k = await kernelsFor(backend);
    expect(k.fft(8, null as never).batch).toBe(1);
    expect(k.rfft(8, null as never).batch).toBe(1);
    expect(k.dft(8, null as never).batch).toBe(1);
    expect(() => k.fft(8, "x" as never)).toThrow(/fft\(options\): expected an options object, got/);
    const conv = k.fftConv({ channels: 1, length: 2 });
    conv.setKernel(Float64Array.of(1, 0));
    const y = conv.apply(Float64Array.of(1, 2), null as never);
    expect(y[0]).toBeCloseTo(1, 5);
    expect(y[1]).toBeCloseTo(2, 5);
    expect(() => conv.apply(Float64Array.of(1, 2), "x" as never)).toThrow(S4ValueError);
    const scan = k.linearScan({ lanes: 1, length: 2 });
    const a = { re: Float64Array.of(0.5, 0.5), im: new Float64Array(2) };
    const b = { re: Float64Array.of(1, 1), im: new Float64Array(2) };
    expect(Array.from(scan.forward(a, b, null as never).h.re)).toEqual([1, 1.5]);
  });

  it("boolean options must be booleans (a string or number was read as its truthiness)", async () => {
    const k = await kernelsFor(backend);
    expect(() => k.cauchy({ channels: 1, modes: 1, nodes: 1, conjugatePairs: "no" as never })).toThrow(
      /cauchy\(options\.conjugatePairs\): expected true or false, got/,
    );
    expect(() => k.cauchy({ channels: 1, modes: 1, nodes: 1, sharedNodes: 0 as never })).toThrow(S4ValueError);
    expect(() => k.linear({ inFeatures: 1, outFeatures: 2, weight: new Float64Array(2), glu: "true" as never })).toThrow(
      /linear\(options\.glu\): expected true or false/,
    );
    expect(() => k.fftConv({ channels: 1, length: 2, bidirectional: null as never })).toThrow(
      /fftConv\(options\.bidirectional\)/,
    );
  });
});

describe("loadKernels with a source that is not a module, bytes or a URL", () => {
  it("refuses a relative string with S4BackendError naming it", async () => {
    await expect(loadKernels("x" as never)).rejects.toThrow(
      /loadKernels\(source\): expected .* absolute URL of kernels\.wasm, got the string "x"/,
    );
  });
});

describe.each(BACKENDS)("elementwise limits and step parameter checks (%s)", (backend) => {
  it("gelu and erf give their limits at infinities (GELU(+Inf) was NaN on wasm), NaN stays NaN", async () => {
    const k = await kernelsFor(backend);
    const x = Float64Array.of(Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY, Number.NaN, 1);
    const g = k.gelu().apply(x);
    expect(g[0]).toBe(Number.POSITIVE_INFINITY);
    expect(Object.is(g[1], 0) || Object.is(g[1], -0)).toBe(true);
    expect(Number.isNaN(g[2])).toBe(true);
    expect(g[3]).toBeCloseTo(0.8413447460685429, 6);
    expect(Array.from(k.erf().apply(x)).slice(0, 2)).toEqual([1, -1]);
  });

  it("dplrStep.setParams refuses an unstable Lambda (Re >= 0) by name", async () => {
    const k = await kernelsFor(backend);
    const c = (re: number, im = 0) => ({ re: Float64Array.of(re), im: Float64Array.of(im) });
    const p = k.dplrStep({ batch: 1, channels: 1, modes: 1 });
    expect(() => p.setParams({ Lambda: c(0.5, 1), P: c(1), B: c(1), C: c(1), dt: Float64Array.of(0.1) })).toThrow(
      /dplrStep\.setParams\(Lambda\): expected Re < 0 \(a stable system\), got 0\.5 at index 0/,
    );
    p.setParams({ Lambda: c(-0.5, 1), P: c(1), B: c(1), C: c(1), dt: Float64Array.of(0.1) });
  });
});

describe("cauchyWoodbury's checks of v and w while it lays them out (wasm)", () => {
  it("refuses a NaN, an infinity or a value past float32 in v or w by name on every entry, and the next call is right", async () => {
    const k = await kernelsFor("wasm");
    const H = 2;
    const N = 3;
    const M = 4;
    const rand = rng(41);
    const good = () => ({
      v: { re: randomArray(4 * H * N, rand), im: randomArray(4 * H * N, rand) },
      w: { re: randomArray(H * N, rand).map((x) => -0.1 - Math.abs(x)), im: randomArray(H * N, rand) },
    });
    const { v, w } = good();
    const z = { re: new Float64Array(M), im: Float64Array.of(0, 0.5, 1, 2) };
    const f = { re: new Float64Array(M).fill(1), im: new Float64Array(M) };
    const plan = k.cauchyWoodbury({ channels: H, modes: N, nodes: M });
    const first = plan.apply(v, z, w, f);
    const ref = { re: Float64Array.from(first.re), im: Float64Array.from(first.im) };
    const bad = (c: { re: Float64Array; im: Float64Array }, part: "re" | "im", i: number, x: number) => {
      const copy = { re: Float64Array.from(c.re), im: Float64Array.from(c.im) };
      copy[part][i] = x;
      return copy;
    };
    expect(() => plan.apply(bad(v, "im", 5, Number.NaN), z, w, f)).toThrow(
      /cauchyWoodbury\.apply\(v\)\.im: expected finite values, got NaN at index 5/,
    );
    expect(() => plan.applyToWasm(v, z, bad(w, "re", 1, 1e39), f)).toThrow(
      /cauchyWoodbury\.applyToWasm\(w\)\.re: expected values within float32 range .* got 1e\+39 at index 1/,
    );
    expect(() => plan.applyToWasmInBlocks(v, z, bad(w, "im", 4, Number.NEGATIVE_INFINITY), f, 1, () => {})).toThrow(
      /cauchyWoodbury\.applyToWasmInBlocks\(w\)\.im: expected finite values, got -Infinity at index 4/,
    );
    // the refused calls had written part of the layouts: the next call lays them out again
    const again = plan.apply(v, z, w, f);
    expect(Array.from(again.re)).toEqual(Array.from(ref.re));
    expect(Array.from(again.im)).toEqual(Array.from(ref.im));
    plan.dispose();
  });
});

describe("per-call float64 inputs beyond float32's range (wasm)", () => {
  it("are refused by name by dft, cauchy, cauchyWoodbury, vandermonde, fftConv and the elementwise ops", async () => {
    const [w, j] = [await kernelsFor("wasm"), await kernelsFor("js")];
    const big = 1e39;
    const c = (re: number[], im?: number[]) => ({ re: Float64Array.from(re), im: Float64Array.from(im ?? re.map(() => 0)) });
    const range = (where: string) => new RegExp(`${where.replace(/[.()]/g, "\\$&")}.*expected values within float32 range`);
    expect(() => w.dft(2).forward(c([big, 0]))).toThrow(range("dft.forward(x).re"));
    expect(() => w.cauchy({ channels: 1, modes: 1, nodes: 1 }).apply(c([big]), c([0], [1]), c([-1], [0]))).toThrow(
      range("cauchy.apply(v).re"),
    );
    const v4 = c([big, 1, 1, 1]);
    expect(() => w.cauchyWoodbury({ channels: 1, modes: 1, nodes: 1 }).apply(v4, c([0], [1]), c([-1], [0]), c([1]))).toThrow(
      range("cauchyWoodbury.apply(v).re"),
    );
    const lz = c([-0.1], [0.3]);
    expect(() => w.vandermonde({ channels: 1, modes: 1, length: 2 }).apply(c([big]), lz)).toThrow(
      range("vandermonde.apply(C).re"),
    );
    expect(() => w.vandermonde({ channels: 1, modes: 1, length: 2 }).transpose(Float64Array.of(big, 0), c([1]), lz)).toThrow(
      range("vandermonde.transpose(u)"),
    );
    const conv = w.fftConv({ channels: 1, length: 2, bidirectional: true });
    expect(() => conv.setKernel(Float64Array.of(big, 0, 0, 0))).toThrow(range("fftConv.setKernel(K)"));
    expect(() => w.gelu().apply(Float64Array.of(big))).toThrow(range("gelu.apply(x)"));
    expect(() => w.glu({ channels: 1 }).apply(Float64Array.of(big, 0), { batch: 1, length: 1 })).toThrow(range("glu.apply(z)"));
    expect(() => w.complexMultiply({ length: 1 }).apply(c([big]), c([1]))).toThrow(range("complexMultiply.apply(a).re"));
    // the float64 twin computes them
    expect(j.dft(2).forward(c([big, 0])).re[0]).toBe(big);
    expect(j.gelu().apply(Float64Array.of(big))[0]).toBe(big);
  });
});
