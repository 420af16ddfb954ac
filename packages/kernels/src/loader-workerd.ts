// loadKernels() for Cloudflare workerd (the package's "workerd" export condition): workerd cannot
// compile wasm from bytes, so the inline copy would be dead weight (285 KB of the bundle). Pass
// the kernels.wasm module, declared as a wasm module in the worker's config.
import type { Kernels } from "./kernels.js";
import { type LoadOptions, loadKernelsWith, type WasmSource } from "./loader-core.js";

export type { LoadOptions, WasmSource } from "./loader-core.js";

/**
 * Load the kernels from the compiled kernels.wasm module (`loadKernels(module)` or
 * `loadKernels({ wasm: module })`), or the plain-TypeScript twin (`{ backend: "js" }`).
 * Without a module the wasm backend refuses with an S4BackendError saying what to pass.
 */
export function loadKernels(source?: WasmSource | LoadOptions, options: LoadOptions = {}): Promise<Kernels> {
  return loadKernelsWith(() => null, source, options);
}
