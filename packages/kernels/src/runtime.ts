import type { WasmArena } from "./memory/arena.js";
import type { KernelExports } from "./wasm-exports.js";

/** One instantiated kernels.wasm: its exports and the allocator of its memory. */
export interface WasmRuntime {
  readonly exports: KernelExports;
  readonly arena: WasmArena;
}
