// A refused call must leave a plan as it was (found by a fuzz of caches after mutation): a
// staging buffer that failed to grow kept its freed predecessor, a released buffer's pointer
// still worked, fftConv's default batch followed a larger call, a reset state kept its flush
// schedule.
import { describe, expect, it } from "vitest";
import { GrowingBuffers, S4ShapeError, S4StateError } from "../src/index.js";
import { BACKENDS, kernelsFor, randomArray, rng } from "./helpers.js";

describe("a staging buffer that cannot grow (wasm)", () => {
  it("keeps its old buffer: a later smaller call gets it back, alive, and no one else gets its memory", async () => {
    const k = await kernelsFor("wasm");
    const ws = k.workspace();
    const g = new GrowingBuffers(ws, 1);
    const a = g.get(0, 16);
    a.view.fill(7);
    // 8 GiB: refused by the arena before memory grows
    expect(() => g.get(0, 2 ** 31)).toThrow(S4ShapeError);
    expect(() => g.get(0, 2 ** 31)).toThrow(/wasm memory: expected at most 4 GiB in total/);
    const b = g.get(0, 8);
    expect(b).toBe(a);
    expect(b.ptr).toBe(a.ptr);
    // a buffer made after the refusal does not overlap it (the old code had freed it)
    const other = ws.f32(16);
    other.view.fill(-1);
    expect(other.ptr + 64 <= a.ptr || a.ptr + 64 <= other.ptr).toBe(true);
    expect(Array.from(a.view)).toEqual(new Array(16).fill(7));
    ws.dispose();
  });

  it("a released buffer refuses its pointer as it refuses its view", async () => {
    const k = await kernelsFor("wasm");
    const ws = k.workspace();
    const b = ws.f32(8);
    expect(b.ptr).toBeGreaterThan(0);
    ws.dispose();
    expect(() => b.ptr).toThrow(S4StateError);
    expect(() => b.ptr).toThrow(/^WasmBuffer\.ptr: the buffer was disposed$/);
  });
});

describe.each(BACKENDS)("fftConv default batch (%s)", (backend) => {
  it("stays the plan's batch after a larger call (it became the grown buffer's batch on wasm)", async () => {
    const k = await kernelsFor(backend);
    const rand = rng(5);
    const [H, L] = [3, 5];
    const p = k.fftConv({ channels: H, length: L });
    p.setKernel(randomArray(H * L, rand));
    const u1 = randomArray(H * L, rand);
    const want = Array.from(p.apply(u1));
    p.apply(randomArray(2 * H * L, rand), { batch: 2 });
    expect(Array.from(p.apply(u1))).toEqual(want);
    expect(p.batch).toBe(1);
  });
});

describe("SSMState.reset (wasm)", () => {
  it("restarts the flushTiny schedule: a reset state steps exactly as a fresh one", async () => {
    const k = await kernelsFor("wasm");
    const one = (v: number) => ({ re: new Float64Array(4).fill(v), im: new Float64Array(4) });
    const plan = k.diagStep({ batch: 1, channels: 1, modes: 4 }).setParams({ dA: one(0.5), dB: one(1), C: one(1) });
    // frame by frame (the state's own flush schedule runs between calls): a tiny impulse that
    // decays past the flush threshold (2^-100) while still a normal float32
    const stepAll = (st: ReturnType<typeof plan.createState>, n: number) =>
      Array.from({ length: n }, (_, t) => plan.step(Float32Array.of(t < 3 ? 1e-20 : 0), st)[0]);
    const used = plan.createState();
    stepAll(used, 600); // long enough for the flush interval to back off
    used.reset();
    const a = stepAll(used, 200);
    const b = stepAll(plan.createState(), 200);
    expect(a).toEqual(b);
    expect(b.some((v) => v === 0) && b.some((v) => v !== 0)).toBe(true);
  });
});
