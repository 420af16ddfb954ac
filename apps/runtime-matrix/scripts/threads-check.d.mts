import type { LoadOptions, loadKernels } from "@s4wasm/kernels";

/** What threadsCheck returns (and scripts/threads-probe.mjs prints). */
export interface ThreadsResult {
  threads: number;
  differ: number;
  relErr: number;
  ok: boolean;
}

export function threadsCheck(load: typeof loadKernels, options?: LoadOptions): Promise<ThreadsResult>;
