// Kernels loaded with threads: 2 give the bits of one thread (the Linear and the DPLR resolvent
// are split across the worker; see packages/kernels/test/threads.test.ts): S4Block for S4D and
// DPLR kernels, causal and bidirectional, both layouts, and the DPLR kernel on its own.

import { readFileSync } from "node:fs";
import { Kernels, loadKernels, S4StateError } from "@s4wasm/kernels";
import { afterAll, describe, expect, it, vi } from "vitest";
import { createS4Block, createS4Model, DPLRKernel, loadOfficial, S4Block, type S4Model } from "../src/index.js";
import { blockCases, randomDPLR, seeded } from "./helpers.js";

const one = await loadKernels({ backend: "wasm" });
const two = await loadKernels({ backend: "wasm", threads: 2 });
afterAll(() => two.dispose());

describe("layers on kernels with threads: 2", () => {
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

  it("computes the DPLR kernel with the bits of one thread, its resolvent on the pool", () => {
    const pool = two.runtime?.pool;
    const run = vi.spyOn(pool as NonNullable<typeof pool>, "run");
    // blocks of 21 channels (DPLRKernel's L2-sized blocks at L = 2048) x N2 = 8 x 1025 nodes:
    // 1.7e5 pole-node pairs a block, above the split threshold (2^16)
    const params = randomDPLR(32, 16, 1, 2, 9);
    const a = new DPLRKernel(one, params);
    const b = new DPLRKernel(two, params);
    for (const L of [2048, 2047]) {
      const calls = run.mock.calls.length;
      const ka = a.kernel(L);
      const kb = b.kernel(L);
      expect(run.mock.calls.length).toBeGreaterThan(calls);
      let differ = -1;
      for (let i = 0; i < ka.length && differ < 0; i++) if (ka[i] !== kb[i]) differ = i;
      expect(differ, `L=${L}`).toBe(-1);
    }
    a.dispose();
    b.dispose();
    run.mockRestore();
  });

  it("createS4Model({ threads: 2 }) and loadOfficial(..., { threads: 2 }) run on two threads with the bits of one", async () => {
    // dModel 64 over L = 2048: its Linear, conv and GELU calls are all above their split thresholds
    const init = { dInput: 3, dOutput: 5, dModel: 64, nLayers: 2, seed: 8 };
    const [m1, m2] = [await createS4Model(init), await createS4Model({ ...init, threads: 2 })];
    expect([m1.kernels.threads, m2.kernels.threads]).toEqual([1, 2]);
    const L = 2048;
    const u = Float32Array.from(seeded(L * 3, 6));
    const [y1, y2] = [m1, m2].map((m) => m.forward(u, { batch: 1, length: L }));
    expect(Array.from(y2)).toEqual(Array.from(y1));
    // the model owns the kernels its factory loaded: dispose() takes them (and the worker) along
    m2.dispose();
    expect(() => m2.kernels.gelu()).toThrow(S4StateError);
    m1.dispose();
    const dir = new URL("../../../fixtures/official/s4model_example/", import.meta.url);
    const bytes = new Uint8Array(readFileSync(new URL("model.safetensors", dir)));
    const config = JSON.parse(readFileSync(new URL("config.json", dir), "utf8"));
    const o1 = (await loadOfficial(bytes, config)) as S4Model;
    const o2 = (await loadOfficial(bytes, config, { threads: 2 })) as S4Model;
    expect(o2.kernels.threads).toBe(2);
    const v = Float32Array.from(seeded(3 * 128, 7));
    expect(Array.from(o2.forward(v, { batch: 3, length: 128 }))).toEqual(Array.from(o1.forward(v, { batch: 3, length: 128 })));
    o2.dispose();
    expect(() => o2.kernels.gelu()).toThrow(S4StateError);
    o1.dispose();
  });

  it("streams a batch of S4D block frames with its rows split across the threads, bit for bit, and batch 1 on the caller", async () => {
    const pool = two.runtime?.pool;
    const run = vi.spyOn(pool as NonNullable<typeof pool>, "run");
    // H = 128, N = 64: batch * channels * (modes + 2H) = 9 * 128 * 288 >= 2^18 at batch 9 (rows
    // 5 + 4); with c = 2 output channels the SSM rows are (B, 2H) and the Linear 2H -> 2H
    const H = 128;
    for (const channels of [1, 2]) {
      const init = { dModel: H, dState: 64, mode: "diag", seed: 12, channels } as const;
      const [a, b] = [await createS4Block({ ...init, kernels: one }), await createS4Block({ ...init, kernels: two })];
      for (const batch of [9, 1]) {
        const [sa, sb] = [a.stepper({ batch }), b.stepper({ batch })];
        const calls = run.mock.calls.filter((c) => c[0] === "stepBlockScaled").length;
        for (let t = 0; t < 40; t++) {
          const frame = Float32Array.from(seeded(batch * H, 100 + t));
          const [ya, yb] = [sa.step(frame), sb.step(frame)];
          let differ = -1;
          for (let i = 0; i < ya.length && differ < 0; i++) if (ya[i] !== yb[i]) differ = i;
          expect(differ, `channels ${channels} batch ${batch} frame ${t}`).toBe(-1);
          expect(ya.some((v) => v !== 0)).toBe(true);
        }
        const split = run.mock.calls.filter((c) => c[0] === "stepBlockScaled").length - calls;
        expect(split).toBe(batch === 1 ? 0 : 40);
        sa.dispose();
        sb.dispose();
      }
      a.dispose();
      b.dispose();
    }
    run.mockRestore();
  });

  it("leaves kernels the caller passed in alone, and disposes the ones a refused factory call loaded", async () => {
    const m = await createS4Model({ dInput: 1, dOutput: 2, dModel: 8, nLayers: 2, kernels: two });
    m.dispose();
    expect(two.gelu().apply(new Float32Array([1]))[0]).toBeCloseTo(0.8413, 4);
    const dispose = vi.spyOn(Kernels.prototype, "dispose");
    await expect(createS4Block({ dModel: 8, threads: 2, init: "bogus" as never })).rejects.toThrow(/init/);
    expect(dispose).toHaveBeenCalledTimes(1);
    dispose.mockRestore();
  });
});
