// Shared test helpers: both backends, golden tolerances, seeded uniform numbers.
import { type Kernels, loadKernels } from "@s4wasm/kernels";
import { diagInit, dplrLegsInit, randomC, randomLogDt } from "../src/hippo/index.js";
import { makeRng } from "../src/hippo/random.js";
import { DPLRKernel, S4DKernel } from "../src/kernel/index.js";
import type { DPLRParams, S4DParams } from "../src/ssm/params.js";

export const BACKENDS = ["wasm", "js"] as const;
/** Golden README: float32 path 1e-4 relative, float64 twin 1e-9. */
export const TOL = { wasm: 1e-4, js: 1e-9 } as const;

const cache = new Map<string, Promise<Kernels>>();
export function kernelsFor(backend: "wasm" | "js"): Promise<Kernels> {
  let k = cache.get(backend);
  if (!k) {
    k = loadKernels({ backend });
    cache.set(backend, k);
  }
  return k;
}

/** Seeded uniform numbers in [0, 1) (mulberry32, the layers' own makeRng). */
export function rng(seed: number): () => number {
  return makeRng(seed).uniform;
}

/** n seeded values uniform in [-1, 1). */
export function seeded(n: number, seed: number): Float64Array {
  const u = makeRng(seed).uniform;
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) out[i] = 2 * u() - 1;
  return out;
}

/** Root-mean-square relative error of a against b. */
export function relErr(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let num = 0;
  let den = 0;
  for (let i = 0; i < a.length; i++) {
    num += (a[i] - b[i]) ** 2;
    den += b[i] ** 2;
  }
  return Math.sqrt(num / Math.max(den, 1e-300));
}

/** LegS DPLR parameters with random dt and C; ranks beyond 1 get random normal P rows (scale 0.3). */
export function randomDPLR(H: number, N: number, rank: number, channels: number, seed: number): DPLRParams {
  const d = dplrLegsInit(N, H, 1);
  const rng = makeRng(seed);
  const P = { re: new Float64Array(rank * H * (N / 2)), im: new Float64Array(rank * H * (N / 2)) };
  P.re.set(d.P.re);
  P.im.set(d.P.im);
  for (let i = H * (N / 2); i < P.re.length; i++) {
    P.re[i] = 0.3 * rng.normal();
    P.im[i] = 0.3 * rng.normal();
  }
  return {
    H,
    N2: N / 2,
    rank,
    channels,
    logDt: randomLogDt(H, rng),
    Lambda: d.Lambda,
    P,
    B: d.B,
    C: randomC(channels, H, N / 2, rng),
    cForm: "C",
  };
}

/** S4D-Lin parameters (diag-lin A, B) with random dt and C. */
export function randomS4D(H: number, N2: number, channels: number, seed: number): S4DParams {
  const rng = makeRng(seed);
  const { A, B } = diagInit("diag-lin", 2 * N2, H);
  return { H, N2, channels, logDt: randomLogDt(H, rng), A, B, C: randomC(channels, H, N2, rng) };
}

/**
 * The S4Block set-ups the kernel-path tests compare: an S4D and a DPLR kernel maker (2 kernel
 * channels each, H channels) x causal (2 output groups) and bidirectional (1), with D, the
 * Linear weight and bias of that shape.
 */
export function* blockCases(k: Kernels, H: number, seed: number) {
  for (const bidirectional of [false, true]) {
    for (const make of [
      () => new S4DKernel(k, randomS4D(H, 4, 2, seed)),
      () => new DPLRKernel(k, randomDPLR(H, 8, 1, 2, seed)),
    ]) {
      const c = bidirectional ? 1 : 2;
      const parts = {
        D: seeded(c * H, 1),
        weight: seeded(2 * H * c * H, 2).map((v) => v / 4),
        bias: seeded(2 * H, 3),
        bidirectional,
      };
      yield { make, parts };
    }
  }
}
