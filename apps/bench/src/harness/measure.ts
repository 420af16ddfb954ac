// Timing: warm up, size a batch of calls to a target time, then time several batches and keep
// per-call median / min / max. One process, contenders measured side by side per case.

export interface MeasureOptions {
  /** Target wall time of one timed batch, in ms. */
  batchMs: number;
  /** Timed batches (the median is over these). */
  repeats: number;
}

export interface Timing {
  median_ns: number;
  min_ns: number;
  max_ns: number;
  repeats: number;
  /** Calls per timed batch. */
  calls: number;
}

const now = () => performance.now();

/** Time `fn` per call. The first calls warm up the JIT / wasm tiers and size the batch. */
export function measure(fn: () => void, { batchMs, repeats }: MeasureOptions): Timing {
  // Warm-up and calibration: double the batch until it takes a quarter of the target.
  let calls = 1;
  for (;;) {
    const t0 = now();
    for (let i = 0; i < calls; i++) fn();
    const dt = now() - t0;
    if (dt >= batchMs / 4 || calls >= 1 << 24) {
      calls = Math.max(1, Math.round((calls * batchMs) / Math.max(dt, 1e-3)));
      break;
    }
    calls *= 2;
  }
  const perCall: number[] = [];
  for (let r = 0; r < repeats; r++) {
    const t0 = now();
    for (let i = 0; i < calls; i++) fn();
    perCall.push(((now() - t0) * 1e6) / calls);
  }
  perCall.sort((a, b) => a - b);
  const mid = perCall.length >> 1;
  const median = perCall.length % 2 ? perCall[mid] : (perCall[mid - 1] + perCall[mid]) / 2;
  return { median_ns: median, min_ns: perCall[0], max_ns: perCall[perCall.length - 1], repeats, calls };
}
