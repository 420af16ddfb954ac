// S4Block on kernels loaded with threads: 2 gives the bits of one thread (its Linear is split
// across the worker; see packages/kernels/test/threads.test.ts), for S4D and DPLR kernels,
// causal and bidirectional, both layouts.
import { loadKernels } from "@s4wasm/kernels";
import { afterAll, describe, expect, it, vi } from "vitest";
import { S4Block } from "../src/index.js";
import { blockCases, seeded } from "./helpers.js";

const one = await loadKernels({ backend: "wasm" });
const two = await loadKernels({ backend: "wasm", threads: 2 });
afterAll(() => two.dispose());

describe("S4Block with threads: 2", () => {
  it("gives the same output as one thread, bit for bit, and runs its Linear on the pool", () => {
    const pool = two.runtime?.pool;
    expect(pool?.threads).toBe(2);
    const run = vi.spyOn(pool as NonNullable<typeof pool>, "run");
    // Linear(cH, 2H), c = 1 or 2, over B*L = 2200 positions: >= 4.5e6 multiply-adds, above the
    // split threshold (2^22)
    const H = 32;
    const B = 2;
    const L = 1100;
    const u = Float32Array.from(seeded(B * H * L, 4));
    let cases = 0;
    for (const layout of ["BHL", "BLH"] as const) {
      const blocks = [...blockCases(one, H, 7)].map((c, i) => ({ c, twin: [...blockCases(two, H, 7)][i] }));
      for (const { c, twin } of blocks) {
        const a = new S4Block(one, { ...c.parts, kernel: c.make(), layout });
        const b = new S4Block(two, { ...twin.parts, kernel: twin.make(), layout });
        const calls = run.mock.calls.length;
        const ya = a.forward(u, { batch: B, length: L });
        const yb = b.forward(u, { batch: B, length: L });
        expect(run.mock.calls.length).toBeGreaterThan(calls);
        let differ = -1;
        for (let i = 0; i < ya.length && differ < 0; i++) if (ya[i] !== yb[i]) differ = i;
        expect(differ, `case ${cases} layout=${layout}`).toBe(-1);
        expect(ya.some((v) => v !== 0)).toBe(true);
        a.dispose();
        b.dispose();
        cases++;
      }
    }
    expect(cases).toBe(8);
    run.mockRestore();
  });
});
