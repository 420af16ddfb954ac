// S4Block (FFTConv + D -> GELU -> Linear(H, 2H) -> GLU) against golden s4_block.json, with the
// golden K given as a fixed kernel: both backends, causal and bidirectional, layout (B, L, H).
import { realOf, relErrorReal } from "@s4wasm/golden";
import { readGolden } from "@s4wasm/golden/node";
import { loadKernels, S4ShapeError, S4StateError } from "@s4wasm/kernels";
import { describe, expect, it } from "vitest";
import { FixedKernel, S4Block } from "../src/index.js";

const golden = readGolden("s4_block");
const TOL = { wasm: 1e-4, js: 1e-9 } as const;

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
    const c = golden.cases[0];
    const { L, H } = c.params as { L: number; H: number };
    const block = new S4Block(k, {
      kernel: new FixedKernel(k, realOf(c.inputs, "K").data, { channels: 1, H, length: L }),
      D: realOf(c.inputs, "D").data,
      bidirectional: false,
      weight: realOf(c.inputs, "W").data,
      bias: realOf(c.inputs, "bias").data,
    });
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
});
