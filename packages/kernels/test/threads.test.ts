// loadKernels({ threads }): worker threads on a shared memory. A split Linear must give the same
// bits as one thread (each output element is computed by the same code in the same order), on
// random shapes of both layouts, after the shared memory grows, and with the threads build on
// one thread; bad thread counts and a wasm without a shared memory are refused by name.
import { readFileSync } from "node:fs";
import { expectTypedError, expectTypedRejection } from "@s4wasm/testkit/expect";
import fc from "fast-check";
import { afterAll, describe, expect, it, vi } from "vitest";
import { js, type Kernels, loadKernels, S4BackendError, S4ShapeError } from "../src/index.js";
import { ThreadPool } from "../src/threads/pool.js";
import { sharedMemory } from "../src/threads/shared-instance.js";
import { randomArray, rng } from "./helpers.js";

const one = await loadKernels({ backend: "wasm" });
const two = await loadKernels({ backend: "wasm", threads: 2 });
afterAll(() => two.dispose());

/** A spy on the two-thread kernels' pool.run (calls go through): which jobs were split. */
function spyOnPool() {
  return vi.spyOn(two.runtime?.pool as NonNullable<NonNullable<Kernels["runtime"]>["pool"]>, "run");
}

/** Linear(H, O) of `layout` on `k`: y for x, shape (B, L). */
function linearOn(
  k: Kernels,
  layout: "BHL" | "BLH",
  W: Float64Array,
  bias: Float64Array | null,
  x: Float64Array,
  B: number,
  H: number,
  O: number,
  L: number,
) {
  const plan = k.linear({ inFeatures: H, outFeatures: O, layout, weight: W, bias });
  const y = plan.apply(x, { batch: B, length: L });
  plan.dispose();
  return y;
}

/** Index of the first element where a and b differ (bitwise, NaN never occurs here), or -1. */
function firstDifference(a: ArrayLike<number>, b: ArrayLike<number>): number {
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return i;
  return -1;
}

describe("loadKernels({ threads })", () => {
  it("reports its threads; the JS twin runs on one", async () => {
    expect(one.threads).toBe(1);
    expect(two.threads).toBe(2);
    expect((await loadKernels({ backend: "js", threads: 2 })).threads).toBe(1);
  });

  it("splits the Linear across the threads with the bits of one thread (random shapes, both layouts)", () => {
    const run = spyOnPool();
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 3 }),
        fc.integer({ min: 8, max: 300 }),
        fc.integer({ min: 1, max: 300 }),
        fc.integer({ min: 0, max: 40 }),
        fc.constantFrom("BHL" as const, "BLH" as const),
        fc.boolean(),
        fc.integer({ min: 1, max: 2 ** 30 }),
        (B, H, O, extra, layout, withBias, seed) => {
          // enough multiply-adds that the call is split (SPLIT_MIN_MACS = 2^22)
          const L = Math.ceil(2 ** 22 / (B * H * O)) + extra;
          const rand = rng(seed);
          const W = randomArray(O * H, rand);
          const bias = withBias ? randomArray(O, rand) : null;
          const x = randomArray(B * H * L, rand);
          const calls = run.mock.calls.length;
          const y2 = linearOn(two, layout, W, bias, x, B, H, O, L);
          const y1 = linearOn(one, layout, W, bias, x, B, H, O, L);
          expect(run.mock.calls.length, "the call went through the pool").toBeGreaterThan(calls);
          expect(y2.length).toBe(y1.length);
          expect(firstDifference(y2, y1), `${layout} B=${B} H=${H} O=${O} L=${L}`).toBe(-1);
        },
      ),
      { numRuns: 12, seed: 11 },
    );
    run.mockRestore();
  }, 120_000);

  it("splits the Strassen Linear (BHL, H >= 256) by positions with the bits of one thread", () => {
    const run = spyOnPool();
    // [B, H, O, L]: two 128-column blocks each, a 44-column tail on the last part, and 2 x 16
    // blocks (the S4 block's Linear(256, 512) at L = 4096 is this split with wider parts)
    for (const [B, H, O, L] of [
      [1, 256, 64, 300],
      [2, 258, 24, 4096],
    ]) {
      const rand = rng(B * L);
      const W = randomArray(O * H, rand);
      const bias = randomArray(O, rand);
      const x = randomArray(B * H * L, rand);
      const y2 = linearOn(two, "BHL", W, bias, x, B, H, O, L);
      expect(run.mock.calls.at(-1)?.[0], "the job the pool ran").toBe("linearStrassenBHL");
      const y1 = linearOn(one, "BHL", W, bias, x, B, H, O, L);
      expect(firstDifference(y2, y1), `B=${B} H=${H} O=${O} L=${L}`).toBe(-1);
    }
    run.mockRestore();
  });

  it("splits the fused Linear + GLU by positions with the bits of one thread (Strassen blocks and plain)", () => {
    const run = spyOnPool();
    // [B, H, G, L]: Strassen blocks with a tail on the last part; the plain matmul (H < 256)
    // (the last: too few positions for a part per thread, so the batch rows are split)
    for (const [B, H, G, L] of [
      [2, 256, 32, 300],
      [1, 24, 40, 4500],
      [9, 256, 16, 130],
    ]) {
      const rand = rng(H * L);
      const W = randomArray(2 * G * H, rand);
      const bias = randomArray(2 * G, rand);
      const x = randomArray(B * H * L, rand);
      const gluOn = (k: Kernels) => {
        const plan = k.linear({ inFeatures: H, outFeatures: 2 * G, weight: W, bias, glu: true });
        const y = plan.apply(x, { batch: B, length: L });
        plan.dispose();
        return y;
      };
      const y2 = gluOn(two);
      expect(run.mock.calls.at(-1)?.[0], "the job the pool ran").toBe("linearGluBHL");
      const y1 = gluOn(one);
      expect(y2.length).toBe(B * G * L);
      expect(firstDifference(y2, y1), `B=${B} H=${H} G=${G} L=${L}`).toBe(-1);
    }
    run.mockRestore();
  });

  it("splits the DPLR resolvent (cauchyWoodbury) by channel with the bits of one thread", () => {
    const run = spyOnPool();
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 40 }),
        fc.integer({ min: 1, max: 40 }),
        fc.integer({ min: 0, max: 9 }),
        fc.integer({ min: 1, max: 2 ** 30 }),
        (H, N, extra, seed) => {
          // enough pole-node pairs that the run is split (SPLIT_MIN_PAIRS = 2^16)
          const M = Math.ceil(2 ** 16 / (H * N)) + extra;
          const rand = rng(seed);
          const w = { re: randomArray(H * N, rand).map((x) => -0.05 - Math.abs(x)), im: randomArray(H * N, rand) };
          // purely imaginary nodes of both signs (negative ones run conjugated)
          const z = { re: new Float64Array(M), im: randomArray(M, rand).map((x) => 3 * x) };
          const v = { re: randomArray(4 * H * N, rand), im: randomArray(4 * H * N, rand) };
          const f = { re: randomArray(M, rand), im: randomArray(M, rand) };
          const calls = run.mock.calls.length;
          const got = [two, one].map((k) => {
            const plan = k.cauchyWoodbury({ channels: H, modes: N, nodes: M });
            const o = plan.apply(v, z, w, f);
            plan.dispose();
            return o;
          });
          expect(run.mock.calls.length, "the run went through the pool").toBe(calls + 1);
          expect(firstDifference(got[0].re, got[1].re), `re H=${H} N=${N} M=${M}`).toBe(-1);
          expect(firstDifference(got[0].im, got[1].im), `im H=${H} N=${N} M=${M}`).toBe(-1);
        },
      ),
      { numRuns: 12, seed: 13 },
    );
    run.mockRestore();
  }, 120_000);

  it("splits batched FFTs, the FFT convolution, its kernel spectrum, GELU, erf, the other activations and the Vandermonde kernel with the bits of one thread", () => {
    const run = spyOnPool();
    const rand = rng(21);
    /** f on both kernels: the pool ran `job`, and the outputs agree bit for bit. */
    const same = (job: string, f: (k: Kernels) => ArrayLike<number>) => {
      const jobs = () => run.mock.calls.filter((c) => c[0] === job).length;
      const before = jobs();
      const a = f(two);
      expect(jobs(), `${job} went through the pool`).toBeGreaterThan(before);
      const b = f(one);
      expect(a.length).toBe(b.length);
      expect(firstDifference(a, b), job).toBe(-1);
    };
    // H x L >= 2^15 samples: split; odd L takes the unfused FFT passes
    for (const [H, L, B, bidirectional] of [
      [64, 1024, 2, false],
      [40, 1001, 1, false],
      [33, 1024, 1, true],
    ] as const) {
      const K = randomArray((bidirectional ? 2 : 1) * H * L, rand);
      const u = randomArray(B * H * L, rand);
      const D = randomArray(H, rand);
      const conv = (k: Kernels) => {
        const plan = k.fftConv({ channels: H, length: L, bidirectional, batch: B });
        plan.setKernel(K);
        const y = plan.apply(u, { batch: B, D });
        plan.dispose();
        return y;
      };
      same("fftConvRows", conv);
      if (!bidirectional) same("kernelSpectrumRows", conv);
    }
    // batches of transforms: power of two, mixed radix, Bluestein (97); >= 2^15 samples a call
    for (const [n, batch] of [
      [256, 160],
      [1000, 40],
      [97, 400],
    ] as const) {
      const re = randomArray(n * batch, rand);
      const im = randomArray(n * batch, rand);
      same("fftRows", (k) => k.fft(n, { batch }).forward({ re, im }).re);
      same("fftRows", (k) => k.fft(n, { batch }).inverse({ re, im }).im);
      const X = (k: Kernels) => k.rfft(n, { batch }).forward(re);
      same("rfftRows", (k) => X(k).im);
      same("irfftRows", (k) => k.rfft(n, { batch }).inverse(X(k)));
    }
    const x = randomArray(100_003, rand).map((v) => 6 * v);
    same("gelu", (k) => k.gelu().apply(x));
    same("erf", (k) => k.erf().apply(x));
    same("activation", (k) => k.activation("softplus").apply(x));
    same("activation", (k) => k.activation("tanh").apply(x));
    // H x N x L >= 2^20 terms (large enough that the two halves overlap in time)
    const H = 32;
    const N = 32;
    const L = 8001;
    const C = { re: randomArray(H * N, rand), im: randomArray(H * N, rand) };
    const logz = { re: randomArray(H * N, rand).map((v) => -0.001 - 0.01 * Math.abs(v)), im: randomArray(H * N, rand) };
    same("vandermonde", (k) => k.vandermonde({ channels: H, modes: N, length: L }).apply(C, logz));
    run.mockRestore();
  }, 120_000);

  it("reports a trap in either part after every part is done, and keeps working", () => {
    const pool = two.runtime?.pool as NonNullable<NonNullable<Kernels["runtime"]>["pool"]>;
    const e = (two.runtime as NonNullable<Kernels["runtime"]>).exports;
    const ws = two.workspace();
    const buf = ws.f32(64);
    const outside = 2 ** 32 - 64; // past the end of memory: the kernel traps
    const good = [buf.ptr, buf.ptr, 32];
    // the caller's part traps at once: its own error comes out, but only after the worker's part
    // (GELU over 2^22 values, milliseconds) has finished: its last value is already written
    const big = ws.f32(2 ** 22);
    big.view.fill(1);
    expect(() =>
      pool.run(
        "gelu",
        [
          [outside, outside, 8],
          [big.ptr, big.ptr, 2 ** 22],
        ],
        e,
      ),
    ).toThrow(WebAssembly.RuntimeError);
    expect(big.view[2 ** 22 - 1]).toBeCloseTo(js.gelu64(1), 6);
    // the worker's part traps: a backend error naming the job
    expect(() => pool.run("gelu", [good, [outside, outside, 8]], e)).toThrow(/gelu: a worker thread failed/);
    // and the pool still splits a call correctly
    buf.view.set(Float32Array.from({ length: 64 }, (_, i) => (i - 32) / 8));
    pool.run(
      "gelu",
      [
        [buf.ptr, buf.ptr, 32],
        [buf.ptr + 128, buf.ptr + 128, 32],
      ],
      e,
    );
    const y = buf.view;
    for (let i = 0; i < 64; i++) expect(y[i]).toBeCloseTo(js.gelu64((i - 32) / 8), 6);
    ws.dispose();
  });

  it("refuses a split once a worker thread has exited, naming it, instead of waiting forever", async () => {
    const k = await loadKernels({ backend: "wasm", threads: 2 });
    const rt = k.runtime as NonNullable<Kernels["runtime"]>;
    const pool = rt.pool as NonNullable<typeof rt.pool>;
    await (pool as unknown as { workers: { terminate(): Promise<number> }[] }).workers[0].terminate();
    await new Promise((resolve) => setTimeout(resolve, 20)); // the "exit" event
    const ws = k.workspace();
    const b = ws.f32(64);
    expect(() =>
      pool.run(
        "gelu",
        [
          [b.ptr, b.ptr, 32],
          [b.ptr + 128, b.ptr + 128, 32],
        ],
        rt.exports,
      ),
    ).toThrow(/gelu: expected the kernels' worker threads running, got one that exited/);
    k.dispose();
  });

  it("gives the same bits after the shared memory grows (buffers beyond the workers' first view)", () => {
    const rand = rng(3);
    const H = 64;
    const O = 130;
    const L = 1000;
    const W = randomArray(O * H, rand);
    const x = randomArray(H * L, rand);
    const before = two.memoryStats().capacityBytes;
    const ws = two.workspace();
    ws.f32(before); // 4x the bytes in use: the arena grows the memory
    expect(two.memoryStats().capacityBytes).toBeGreaterThan(before);
    expect(firstDifference(linearOn(two, "BHL", W, null, x, 1, H, O, L), linearOn(one, "BHL", W, null, x, 1, H, O, L))).toBe(-1);
    ws.dispose();
  });

  it("runs the threads build on one thread when threads is 1", async () => {
    const bytes = readFileSync(new URL("../src/generated/kernels-threads.wasm", import.meta.url));
    const k = await loadKernels({ wasm: bytes });
    expect(k.threads).toBe(1);
    const rand = rng(5);
    const W = randomArray(12 * 10, rand);
    const x = randomArray(10 * 33, rand);
    expect(linearOn(k, "BLH", W, null, x, 1, 10, 12, 33)).toEqual(linearOn(one, "BLH", W, null, x, 1, 10, 12, 33));
  });

  it("refuses a thread count that is not an integer in [1, 256], by name", async () => {
    for (const threads of [0, 1.5, -2, 257, Number.NaN, "2"]) {
      await expectTypedRejection(
        loadKernels({ threads: threads as number }),
        S4ShapeError,
        /loadKernels\(options\.threads\): expected an integer in \[1, 256\], got/,
      );
    }
  });

  it("takes a smaller shared memory where the engine refuses to reserve 4 GiB, and the threads build runs on it", () => {
    const tried: number[] = [];
    const memory = sharedMemory((maximum) => {
      tried.push(maximum);
      if (maximum > 16384) throw new RangeError("could not reserve");
      return new WebAssembly.Memory({ initial: 16, maximum, shared: true });
    });
    expect(tried).toEqual([65536, 16384]);
    const bytes = readFileSync(new URL("../src/generated/kernels-threads.wasm", import.meta.url));
    const exports = new WebAssembly.Instance(new WebAssembly.Module(bytes), { env: { memory } }).exports as {
      fftScale: (p: number, n: number, c: number) => void;
    };
    const view = new Float32Array(memory.buffer, 1 << 19, 4);
    view.set([1, 2, 3, 4]);
    exports.fftScale(1 << 19, 4, 0.5);
    expect(Array.from(view)).toEqual([0.5, 1, 1.5, 2]);
    expectTypedError(
      () =>
        sharedMemory(() => {
          throw new RangeError("out of memory");
        }),
      S4BackendError,
      /^loadKernels\(options\.threads\): expected a shared wasm memory, got none from this engine \(4096 MiB: out of memory; 1024 MiB: out of memory; 256 MiB: out of memory\)$/,
    );
  });

  it("refuses to start when a worker reports a failure, fails, or never answers, and stops the workers", async () => {
    type Listener = (value: unknown) => void;
    const fake = (behave: (emit: (event: string, value: unknown) => void) => void) => {
      const stopped: boolean[] = [];
      const factory = () => {
        const listeners = new Map<string, Listener>();
        const i = stopped.push(false) - 1;
        queueMicrotask(() => behave((event, value) => listeners.get(event)?.(value)));
        return {
          once: (event: string, fn: Listener) => void listeners.set(event, fn),
          unref: () => {},
          terminate: () => {
            stopped[i] = true;
            return Promise.resolve(0);
          },
        };
      };
      return { factory, stopped };
    };
    const start = (factory: () => unknown, timeoutMs: number) =>
      ThreadPool.start({} as WebAssembly.Module, {} as WebAssembly.Memory, 3, factory as never, timeoutMs);
    const cases: [string, (emit: (event: string, value: unknown) => void) => void][] = [
      ["CompileError: bad module", (emit) => emit("message", { error: "CompileError: bad module" })],
      ["the worker script failed", (emit) => emit("error", new Error("the worker script failed"))],
      ["no answer within 20 ms", () => {}],
    ];
    for (const [reason, behave] of cases) {
      const { factory, stopped } = fake(behave);
      const message = `loadKernels(options.threads): expected every worker thread to start, got one that did not (${reason})`;
      await expectTypedRejection(
        start(factory, 20),
        S4BackendError,
        new RegExp(`^${message.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}$`),
      );
      expect(stopped, reason).toEqual([true]);
    }
    // two workers that answer "ready" start a pool of three threads
    const ok = fake((emit) => emit("message", "ready"));
    const pool = await start(ok.factory, 20);
    expect(pool.threads).toBe(3);
    pool.close();
    expect(ok.stopped).toEqual([true, true]);
  });

  it("refuses threads > 1 with a wasm that defines its own memory (not the threads build)", async () => {
    const bytes = readFileSync(new URL("../dist/kernels.wasm", import.meta.url));
    await expectTypedRejection(
      loadKernels({ wasm: bytes, threads: 2 }),
      S4BackendError,
      /loadKernels\(source\): expected the threads build .* for threads: 2, got a module that defines its own memory/,
    );
  });
});
