import { describe, expect, it } from "vitest";
import { loadKernels, S4StateError } from "../src/index.js";

describe("workspace memory", () => {
  it("re-makes views after memory grows and keeps the data", async () => {
    const k = await loadKernels();
    const ws = k.workspace();
    const a = ws.f32(16);
    a.view.set(Array.from({ length: 16 }, (_, i) => i + 0.5));
    const before = a.view;
    const capacity = k.memoryStats().capacityBytes;
    const big = ws.f64(capacity / 4); // 2x the current capacity: forces memory.grow
    expect(k.memoryStats().capacityBytes).toBeGreaterThan(capacity);
    expect(before.length).toBe(0); // growth detached the old ArrayBuffer
    expect(Array.from(a.view)).toEqual(Array.from({ length: 16 }, (_, i) => i + 0.5));
    expect(big.view.length).toBe(capacity / 4);
    expect(a.ptr % 16).toBe(0);
    expect(big.ptr % 16).toBe(0);
    ws.dispose();
  });

  it("head(n): the same view while n and the memory stay, re-made with the data after growth", async () => {
    const k = await loadKernels();
    const ws = k.workspace();
    const a = ws.f32(16);
    a.view.set(Array.from({ length: 16 }, (_, i) => i - 3.25));
    const h = a.head(5);
    expect(a.head(5)).toBe(h); // kept: a streamed copy-out makes no new object
    expect(Array.from(h)).toEqual([-3.25, -2.25, -1.25, -0.25, 0.75]);
    expect(a.head(16)).toBe(a.view);
    const h7 = a.head(7);
    expect(h7.length).toBe(7);
    expect(h7[6]).toBe(2.75);
    ws.f64(k.memoryStats().capacityBytes / 4); // forces memory.grow: the kept view detaches
    expect(h7.length).toBe(0);
    const again = a.head(7);
    expect(again === h7).toBe(false);
    expect(Array.from(again)).toEqual([-3.25, -2.25, -1.25, -0.25, 0.75, 1.75, 2.75]);
    expect(again.buffer).toBe(k.runtime?.exports.memory.buffer);
    ws.dispose();
    expect(() => a.head(7)).toThrow(S4StateError);
  });

  it("throws S4StateError after dispose", async () => {
    const k = await loadKernels();
    const ws = k.workspace();
    const a = ws.f32(8);
    ws.dispose();
    expect(() => a.view).toThrow(S4StateError);
    expect(() => ws.f32(4)).toThrow(/Workspace: used after dispose\(\)/);
    ws.dispose(); // idempotent
  });

  it("reuses freed memory: 10,000 create/dispose cycles keep memory flat", async () => {
    const k = await loadKernels();
    const base = k.memoryStats();
    let peak = 0;
    for (let i = 0; i < 10_000; i++) {
      const ws = k.workspace();
      ws.f32(1 + (i % 97) * 31);
      ws.f64(1 + (i % 13) * 101);
      ws.f32(4096);
      if (i % 3 === 0) ws.f32(i % 500);
      ws.dispose();
      peak = Math.max(peak, k.memoryStats().capacityBytes);
    }
    expect(k.memoryStats().liveBytes).toBe(base.liveBytes);
    expect(peak).toBeLessThanOrEqual(base.capacityBytes * 2);
  });

  it("forgets buffers their holder released: a workspace that grows 10,000 times keeps a short list", async () => {
    const k = await loadKernels();
    const ws = k.workspace();
    const keep = ws.f32(8);
    let held = ws.f32(1);
    for (let i = 2; i <= 10_000; i++) {
      // a plan growing for a longer length: the new buffer first, then the old one goes back
      const grown = ws.f32(1 + (i % 300));
      held.release();
      held = grown;
    }
    const list = (ws as unknown as { buffers: unknown[] }).buffers;
    expect(list.length).toBeLessThanOrEqual(2 * 2 + 8); // at most twice the 2 held, plus slack
    expect(list).toContain(keep);
    expect(list).toContain(held);
    ws.dispose(); // still frees what it holds, once
    expect(() => keep.view).toThrow(S4StateError);
    expect(() => held.view).toThrow(S4StateError);
  });

  it("coalesces interleaved frees back into one region", async () => {
    const k = await loadKernels();
    const ws = Array.from({ length: 50 }, () => k.workspace());
    for (const [i, w] of ws.entries()) w.f32(100 + i);
    for (let i = 0; i < 50; i += 2) ws[i].dispose();
    for (let i = 1; i < 50; i += 2) ws[i].dispose();
    const arena = k.runtime!.arena;
    expect(arena.liveBytes).toBe(0);
    // Everything was returned: a block as large as all of them together fits at the bottom again.
    const w = k.workspace();
    const buf = w.f32(50 * 150);
    expect(buf.ptr).toBe(k.runtime!.exports.heapBase() + ((16 - (k.runtime!.exports.heapBase() % 16)) % 16));
  });

  it("the JS backend has no wasm workspace", async () => {
    const k = await loadKernels({ backend: "js" });
    expect(() => k.workspace()).toThrow(/JS backend has no wasm memory/);
  });
});
