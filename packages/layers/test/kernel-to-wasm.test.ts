// kernelToWasm: the SSM kernels write K straight into wasm memory for FFTConv (no copy out and
// back in). Same numbers as kernel(), refused where it cannot apply, and the conv built on it
// gives the same block output as the copy path.
import { relErrorReal } from "@s4wasm/golden";
import { type Kernels, loadKernels, S4ShapeError, S4ValueError } from "@s4wasm/kernels";
import { describe, expect, it } from "vitest";
import type { SSMKernelSource } from "../src/block/s4-block.js";
import { S4Block } from "../src/block/s4-block.js";
import { diagInit } from "../src/hippo/index.js";
import { DPLRKernel, S4DKernel } from "../src/kernel/index.js";
import { blockCases, kernelsFor, randomDPLR, randomS4D, seeded } from "./helpers.js";

/** K read back from wasm memory after kernelToWasm at an offset inside a guarded buffer. */
function viaWasm(k: Kernels, kern: S4DKernel | DPLRKernel, L: number): { K: Float32Array; guardsKept: boolean } {
  const n = kern.channels * kern.H * L;
  const ws = k.workspace();
  const buf = ws.f32(n + 8);
  buf.view.fill(5);
  expect(kern.kernelToWasm(L, k, buf.ptr + 16)).toBe(true);
  const K = buf.view.slice(4, 4 + n);
  const guardsKept = [...buf.view.subarray(0, 4), ...buf.view.subarray(4 + n)].every((v) => v === 5);
  ws.dispose();
  return { K, guardsKept };
}

describe("kernelToWasm", () => {
  it("S4D: the same K as kernel(), bit for bit, for several channels and odd L", async () => {
    const k = await kernelsFor("wasm");
    const twin = new S4DKernel(await kernelsFor("js"), randomS4D(5, 8, 2, 3));
    for (const L of [1, 37, 256]) {
      const kern = new S4DKernel(k, randomS4D(5, 8, 2, 3));
      const { K, guardsKept } = viaWasm(k, kern, L);
      expect(Array.from(K)).toEqual(Array.from(kern.kernel(L)));
      expect(guardsKept).toBe(true);
      expect(relErrorReal(K, twin.kernel(L))).toBeLessThanOrEqual(1e-4);
      kern.dispose();
    }
  });

  it("DPLR rank 1: the same K as kernel(), also truncated from a C~ stored at a longer length", async () => {
    const k = await kernelsFor("wasm");
    const p = randomDPLR(6, 8, 1, 2, 11);
    for (const L of [1, 63, 128]) {
      const kern = new DPLRKernel(k, p);
      const { K, guardsKept } = viaWasm(k, kern, L);
      expect(Array.from(K)).toEqual(Array.from(kern.kernel(L)));
      expect(guardsKept).toBe(true);
      kern.dispose();
    }
    const twin = new DPLRKernel(await kernelsFor("js"), p);
    const stored = new DPLRKernel(k, { ...p, C: twin.cTilde(200), cForm: "CTilde", tildeLength: 200 });
    const { K } = viaWasm(k, stored, 75);
    expect(Array.from(K)).toEqual(Array.from(stored.kernel(75)));
    expect(relErrorReal(K, twin.kernel(75))).toBeLessThanOrEqual(1e-4);
  });

  it("returns false where it cannot apply: another kernels instance, the JS backend, DPLR rank 2", async () => {
    const k = await kernelsFor("wasm");
    const other = await loadKernels({ backend: "wasm" });
    const ws = k.workspace();
    const buf = ws.f32(4 * 8 * 16);
    buf.view.fill(9);
    expect(new S4DKernel(other, randomS4D(4, 4, 1, 1)).kernelToWasm(16, k, buf.ptr)).toBe(false);
    expect(new S4DKernel(await kernelsFor("js"), randomS4D(4, 4, 1, 1)).kernelToWasm(16, k, buf.ptr)).toBe(false);
    expect(new DPLRKernel(k, randomDPLR(4, 8, 2, 1, 2)).kernelToWasm(16, k, buf.ptr)).toBe(false);
    expect(buf.view.every((v) => v === 9)).toBe(true);
    ws.dispose();
  });

  it("refuses a bad offset by name before writing, and an overflowing K as kernel() does", async () => {
    const k = await kernelsFor("wasm");
    const size = k.runtime?.exports.memory.buffer.byteLength as number;
    const s4d = new S4DKernel(k, randomS4D(2, 4, 1, 5));
    const dplr = new DPLRKernel(k, randomDPLR(2, 8, 1, 1, 5));
    for (const [kern, name] of [
      [s4d, "S4DKernel"],
      [dplr, "DPLRKernel"],
    ] as const) {
      for (const bad of [-8, 6, size - 8]) {
        expect(() => kern.kernelToWasm(16, k, bad)).toThrow(
          new RegExp(`^${name}\\.kernelToWasm\\(ptr\\): expected a 4-aligned byte offset with 128 bytes inside wasm memory`),
        );
      }
    }
    // |C| ~ 1e38 on real modes: the sums overflow float32 (see s4d-kernel.test.ts)
    const { A, B } = diagInit("diag-real", 64, 1);
    const C = { re: new Float64Array(32).fill(1e38), im: new Float64Array(32) };
    const big = new S4DKernel(k, { H: 1, N2: 32, channels: 1, logDt: new Float64Array(1).fill(Math.log(0.5)), A, B, C });
    const ws = k.workspace();
    expect(() => big.kernelToWasm(64, k, ws.f32(64).ptr)).toThrow(S4ValueError);
    expect(() => big.kernelToWasm(64, k, ws.f32(64).ptr)).toThrow(
      /S4DKernel\.kernel: expected finite values, got .* float32 arithmetic overflowed/,
    );
    ws.dispose();
  });

  it("S4Block: the conv through kernelToWasm gives the output of the copy path (kernel()), causal and bidirectional", async () => {
    const k = await kernelsFor("wasm");
    const [H, L, B] = [8, 96, 2];
    const copyOnly = (kern: S4DKernel | DPLRKernel): SSMKernelSource => ({
      H: kern.H,
      channels: kern.channels,
      version: 0,
      kernel: (n, out) => kern.kernel(n, out),
      stepSource: (D) => kern.stepSource(D),
    });
    for (const { make, parts } of blockCases(k, H, 7)) {
      const direct = new S4Block(k, { ...parts, kernel: make() });
      const copied = new S4Block(k, { ...parts, kernel: copyOnly(make()) });
      const u = seeded(B * H * L, 4);
      const y = direct.forward(Float32Array.from(u), { batch: B, length: L });
      expect(Array.from(y)).toEqual(Array.from(copied.forward(Float32Array.from(u), { batch: B, length: L })));
      expect(y.some((v) => v !== 0)).toBe(true);
      direct.dispose();
      copied.dispose();
    }
  });
});

describe("FFTConv with a kernel source on another kernels instance", () => {
  it("falls back to kernel() (kernelToWasm says false) and gives the same block output", async () => {
    const k = await kernelsFor("wasm");
    const other = await loadKernels({ backend: "wasm" });
    const [H, L] = [6, 50];
    const parts = { D: seeded(H, 1), weight: seeded(2 * H * H, 2), bias: seeded(2 * H, 3), bidirectional: false };
    const here = new S4Block(k, { ...parts, kernel: new S4DKernel(k, randomS4D(H, 4, 1, 9)) });
    const there = new S4Block(k, { ...parts, kernel: new S4DKernel(other, randomS4D(H, 4, 1, 9)) });
    const u = Float32Array.from(seeded(H * L, 4));
    for (let i = 0; i < 2; i++)
      expect(Array.from(there.forward(u, { batch: 1, length: L }))).toEqual(Array.from(here.forward(u, { batch: 1, length: L })));
  });
});

describe("setParams with a new shape (found by fuzzing: plans and arrays were cached by L or H*N2 alone)", () => {
  it("S4D: H and N2 swapped (same H*N2) or N2 changed: kernel() and kernelToWasm give a fresh kernel's K", async () => {
    const k = await kernelsFor("wasm");
    for (const [[H0, N0], [H1, N1]] of [
      [
        [4, 5],
        [5, 4],
      ],
      [
        [4, 4],
        [4, 6],
      ],
    ] as const) {
      for (const channels of [1, 2]) {
        const L = 16;
        const kern = new S4DKernel(k, randomS4D(H0, N0, channels, 1));
        kern.kernel(L);
        const next = randomS4D(H1, N1, channels, 2);
        kern.setParams(next);
        const fresh = new S4DKernel(k, next).kernel(L);
        expect(Array.from(kern.kernel(L))).toEqual(Array.from(fresh));
        const { K, guardsKept } = viaWasm(k, kern, L);
        expect(Array.from(K)).toEqual(Array.from(fresh));
        expect(guardsKept).toBe(true);
      }
    }
  });

  it.each(["wasm", "js"] as const)(
    "S4Block (%s): a kernel given a new shape after construction is refused by name, not read as the old one",
    async (backend) => {
      const k = await kernelsFor(backend);
      const [H, L] = [6, 20];
      for (const next of [randomS4D(H, 4, 2, 5), randomS4D(H + 1, 4, 1, 5)]) {
        const kern = new S4DKernel(k, randomS4D(H, 4, 1, 4));
        const block = new S4Block(k, {
          D: seeded(H, 1),
          weight: seeded(2 * H * H, 2),
          bias: seeded(2 * H, 3),
          bidirectional: false,
          kernel: kern,
        });
        const u = backend === "wasm" ? Float32Array.from(seeded(H * L, 4)) : seeded(H * L, 4);
        block.forward(u, { batch: 1, length: L });
        kern.setParams(next);
        expect(() => block.forward(u, { batch: 1, length: L })).toThrow(S4ShapeError);
        expect(() => block.forward(u, { batch: 1, length: L })).toThrow(
          new RegExp(
            `^FFTConv: the kernel source changed shape: expected channels 1, H ${H} \\(as constructed\\), got channels ${next.channels}, H ${next.H}`,
          ),
        );
      }
    },
  );

  it.each(["wasm", "js"] as const)(
    "DPLR (%s): a larger H with the same H*N2 gives a fresh kernel's K (it threw a NaN error)",
    async (backend) => {
      const k = await kernelsFor(backend);
      const L = 24;
      const kern = new DPLRKernel(k, randomDPLR(4, 10, 1, 1, 1));
      kern.kernel(L);
      const next = randomDPLR(5, 8, 1, 1, 2);
      kern.setParams(next);
      expect(Array.from(kern.kernel(L))).toEqual(Array.from(new DPLRKernel(k, next).kernel(L)));
      if (backend === "wasm") expect(Array.from(viaWasm(k, kern, L).K)).toEqual(Array.from(new DPLRKernel(k, next).kernel(L)));
    },
  );
});
