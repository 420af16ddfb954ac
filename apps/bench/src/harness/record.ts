import type { MachineFacts } from "./machine.js";

/** One measurement: the JSON record format every suite keeps to. */
export interface BenchRecord {
  suite: string;
  params: Record<string, number | string>;
  contender: string;
  median_ns: number;
  min_ns: number;
  max_ns: number;
  repeats: number;
  unit: "ns";
  /** Relative error against the float64 reference (null when not comparable; see note). */
  rel_err: number | null;
  /** Floating-point rate at the median, in GFLOP/s, when the suite states the work. */
  gflops?: number;
  /** "wrong" when rel_err exceeds the tolerance: a fast wrong answer is not fast. */
  status: "ok" | "wrong" | "unvalidated";
  note?: string;
}

export interface BenchReport {
  machine: MachineFacts;
  /** What each suite that ran measures, by name (its description: inputs, flop model, caveats). */
  suites?: Record<string, string>;
  records: BenchRecord[];
}
