// Creating and disposing layers returns their wasm memory: 10,000 blocks made, run and disposed
// on one kernels instance leave the live bytes where they started and the memory unchanged.
import { loadKernels } from "@s4wasm/kernels";
import { describe, expect, it } from "vitest";
import { createS4Block } from "../src/index.js";

describe("layer lifetime", () => {
  it("10,000 create / forward / dispose cycles keep wasm memory flat", async () => {
    const kernels = await loadKernels({ backend: "wasm" });
    const u = new Float32Array(2 * 8).fill(0.25);
    // Warm up once so lazily sized buffers exist before the baseline is taken.
    const first = await createS4Block({ dModel: 2, dState: 4, kernels, seed: 0 });
    first.forward(u, { batch: 1, length: 8 });
    first.dispose();
    const base = kernels.memoryStats();
    for (let i = 0; i < 10_000; i++) {
      const block = await createS4Block({ dModel: 2, dState: 4, kernels, seed: i, mode: i % 2 ? "diag" : "dplr" });
      const y = block.forward(u, { batch: 1, length: 8 });
      if (!Number.isFinite(y[0])) throw new Error(`non-finite output at ${i}`);
      if (i % 1000 === 0) {
        const s = block.stepper();
        s.step(new Float32Array(2));
        s.dispose();
      }
      block.dispose();
    }
    const after = kernels.memoryStats();
    expect(after.liveBytes).toBe(base.liveBytes);
    expect(after.capacityBytes).toBeLessThanOrEqual(base.capacityBytes * 2);
  }, 120_000);
});
