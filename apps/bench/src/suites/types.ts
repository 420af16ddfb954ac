// What a benchmark suite declares. The harness (harness/run-suite.ts) times every contender of
// every case side by side in one process, validates each against the case's float64 reference,
// and writes one record per (suite, params, contender).
import type { WasmSource } from "@s4wasm/kernels";

/** One implementation being timed, e.g. "s4wasm-wasm", "s4wasm-js", "fft.js", "@echogarden/pffft-wasm-simd". */
export interface Contender {
  name: string;
  /** The timed operation: one transform / one kernel / one step. Inputs are prepared beforehand. */
  run: () => void;
  /**
   * The result of the last `run`, in the layout of the case's reference, for validation.
   * Omit only when the layout is not comparable (then `validationNote` says why).
   */
  output?: () => ArrayLike<number>;
  validationNote?: string;
  /** Free what the contender holds (wasm plans). */
  dispose?: () => void;
}

export interface SuiteCase {
  /** Parameters that identify the case in the records, e.g. { n: 4096, kind: "real" }. */
  params: Record<string, number | string>;
  /** Floating-point operations of one run, for the MFLOPS / GFLOP/s column (optional). */
  flops?: number;
  /** The float64 expected output (usually from the JS twin or a direct formula). */
  reference: () => ArrayLike<number>;
  /** Build the contenders (allocations, plans, input copies happen here, untimed). */
  contenders: () => Promise<Contender[]>;
}

export interface SuiteOptions {
  /** Tiny sizes that prove every path runs (used by `npm test`). */
  quick: boolean;
  /** Sizes given with --sizes (meaning per suite: n, L, ...), replacing the defaults. */
  sizes?: number[];
  /**
   * Every size the issue specs name (a suite run on its own, or --full). Without it — the
   * default `npm run bench` over all suites — suites keep a representative subset so the whole
   * run takes about two minutes on 2 cores.
   */
  full?: boolean;
  /**
   * Threads for the suites that also time s4wasm on several threads (loadKernels' `threads`);
   * absent or 1: single-threaded contenders only.
   */
  threads?: number;
  /**
   * Where those contenders load the threads build from (loadKernels' `wasm`): absent, from beside
   * the package (Node); the browser page passes the URL of the copy it serves.
   */
  threadsWasm?: WasmSource;
}

export interface Suite {
  name: string;
  description: string;
  /** The cases to run at these options. */
  cases(options: SuiteOptions): SuiteCase[];
}
