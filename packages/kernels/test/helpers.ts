// Shared test helpers: both backends, seeded random data.
import { type Kernels, loadKernels } from "../src/index.js";

export const BACKENDS = ["wasm", "js"] as const;
/** Tolerances of the golden README: float32 path 1e-4 relative, float64 twin 1e-9. */
export const TOL = { wasm: 1e-4, js: 1e-9 } as const;

const cache = new Map<string, Promise<Kernels>>();
/** One kernels instance per backend for the whole test file. */
export function kernelsFor(backend: "wasm" | "js"): Promise<Kernels> {
  let k = cache.get(backend);
  if (!k) {
    k = loadKernels({ backend });
    cache.set(backend, k);
  }
  return k;
}

/** Mulberry32: small seeded PRNG so property tests are reproducible. */
export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** n normal-ish values in [-1, 1). */
export function randomArray(n: number, rand: () => number): Float64Array {
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) out[i] = 2 * rand() - 1;
  return out;
}
