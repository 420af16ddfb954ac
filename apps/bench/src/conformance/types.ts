import type { GoldenCase, Tensor } from "@s4wasm/golden";
import type { Kernels } from "@s4wasm/kernels";

/** What a handler gets to compute a case: the kernels instance of the chosen backend. */
export interface ConformanceContext {
  kernels: Kernels;
  backend: "wasm" | "js";
}

/**
 * Computes, with the project's public APIs, the outputs of one golden `function` that the
 * project supports. Outputs a handler does not return are reported `unsupported`, never skipped
 * silently; outputs in `skip` are left out on purpose (the golden README marks them
 * informational) and reported with the reason.
 */
export interface ConformanceHandler {
  /** The golden file's `function` field, e.g. "fft". */
  function: string;
  /** Output name -> tensor (same shape as the golden output; float64 or complex planes). */
  run(c: GoldenCase, ctx: ConformanceContext): Record<string, Tensor> | Promise<Record<string, Tensor>>;
  /** Output name -> why it is not compared (e.g. "phase-dependent eigenvectors"). */
  skip?: Record<string, string>;
}
