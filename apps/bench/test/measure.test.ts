// The timing harness: every contender gets its batches, interleaved; a budget caps the repeats
// of slow contenders at no fewer than 3; medians lie between min and max.
import { describe, expect, it } from "vitest";
import { measureInterleaved } from "../src/harness/measure.js";

function busy(ms: number): () => void {
  return () => {
    const end = performance.now() + ms;
    while (performance.now() < end);
  };
}

describe("measureInterleaved", () => {
  it("times each function in turn, round by round", () => {
    const order: string[] = [];
    const a = () => order.push("a");
    const b = () => order.push("b");
    const [ta, tb] = measureInterleaved([a, b], { batchMs: 0.001, repeats: 4 });
    expect(ta.repeats).toBe(4);
    expect(tb.repeats).toBe(4);
    // After calibration the timed batches alternate a-batch, b-batch.
    const timed = order.slice(order.length - 4 * (ta.calls + tb.calls));
    expect(timed.slice(0, ta.calls).every((x) => x === "a")).toBe(true);
    expect(timed.slice(ta.calls, ta.calls + tb.calls).every((x) => x === "b")).toBe(true);
    for (const t of [ta, tb]) {
      expect(t.min_ns).toBeLessThanOrEqual(t.median_ns);
      expect(t.median_ns).toBeLessThanOrEqual(t.max_ns);
    }
  });

  it("gives a slow function fewer repeats under a budget, never fewer than 3", () => {
    const [slow, fast] = measureInterleaved([busy(5), busy(0.01)], { batchMs: 1, repeats: 9, budgetMs: 12 });
    expect(slow.repeats).toBe(3);
    expect(fast.repeats).toBe(9);
    expect(slow.calls).toBe(1);
  });

  it("runs each function for warmupMs before its first timed call (wasm tier-up), one call at least", () => {
    const stamps: number[] = [];
    const start = performance.now();
    const fn = () => {
      stamps.push(performance.now());
      busy(0.2)();
    };
    const [t] = measureInterleaved([fn], { batchMs: 1, repeats: 3, warmupMs: 25 });
    const timedCalls = 3 * t.calls;
    const firstTimed = stamps[stamps.length - timedCalls];
    expect(firstTimed - start).toBeGreaterThanOrEqual(25);
    // without warmupMs the calibration alone precedes the timed calls (well under 25 ms here)
    stamps.length = 0;
    const start2 = performance.now();
    const [t2] = measureInterleaved([fn], { batchMs: 1, repeats: 3 });
    expect(stamps[stamps.length - 3 * t2.calls] - start2).toBeLessThan(25);
    // a function slower than the warm-up still runs just once before calibration
    let calls = 0;
    measureInterleaved([() => (calls++, busy(3)())], { batchMs: 1, repeats: 3, warmupMs: 1 });
    expect(calls).toBe(1 + 1 + 3); // warm-up, one calibration call (>= batchMs/4), 3 timed
  });
});
