// loadKernels() for every runtime but workerd: the inline base64 copy of kernels.wasm is the
// default source. (The package's "workerd" export condition selects loader-workerd.ts instead.)
import { KERNELS_WASM_BASE64 } from "./generated/kernels-wasm.js";
import type { Kernels } from "./kernels.js";
import { type LoadOptions, loadKernelsWith, type WasmSource } from "./loader-core.js";

export type { LoadOptions, WasmSource } from "./loader-core.js";

/**
 * Load the kernels. `loadKernels()` uses the inline wasm; `loadKernels(module | bytes | url)`
 * another copy; `loadKernels({ backend: "js" })` the plain-TypeScript twin.
 */
export function loadKernels(source?: WasmSource | LoadOptions, options: LoadOptions = {}): Promise<Kernels> {
  return loadKernelsWith(() => KERNELS_WASM_BASE64, source, options);
}
