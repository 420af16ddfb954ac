// Instances never share state: two kernels instances in one thread, and two worker threads,
// each compute their own numbers while the others run.
import { Worker } from "node:worker_threads";
import { relErrorComplex } from "@s4wasm/golden";
import { describe, expect, it } from "vitest";
import { js, loadKernels } from "../src/index.js";

function reference(n: number, seed: number) {
  const x = { re: new Float64Array(n), im: new Float64Array(n) };
  for (let i = 0; i < n; i++) x.re[i] = Math.fround(Math.sin(seed * (i + 1)));
  const tw = js.twiddleTable(n, -1);
  const out = { re: new Float64Array(n), im: new Float64Array(n) };
  js.dft(x.re, x.im, out.re, out.im, n, tw.re, tw.im);
  return out;
}

describe("isolation", () => {
  it("two instances in one thread keep separate memory and results", async () => {
    const a = await loadKernels();
    const b = await loadKernels();
    const pa = a.dft(64);
    const pb = b.dft(64);
    const xa = { re: new Float32Array(64).fill(1), im: new Float32Array(64) };
    const xb = { re: new Float32Array(64), im: new Float32Array(64) };
    xb.re[1] = 1;
    const Xa = pa.forward(xa);
    const Xb = pb.forward(xb);
    pa.dispose();
    // Disposing a's plan leaves b's plan working and a's memory empty.
    expect(a.memoryStats().liveBytes).toBe(0);
    expect(b.memoryStats().liveBytes).toBeGreaterThan(0);
    expect(Xa.re[0]).toBeCloseTo(64, 4);
    expect(Xb.re[0]).toBeCloseTo(1, 6);
    expect(pb.forward(xb).re[0]).toBeCloseTo(1, 6);
  });

  it("two worker threads run side by side without sharing state", async () => {
    const run = (seed: number) =>
      new Promise<{ re: number[]; im: number[]; live: number }>((resolve, reject) => {
        const w = new Worker(new URL("./workers/dft-worker.mjs", import.meta.url), { workerData: { n: 257, seed, rounds: 200 } });
        w.once("message", (m) => {
          resolve(m);
          void w.terminate();
        });
        w.once("error", reject);
      });
    const [r1, r2] = await Promise.all([run(0.3), run(1.7)]);
    for (const [r, seed] of [
      [r1, 0.3],
      [r2, 1.7],
    ] as const) {
      const ref = reference(257, seed);
      expect(relErrorComplex(r.re, r.im, ref.re, ref.im)).toBeLessThanOrEqual(1e-5);
      expect(r.live).toBeGreaterThan(0);
    }
    expect(r1.re[0]).not.toBeCloseTo(r2.re[0], 3);
  });
});
