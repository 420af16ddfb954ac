import type { WasmArena } from "./memory/arena.js";
import type { ThreadPool } from "./threads/pool.js";
import type { KernelExports } from "./wasm-exports.js";

/** One instantiated kernels.wasm: its exports and the allocator of its memory. */
export interface WasmRuntime {
  /** The module's exports (pointers are byte offsets into `exports.memory`). */
  readonly exports: KernelExports;
  /** The host-side allocator of the module's memory. */
  readonly arena: WasmArena;
  /** Worker threads on the same (shared) memory, or null: one thread (loadKernels' `threads`). */
  readonly pool?: ThreadPool | null;
}

/** Threads a split call of `runtime` uses: its pool's, or 1 (no pool, or the JS backend). */
export function threadsOf(runtime: WasmRuntime | null): number {
  return runtime?.pool?.threads ?? 1;
}
