// Peer FFT libraries of the `fft` and `conv` suites, loaded once per process. Their packages ship
// no TypeScript types, so the small surface used here is typed by hand. They load from files
// next to their JS in Node; in the browser bundle they are not available and their contenders are
// left out (the module names are kept out of the bundler's sight on purpose).
import { type Kernels, loadKernels } from "@s4wasm/kernels";

/** The pffft C API as exported by @echogarden/pffft-wasm (emscripten module, pointers into HEAPF32). */
export interface PffftModule {
  HEAPF32: Float32Array;
  _pffft_new_setup(n: number, transform: 0 | 1): number;
  _pffft_destroy_setup(setup: number): void;
  _pffft_transform(setup: number, input: number, output: number, work: number, direction: 0 | 1): void;
  _pffft_transform_ordered(setup: number, input: number, output: number, work: number, direction: 0 | 1): void;
  _pffft_zconvolve_accumulate(setup: number, a: number, b: number, ab: number, scaling: number): void;
  _pffft_aligned_malloc(bytes: number): number;
  _pffft_aligned_free(ptr: number): void;
}

const PFFFT_SIMD = "@echogarden/pffft-wasm/simd";
const NODE_MODULE = "node:module";

let pffft: Promise<PffftModule | null> | null = null;
/** The SIMD build of pffft (PFFFT_REAL = 0, PFFFT_COMPLEX = 1; FORWARD = 0, BACKWARD = 1), or null. */
export function loadPffft(): Promise<PffftModule | null> {
  pffft ??= import(PFFFT_SIMD).then((mod) => (mod.default as () => Promise<PffftModule>)()).catch(() => null);
  return pffft;
}

interface KissArray {
  asFloat32Array(): Float32Array;
  free(): void;
}
export interface KissModule {
  ComplexArray: new (n: number) => KissArray;
  RealArray: new (n: number) => KissArray;
  FFTConfig: new (n: number, inverse: boolean) => { work(i: KissArray, o: KissArray): void; free(): void };
  RealFFTConfig: new (n: number) => { work(i: KissArray, o: KissArray): void; free(): void };
}

let kiss: Promise<KissModule | null> | null = null;
/** kissfft-wasm (CommonJS; its wasm loads asynchronously), or null where it cannot load. */
export function loadKiss(): Promise<KissModule | null> {
  kiss ??= (async () => {
    const { createRequire } = (await import(NODE_MODULE)) as typeof import("node:module");
    const require = createRequire(import.meta.url);
    // Its (old) emscripten glue prefers fetch() when it exists, which fails on a file path in
    // Node: hide fetch while the module instantiates, so it reads the file instead.
    const savedFetch = globalThis.fetch;
    (globalThis as { fetch?: typeof fetch }).fetch = undefined;
    let mod: KissModule;
    try {
      mod = require("kissfft-wasm") as KissModule;
    } finally {
      globalThis.fetch = savedFetch;
    }
    await (require("kissfft-wasm/lib/wasm.js") as { waitLoading(): Promise<void> }).waitLoading();
    return mod;
  })().catch(() => null);
  return kiss;
}

const kernels = new Map<string, Promise<Kernels>>();
/** One kernels instance per backend for the whole run. */
export function kernelsOf(backend: "wasm" | "js"): Promise<Kernels> {
  let k = kernels.get(backend);
  if (!k) {
    k = loadKernels({ backend });
    kernels.set(backend, k);
  }
  return k;
}
