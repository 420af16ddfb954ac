// FFT convolution plan on both backends: golden fftconv.json, the direct O(L^2) convolution
// (causal and bidirectional, seeded random shapes), the low-level pointer entry, and errors.
import { realOf, relErrorReal } from "@s4wasm/golden";
import { readGolden } from "@s4wasm/golden/node";
import { describe, expect, it } from "vitest";
import { js, S4ShapeError, S4StateError, S4ValueError } from "../src/index.js";
import { BACKENDS, kernelsFor, randomArray, rng, TOL } from "./helpers.js";

const golden = readGolden("fftconv");

/**
 * Direct convolution, official semantics:
 * y[t] = sum_{s<=t} K0[t-s] u[s] + (bidirectional) sum_{s>t} K1[s-t-1] u[s] + D u[t].
 */
function directConv(
  u: Float64Array,
  K: Float64Array,
  D: Float64Array | null,
  B: number,
  H: number,
  L: number,
  bidi: boolean,
): Float64Array {
  const y = new Float64Array(B * H * L);
  for (let b = 0; b < B; b++) {
    for (let h = 0; h < H; h++) {
      const o = (b * H + h) * L;
      for (let t = 0; t < L; t++) {
        let acc = D ? D[h] * u[o + t] : 0;
        for (let s = 0; s <= t; s++) acc += K[h * L + t - s] * u[o + s];
        if (bidi) for (let s = t + 1; s < L; s++) acc += K[H * L + h * L + s - t - 1] * u[o + s];
        y[o + t] = acc;
      }
    }
  }
  return y;
}

describe.each(BACKENDS)("fftConv (%s)", (backend) => {
  const tol = TOL[backend];

  it.each(golden.cases.map((c) => [c.name, c] as const))("matches golden fftconv.json: %s", async (_name, c) => {
    const k = await kernelsFor(backend);
    const { B, H, L, bidirectional } = c.params as { B: number; H: number; L: number; bidirectional: boolean };
    const conv = k.fftConv({ channels: H, length: L, bidirectional, batch: B });
    const K = realOf(c.inputs, "K").data;
    conv.setKernel(K);
    const y = conv.apply(realOf(c.inputs, "u").data, { D: realOf(c.inputs, "D").data });
    expect(relErrorReal(y, realOf(c.outputs, "y").data)).toBeLessThanOrEqual(tol);
    if (bidirectional) {
      const two = new Float64Array(H * 2 * L);
      const row = new Float64Array(2 * L);
      for (let h = 0; h < H; h++) {
        js.kernelRow(K, H, L, h, true, row);
        two.set(row, h * 2 * L);
      }
      expect(relErrorReal(two, realOf(c.outputs, "K_two_sided").data)).toBeLessThanOrEqual(1e-15);
    }
    conv.dispose();
  });

  it("equals the direct O(L^2) convolution for random shapes (causal and bidirectional)", async () => {
    const k = await kernelsFor(backend);
    const rand = rng(31);
    for (let t = 0; t < 10; t++) {
      const B = 1 + Math.floor(rand() * 2);
      const H = 1 + Math.floor(rand() * 4);
      const L = t === 0 ? 1 : t === 1 ? 97 : 1 + Math.floor(rand() * 300);
      const bidi = t % 2 === 1;
      const K = randomArray((bidi ? 2 : 1) * H * L, rand);
      const u = randomArray(B * H * L, rand);
      const D = t % 3 === 0 ? null : randomArray(H, rand);
      const conv = k.fftConv({ channels: H, length: L, bidirectional: bidi, batch: B });
      conv.setKernel(K);
      const y = conv.apply(u, D ? { D } : {});
      const want = directConv(u, K, D, B, H, L, bidi);
      expect(relErrorReal(y, want), `B=${B} H=${H} L=${L} bidi=${bidi}`).toBeLessThanOrEqual(backend === "wasm" ? 2e-5 : 1e-12);
      conv.dispose();
    }
  });

  it("writes into out and accepts a larger batch per call", async () => {
    const k = await kernelsFor(backend);
    const rand = rng(8);
    const H = 3;
    const L = 40;
    const conv = k.fftConv({ channels: H, length: L });
    const K = randomArray(H * L, rand);
    conv.setKernel(K);
    const u = randomArray(4 * H * L, rand);
    const out = backend === "wasm" ? new Float32Array(4 * H * L) : new Float64Array(4 * H * L);
    const y = conv.apply(u, { batch: 4 }, out);
    expect(y).toBe(out);
    expect(relErrorReal(out, directConv(u, K, null, 4, H, L, false))).toBeLessThanOrEqual(backend === "wasm" ? 2e-5 : 1e-12);
    // Growing the batch gives the smaller input buffer back: live memory rises by the growth only.
    const before = k.memoryStats().liveBytes;
    const u8 = randomArray(8 * H * L, rand);
    expect(relErrorReal(conv.apply(u8, { batch: 8 }), directConv(u8, K, null, 8, H, L, false))).toBeLessThanOrEqual(
      backend === "wasm" ? 2e-5 : 1e-12,
    );
    if (backend === "wasm") expect(k.memoryStats().liveBytes - before).toBeLessThanOrEqual(4 * (8 - 4) * H * L + 64);
    conv.dispose();
  });

  it("validates kernel and input lengths, non-finite values, order of calls and dispose", async () => {
    const k = await kernelsFor(backend);
    expect(() => k.fftConv({ channels: 0, length: 8 })).toThrow(S4ShapeError);
    expect(() => k.fftConv({ channels: 2, length: 2 ** 21 + 1 })).toThrow(S4ShapeError);
    const conv = k.fftConv({ channels: 2, length: 8, bidirectional: true });
    expect(() => conv.apply(new Float64Array(16))).toThrow(S4StateError);
    expect(() => conv.setKernel(new Float64Array(16))).toThrow(
      /fftConv\.setKernel\(K\): expected length 32 \(2\*channels\*length\), got 16/,
    );
    const badK = new Float64Array(32);
    badK[5] = Number.NaN;
    expect(() => conv.setKernel(badK)).toThrow(S4ValueError);
    conv.setKernel(new Float64Array(32));
    expect(() => conv.apply(new Float64Array(15))).toThrow(/fftConv\.apply\(u\): expected length 16/);
    expect(() => conv.apply(new Float64Array(16), { D: new Float64Array(3) })).toThrow(S4ShapeError);
    const badU = new Float64Array(16);
    badU[0] = Number.NEGATIVE_INFINITY;
    expect(() => conv.apply(badU)).toThrow(S4ValueError);
    if (backend === "js") expect(() => conv.applyPtr(0, 0, 1)).toThrow(S4StateError);
    conv.dispose();
    expect(() => conv.apply(new Float64Array(16))).toThrow(S4StateError);
  });
});

describe.each(BACKENDS)("fftConv causal setKernel refuses a non-finite K and keeps its spectrum (%s)", (backend) => {
  it("names the first bad index; the conv still gives the old kernel's output", async () => {
    const k = await kernelsFor(backend);
    const rand = rng(5);
    const [H, L] = [3, 16];
    const conv = k.fftConv({ channels: H, length: L });
    const K = randomArray(H * L, rand);
    const u = randomArray(H * L, rand);
    conv.setKernel(K);
    const before = Array.from(conv.apply(u));
    for (const [i, bad] of [
      [7, Number.NaN],
      [H * L - 1, Number.POSITIVE_INFINITY],
    ] as const) {
      const badK = K.slice();
      badK[i] = bad;
      expect(() => conv.setKernel(badK)).toThrow(S4ValueError);
      expect(() => conv.setKernel(badK)).toThrow(`fftConv.setKernel(K): expected finite values, got ${bad} at index ${i}`);
      expect(Array.from(conv.apply(u))).toEqual(before);
    }
    if (backend === "wasm") {
      // float64 beyond float32's range would become Infinity in the float32 kernel
      const big = K.slice();
      big[2] = 1e39;
      expect(() => conv.setKernel(big)).toThrow(/fftConv\.setKernel\(K\): expected values within float32 range/);
      expect(Array.from(conv.apply(u))).toEqual(before);
    }
    conv.dispose();
  });
});

describe("fftConv low-level pointer entry (wasm)", () => {
  it("applyPtr on buffers in wasm memory equals apply, in place and with D", async () => {
    const k = await kernelsFor("wasm");
    const rand = rng(77);
    const H = 4;
    const L = 64;
    const B = 2;
    const conv = k.fftConv({ channels: H, length: L, batch: B });
    const ws = k.workspace();
    const kBuf = ws.f32(H * L);
    const K = randomArray(H * L, rand);
    kBuf.view.set(K);
    conv.setKernelPtr(kBuf.ptr);
    const u = randomArray(B * H * L, rand);
    const D = randomArray(H, rand);
    const uBuf = ws.f32(B * H * L);
    const dBuf = ws.f32(H);
    uBuf.view.set(u);
    dBuf.view.set(D);
    conv.applyPtr(uBuf.ptr, uBuf.ptr, B, dBuf.ptr);
    const want = directConv(u, K, D, B, H, L, false);
    expect(relErrorReal(uBuf.view, want)).toBeLessThanOrEqual(2e-5);
    expect(relErrorReal(uBuf.view, conv.apply(u, { D }))).toBeLessThanOrEqual(1e-6);
    ws.dispose();
    conv.dispose();
  });
});
