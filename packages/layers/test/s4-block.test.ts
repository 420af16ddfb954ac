// S4Block (FFTConv + D -> GELU -> Linear(H, 2H) -> GLU) against golden s4_block.json, with the
// golden K given as a fixed kernel: both backends, causal and bidirectional, layout (B, L, H).
import { realOf, relErrorReal } from "@s4wasm/golden";
import { readGolden } from "@s4wasm/golden/node";
import { type Kernels, loadKernels, S4ShapeError, S4StateError, S4ValueError } from "@s4wasm/kernels";
import { describe, expect, it } from "vitest";
import { FixedKernel, S4Block } from "../src/index.js";
import { kernelsFor, seeded } from "./helpers.js";

const golden = readGolden("s4_block");
const TOL = { wasm: 1e-4, js: 1e-9 } as const;

/** f(0..n-1) in the backend's dtype. */
function backendArray(backend: "wasm" | "js", n: number, f: (i: number) => number): Float32Array | Float64Array {
  const a = backend === "wasm" ? new Float32Array(n) : new Float64Array(n);
  for (let i = 0; i < n; i++) a[i] = f(i);
  return a;
}

/** A causal block from the first golden case's K, D, W and bias (channels 1), and its H and L. */
function firstCaseBlock(k: Kernels, layout?: "BHL" | "BLH") {
  const c = golden.cases[0];
  const { L, H } = c.params as { L: number; H: number };
  const block = new S4Block(k, {
    kernel: new FixedKernel(k, realOf(c.inputs, "K").data, { channels: 1, H, length: L }),
    D: realOf(c.inputs, "D").data,
    bidirectional: false,
    weight: realOf(c.inputs, "W").data,
    bias: realOf(c.inputs, "bias").data,
    ...(layout ? { layout } : {}),
  });
  return { block, H, L };
}

describe.each(["wasm", "js"] as const)("S4Block with a fixed kernel (%s)", (backend) => {
  it.each(golden.cases.map((c) => [c.name, c] as const))("matches golden y: %s", async (_n, c) => {
    const k = await loadKernels({ backend });
    const { B, L, H, channels } = c.params as { B: number; L: number; H: number; channels: number };
    const bidirectional = c.params.bidirectional as boolean;
    const K = realOf(c.inputs, "K");
    const block = new S4Block(k, {
      kernel: new FixedKernel(k, K.data, { channels, H, length: L }),
      D: realOf(c.inputs, "D").data,
      bidirectional,
      weight: realOf(c.inputs, "W").data,
      bias: realOf(c.inputs, "bias").data,
      layout: "BLH",
    });
    const u = realOf(c.inputs, "u").data;
    const y = block.forward(backend === "wasm" ? Float32Array.from(u) : u, { batch: B, length: L });
    expect(relErrorReal(y, realOf(c.outputs, "y").data)).toBeLessThanOrEqual(TOL[backend]);
    // Same block again (cached spectrum) gives the same numbers.
    expect(Array.from(block.forward(backend === "wasm" ? Float32Array.from(u) : u, { batch: B, length: L }))).toEqual(
      Array.from(y),
    );
    block.dispose();
    expect(() => block.forward(u, { batch: B, length: L })).toThrow(S4StateError);
  });

  it("rejects a wrong input length, naming the layout", async () => {
    const k = await loadKernels({ backend });
    const { block, H, L } = firstCaseBlock(k);
    expect(() => block.forward(new Float32Array(H * L - 1), { batch: 1, length: L })).toThrow(S4ShapeError);
    expect(() => block.forward(new Float32Array(H * L - 1), { batch: 1, length: L })).toThrow(
      `S4Block.forward(x): expected length ${H * L} (batch*H*length), got ${H * L - 1}`,
    );
    // The kernel only covers L: longer inputs are an error, not a silent truncation.
    expect(() => block.forward(new Float32Array(H * 2 * L), { batch: 1, length: 2 * L })).toThrow(/FixedKernel\.kernel\(L\)/);
    // After the errors the block still works.
    expect(block.forward(new Float32Array(H * L).fill(0.5), { batch: 1, length: L }).length).toBe(H * L);
    expect(() => block.stepper()).toThrow(/no step mode/);
    block.dispose();
  });

  it.each([
    ["BHL", NaN, 5],
    ["BHL", Number.POSITIVE_INFINITY, 0],
    ["BLH", Number.NEGATIVE_INFINITY, 7],
  ] as const)("refuses a non-finite input (layout %s, %s at %i) and stays usable", async (layout, bad, at) => {
    const k = await loadKernels({ backend });
    const { block, H, L } = firstCaseBlock(k, layout);
    const good = backendArray(backend, H * L, Math.sin);
    const want = Array.from(block.forward(good, { batch: 1, length: L }));
    const x = good.slice();
    x[at] = bad;
    expect(() => block.forward(x, { batch: 1, length: L })).toThrow(S4ValueError);
    expect(() => block.forward(x, { batch: 1, length: L })).toThrow(
      `S4Block.forward(x): expected finite values, got ${bad} at index ${at}`,
    );
    // The refused call changed nothing: the same input gives the same output.
    expect(Array.from(block.forward(good, { batch: 1, length: L }))).toEqual(want);
    block.dispose();
  });

  it("refuses a bad value in one batch row of several, and a float64 input past float32 on wasm, by name", async () => {
    // wasm scans x only when y is not finite (a bad x makes NaN in y): each case must still be named
    const k = await loadKernels({ backend });
    const { block, H, L } = firstCaseBlock(k);
    const B = 3;
    const good = backendArray(backend, B * H * L, (i) => Math.sin(0.1 * i));
    const want = Array.from(block.forward(good, { batch: B, length: L }));
    for (const at of [0, H * L + 3, B * H * L - 1]) {
      const x = good.slice();
      x[at] = Number.NaN;
      expect(() => block.forward(x, { batch: B, length: L })).toThrow(
        `S4Block.forward(x): expected finite values, got NaN at index ${at}`,
      );
    }
    if (backend === "wasm") {
      const x = Float64Array.from(good);
      x[H * L + 1] = 1e39;
      expect(() => block.forward(x, { batch: B, length: L })).toThrow(
        `S4Block.forward(x): expected values within float32 range (|x| <= 3.4e38), got 1e+39 at index ${H * L + 1}`,
      );
    }
    expect(Array.from(block.forward(good, { batch: B, length: L }))).toEqual(want);
    block.dispose();
  });

  it("writes into `out` when given and returns it", async () => {
    const k = await loadKernels({ backend });
    const { block, H, L } = firstCaseBlock(k);
    const x = backendArray(backend, H * L, Math.cos);
    const fresh = block.forward(x, { batch: 1, length: L });
    const out = backendArray(backend, H * L, () => 0);
    expect(block.forward(x, { batch: 1, length: L }, out)).toBe(out);
    expect(Array.from(out)).toEqual(Array.from(fresh));
    block.dispose();
  });
});

describe("S4Block on wasm: float64 input beyond float32 range", () => {
  it("is refused by name, not run as Infinity", async () => {
    const k = await loadKernels({ backend: "wasm" });
    const { block, H, L } = firstCaseBlock(k);
    const x = new Float64Array(H * L);
    x[3] = 1e39;
    expect(() => block.forward(x, { batch: 1, length: L })).toThrow(
      /S4Block\.forward\(x\): expected values within float32 range/,
    );
    block.dispose();
  });
});

describe("S4Block: a bidirectional kernel needs forward and backward halves", () => {
  it("refuses an odd number of kernel channels, by name", async () => {
    const k = await loadKernels({ backend: "js" });
    const [H, L] = [2, 4];
    const make = () =>
      new S4Block(k, {
        kernel: new FixedKernel(k, new Float64Array(3 * H * L), { channels: 3, H, length: L }),
        D: new Float64Array(H),
        bidirectional: true,
        weight: new Float64Array(2 * H * H),
        bias: new Float64Array(2 * H),
      });
    expect(make).toThrow(S4ShapeError);
    expect(make).toThrow("FFTConv: a bidirectional kernel needs an even number of channels (forward, then backward), got 3");
  });

  it("refuses a D that does not match the output channels, by name", async () => {
    const k = await loadKernels({ backend: "js" });
    const [H, L] = [2, 4];
    // 4 kernel channels, bidirectional: 2 output groups, so D is (2, H)
    const make = (D: Float64Array) =>
      new S4Block(k, {
        kernel: new FixedKernel(k, new Float64Array(4 * H * L), { channels: 4, H, length: L }),
        D,
        bidirectional: true,
        weight: new Float64Array(2 * H * 2 * H),
        bias: new Float64Array(2 * H),
      });
    expect(() => make(new Float64Array(H))).toThrow(S4ShapeError);
    expect(() => make(new Float64Array(H))).toThrow("FFTConv(D): expected length 4 (channels*H = 2*2), got 2");
    expect(make(new Float64Array(2 * H)).conv.outChannels).toBe(2 * H);
  });
});

describe("S4Block at H = 256 (the Strassen Linear and the GLU per block of 128 positions)", () => {
  it("equals the float64 twin on random weights, causal and bidirectional, with a tail block", async () => {
    const wasm = await kernelsFor("wasm");
    const js = await kernelsFor("js");
    const H = 256;
    for (const [B, L, channels, bidirectional] of [
      [2, 200, 1, false],
      [1, 300, 2, true],
    ] as const) {
      const c = bidirectional ? 2 * channels : channels;
      const parts = {
        K: seeded(c * H * L, 3 + L).map((v) => v / Math.sqrt(L)),
        D: seeded(channels * H, 5),
        weight: seeded(2 * H * channels * H, 7).map((v) => v / Math.sqrt(channels * H)),
        bias: seeded(2 * H, 11),
      };
      const u = seeded(B * H * L, 13);
      const run = (k: Kernels) => {
        const block = new S4Block(k, {
          kernel: new FixedKernel(k, parts.K, { channels: c, H, length: L }),
          D: parts.D,
          bidirectional,
          weight: parts.weight,
          bias: parts.bias,
        });
        const y = block.forward(k.backend === "wasm" ? Float32Array.from(u) : u, { batch: B, length: L });
        block.dispose();
        return y;
      };
      const ref = run(js);
      expect(
        relErrorReal(run(wasm), ref),
        `B=${B} L=${L} channels=${channels} bidirectional=${bidirectional}`,
      ).toBeLessThanOrEqual(1e-4);
    }
  });
});
