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
  /**
   * When no `kernels` is given: threads of the loaded kernels (default 1; see loadKernels'
   * `threads`: worker threads on a shared memory in Node, Deno, Bun and cross-origin isolated
   * browser pages, same outputs; a bundled page passes the threads build as `wasm`).
   */
  threads?: number;
}

/**
 * `options.kernels` when given (the caller's), else a newly loaded kernels instance for `backend` /
 * `wasm` / `threads`, which the module built on it owns (see {@link adoptKernels}).
 */
export async function resolveKernels(opts: LayerBackendOptions | null = {}, where = "options"): Promise<Kernels> {
  const options = validate.checkOptions(where, opts);
  if (options.kernels !== undefined) {
    // a plan factory call on something else would fail later with an engine TypeError
    if (!(options.kernels instanceof Kernels)) {
      throw new S4ValueError(`${where}.kernels: expected a Kernels instance from loadKernels(), got ${typeof options.kernels}`);
    }
    return options.kernels;
  }
  const kernels = await loadKernels({ backend: options.backend ?? "auto", wasm: options.wasm, threads: options.threads });
  loadedHere.add(kernels);
  return kernels;
}

/** Kernels that resolveKernels loaded itself (not the caller's). */
const loadedHere = new WeakSet<Kernels>();
/** The module each of those kernels was loaded for. */
const owners = new WeakMap<Kernels, object>();

/**
 * A factory (createS4Block, createS4Model, loadOfficial) builds its module on `kernels` through
 * this: when resolveKernels loaded them for it, the module owns them, and its dispose() disposes
 * them too, so their wasm memory and worker threads go with it (and a build that throws disposes
 * them at once). Kernels a caller passed in stay the caller's, and the blocks inside a model leave
 * the model's kernels alone.
 */
export function adoptKernels<T extends { readonly kernels: Kernels }>(kernels: Kernels, build: () => T): T {
  let module: T;
  try {
    module = build();
  } catch (err) {
    // a refused option or checkpoint must not leave loaded kernels (and their workers) behind
    if (loadedHere.has(kernels)) kernels.dispose();
    throw err;
  }
  if (loadedHere.has(kernels)) owners.set(kernels, module);
  return module;
}

/** True when `module` owns its kernels (see {@link adoptKernels}). */
export function ownsKernels(module: { readonly kernels: Kernels }): boolean {
  return owners.get(module.kernels) === module;
}
