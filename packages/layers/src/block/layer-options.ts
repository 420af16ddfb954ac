// How a layer gets its kernels: pass a loaded `Kernels` instance to share one wasm memory between
// layers (the usual case inside a model), or a backend choice and let `create()` load one.
import { type BackendChoice, Kernels, loadKernels, S4ValueError, validate, type WasmSource } from "@s4wasm/kernels";

/** How a layer gets its kernels: a loaded instance to share, or a backend choice to load one. */
export interface LayerBackendOptions {
  /** A loaded kernels instance to run on (layers of one model share it). */
  kernels?: Kernels;
  /** When no `kernels` is given: `auto` (default) picks WASM SIMD where available, else the JS twin. */
  backend?: BackendChoice;
  /** When no `kernels` is given: where kernels.wasm comes from (workerd needs the compiled Module). */
  wasm?: WasmSource;
}

/** `options.kernels` when given, else a newly loaded kernels instance for `backend` / `wasm`. */
export async function resolveKernels(opts: LayerBackendOptions | null = {}, where = "options"): Promise<Kernels> {
  const options = validate.checkOptions(where, opts);
  if (options.kernels !== undefined) {
    // a plan factory call on something else would fail later with an engine TypeError
    if (!(options.kernels instanceof Kernels)) {
      throw new S4ValueError(`${where}.kernels: expected a Kernels instance from loadKernels(), got ${typeof options.kernels}`);
    }
    return options.kernels;
  }
  return loadKernels({ backend: options.backend ?? "auto", wasm: options.wasm });
}
