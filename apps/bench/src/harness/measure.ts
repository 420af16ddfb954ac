// Timing: warm up, size a batch of calls to a target time, then time several batches and keep
// per-call median / min / max. The warm-up runs a contender for `warmupMs` first: V8 starts wasm
// in its baseline compiler (Liftoff) and moves a function to the optimizing one only after it
// has run for a while, compiling in the background; measured here, rfft(512) ran at ~800 ns a
// call for its first ~40 ms of calls, then at ~390 ns. Without the warm-up a case's first
// repeats could time baseline code (seen as medians far above the min, e.g. 311 vs 183 ns). The contenders of one case are timed interleaved — one batch of
// each in turn, round after round — so a burst of load on this shared machine hits them all
// alike and their ratios stay meaningful even when absolute times swing.

export interface MeasureOptions {
  /** Target wall time of one timed batch, in ms. */
  batchMs: number;
  /** Calls run for at least this long (ms) before calibration; default 0 (at least one call). */
  warmupMs?: number;
  /** Timed batches (the median is over these). */
  repeats: number;
  /**
   * Time budget of one contender's timed batches, in ms: slow contenders (a float64 twin taking
   * seconds a call) get fewer repeats, never fewer than 3. Default: no budget.
   */
  budgetMs?: number;
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

interface Plan {
  fn: () => void;
  calls: number;
  repeats: number;
  samples: number[];
}

/** Warm-up (warmupMs), then calibration: double the batch until it takes a quarter of the target. */
function calibrate(fn: () => void, { batchMs, repeats, budgetMs, warmupMs = 0 }: MeasureOptions): Plan {
  const warmEnd = now() + warmupMs;
  do fn();
  while (now() < warmEnd);
  let calls = 1;
  let perCallMs = 0;
  for (;;) {
    const t0 = now();
    for (let i = 0; i < calls; i++) fn();
    const dt = now() - t0;
    if (dt >= batchMs / 4 || calls >= 1 << 24) {
      perCallMs = dt / calls;
      calls = Math.max(1, Math.round((calls * batchMs) / Math.max(dt, 1e-3)));
      break;
    }
    calls *= 2;
  }
  let n = repeats;
  if (budgetMs !== undefined) n = Math.max(3, Math.min(repeats, Math.floor(budgetMs / Math.max(calls * perCallMs, 1e-3))));
  return { fn, calls, repeats: n, samples: [] };
}

function summarize(p: Plan): Timing {
  const s = [...p.samples].sort((a, b) => a - b);
  const mid = s.length >> 1;
  const median = s.length % 2 ? s[mid] : (s[mid - 1] + s[mid]) / 2;
  return { median_ns: median, min_ns: s[0], max_ns: s[s.length - 1], repeats: s.length, calls: p.calls };
}

/** Time several functions per call, interleaved round by round. */
export function measureInterleaved(fns: (() => void)[], options: MeasureOptions, onCalibrate?: (i: number) => void): Timing[] {
  const plans = fns.map((fn, i) => {
    onCalibrate?.(i);
    return calibrate(fn, options);
  });
  const rounds = Math.max(...plans.map((p) => p.repeats));
  for (let r = 0; r < rounds; r++) {
    for (const p of plans) {
      if (r >= p.repeats) continue;
      const t0 = now();
      for (let i = 0; i < p.calls; i++) p.fn();
      p.samples.push(((now() - t0) * 1e6) / p.calls);
    }
  }
  return plans.map(summarize);
}

/** Time one function per call. */
export function measure(fn: () => void, options: MeasureOptions): Timing {
  return measureInterleaved([fn], options)[0];
}
