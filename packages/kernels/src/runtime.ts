import type { WasmArena } from "./memory/arena.js";
import type { KernelExports } from "./wasm-exports.js";

/** One instantiated kernels.wasm: its exports and the allocator of its memory. */
export interface WasmRuntime {
  /** The module's exports (pointers are byte offsets into `exports.memory`). */
  readonly exports: KernelExports;
  /** The host-side allocator of the module's memory. */
  readonly arena: WasmArena;
}
