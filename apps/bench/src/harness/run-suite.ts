// Run one suite: for each case build every contender, time them side by side (interleaved), validate each
// against the case's float64 reference, and produce records.
import { relErrorReal } from "@s4wasm/golden";
import type { Suite, SuiteOptions } from "../suites/types.js";
import { type MeasureOptions, measureInterleaved } from "./measure.js";
import type { BenchRecord } from "./record.js";

/** Float32 contenders must agree with the float64 reference this well, or they are reported wrong. */
export const VALIDATION_TOLERANCE = 1e-3;

export interface RunHooks {
  /** Called before each contender is timed (progress display). */
  onStep?: (label: string) => void;
}

export async function runSuite(
  suite: Suite,
  options: SuiteOptions,
  timing: MeasureOptions,
  hooks: RunHooks = {},
): Promise<BenchRecord[]> {
  const records: BenchRecord[] = [];
  for (const c of suite.cases(options)) {
    const reference = c.reference();
    const contenders = await c.contenders();
    try {
      const label = (i: number) => `${suite.name} ${JSON.stringify(c.params)} ${contenders[i].name}`;
      const timings = measureInterleaved(
        contenders.map((ct) => ct.run),
        timing,
        (i) => hooks.onStep?.(label(i)),
      );
      contenders.forEach((ct, i) => {
        const t = timings[i];
        let rel: number | null = null;
        let status: BenchRecord["status"] = "unvalidated";
        if (ct.output) {
          rel = relErrorReal(ct.output(), reference);
          status = rel <= VALIDATION_TOLERANCE ? "ok" : "wrong";
        }
        const rec: BenchRecord = {
          suite: suite.name,
          params: c.params,
          contender: ct.name,
          median_ns: t.median_ns,
          min_ns: t.min_ns,
          max_ns: t.max_ns,
          repeats: t.repeats,
          unit: "ns",
          rel_err: rel,
          status,
        };
        if (c.flops) rec.gflops = c.flops / t.median_ns;
        if (ct.validationNote) rec.note = ct.validationNote;
        records.push(rec);
      });
    } finally {
      for (const ct of contenders) ct.dispose?.();
    }
  }
  return records;
}
