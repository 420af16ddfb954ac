// Suite `block`: one S4 block forward, (B, H, L) -> (B, H, L), the official S4Block math:
//   K = kernel(L) (S4D: Vandermonde; S4: DPLR Cauchy + Woodbury + irfft) -> FFT conv + D u
//   -> exact GELU -> Linear(H, 2H) (register-blocked SIMD matmul) -> GLU
// H = 256, N = 64. `kernel=cached`: parameters unchanged, the conv reuses the kernel spectrum
// (inference); `kernel=computed`: the parameters count as changed on every call, so K and its
// spectrum are recomputed (training-like; DPLR keeps its C-tilde at L, as the official module).
// WASM vs the float64 JS twin; the twin (and the float64 reference) only where B*L <= 4096,
// beyond that a JS run takes seconds and the wasm result is reported unvalidated.
import { Kernels, loadKernels } from "@s4wasm/kernels";
import {
  DPLRKernel,
  diagInit,
  dplrLegsInit,
  randomC,
  randomLogDt,
  S4Block,
  S4DKernel,
  type SSMKernelSource,
} from "@s4wasm/layers";
import type { Contender, Suite, SuiteCase } from "./types.js";

type Model = "s4d" | "s4";
type KernelMode = "cached" | "computed";
const JS_MAX_POSITIONS = 4096;

function seeded(seed: number): () => number {
  let s = seed >>> 0 || 1;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 4294967296;
  };
}

/** The SSM kernel of the model, on `k`. */
function ssmKernel(k: Kernels, model: Model, H: number, N: number): S4DKernel | DPLRKernel {
  const N2 = N / 2;
  const logDt = randomLogDt(H, 1);
  const C = randomC(1, H, N2, 2);
  if (model === "s4d") {
    const { A, B } = diagInit("diag-lin", N, H);
    return new S4DKernel(k, { H, N2, channels: 1, logDt, A, B, C });
  }
  const { Lambda, P, B } = dplrLegsInit(N, H, 1);
  return new DPLRKernel(k, { H, N2, rank: 1, channels: 1, logDt, Lambda, P, B, C, cForm: "C" });
}

/** A view of `inner` whose version changes on every read: the conv recomputes K and its spectrum. */
function alwaysNew(inner: S4DKernel | DPLRKernel): SSMKernelSource {
  let v = 0;
  return {
    get H() {
      return inner.H;
    },
    get channels() {
      return inner.channels;
    },
    get version() {
      return ++v;
    },
    kernel: (L: number, out?: Float32Array | Float64Array) => inner.kernel(L, out),
    kernelToWasm: (L: number, target: Kernels, ptr: number) => inner.kernelToWasm(L, target, ptr),
    stepSource: (D: Float64Array) => inner.stepSource(D) as never,
  };
}

function inputs(H: number, B: number, L: number) {
  const r = seeded(7 + L + B);
  const u = Float64Array.from({ length: B * H * L }, () => 2 * r() - 1);
  const D = Float64Array.from({ length: H }, () => 2 * r() - 1);
  const s = 1 / Math.sqrt(H);
  const W = Float64Array.from({ length: 2 * H * H }, () => s * (2 * r() - 1));
  const bias = Float64Array.from({ length: 2 * H }, () => s * (2 * r() - 1));
  return { u, D, W, bias };
}

function makeBlock(k: Kernels, model: Model, mode: KernelMode, H: number, N: number, B: number, L: number) {
  const inner = ssmKernel(k, model, H, N);
  const { u, D, W, bias } = inputs(H, B, L);
  const block = new S4Block(k, {
    kernel: mode === "cached" ? inner : alwaysNew(inner),
    D,
    bidirectional: false,
    weight: W,
    bias,
  });
  const x = k.backend === "wasm" ? Float32Array.from(u) : u;
  const out = k.backend === "wasm" ? new Float32Array(B * H * L) : new Float64Array(B * H * L);
  return { inner, block, x, out };
}

function contender(
  name: string,
  k: Kernels,
  model: Model,
  mode: KernelMode,
  H: number,
  N: number,
  B: number,
  L: number,
  validate: boolean,
  release?: () => void,
): Contender {
  const { inner, block, x, out } = makeBlock(k, model, mode, H, N, B, L);
  return {
    name,
    run: () => block.forward(x, { batch: B, length: L }, out),
    ...(validate ? { output: () => out } : { validationNote: `B*L > ${JS_MAX_POSITIONS}: no float64 reference at this size` }),
    dispose: () => {
      block.dispose();
      inner.dispose();
      release?.();
    },
  };
}

/** The float64 output of the JS twin (synchronous: the JS backend needs no wasm). */
function referenceOf(model: Model, H: number, N: number, B: number, L: number): Float64Array {
  const k = new Kernels(null);
  const { inner, block, x, out } = makeBlock(k, model, "cached", H, N, B, L);
  block.forward(x, { batch: B, length: L }, out);
  block.dispose();
  inner.dispose();
  return out as Float64Array;
}

export const blockSuite: Suite = {
  name: "block",
  description:
    "S4 block forward (B, H, L): kernel -> FFT conv + D -> GELU -> Linear(H, 2H) -> GLU; S4D and S4 (DPLR), H = 256, N = 64, kernel cached or recomputed per call",
  cases({ quick, sizes, full, threads, threadsWasm }) {
    const H = quick ? 8 : 256;
    const N = quick ? 8 : 64;
    const Ls = sizes ?? (quick ? [64] : full ? [1024, 4096, 16384] : [1024, 4096]);
    const Bs = quick ? [1, 2] : full ? [1, 8] : [1];
    const cases: SuiteCase[] = [];
    for (const model of ["s4d", "s4"] as const)
      for (const L of Ls)
        for (const B of Bs)
          for (const mode of ["cached", "computed"] as const) {
            // The default run of all suites keeps the float64 twin to L = 1024 (seconds a call beyond).
            const small = B * L <= (full ? JS_MAX_POSITIONS : 1024);
            cases.push({
              params: { H, N, L, B, mode: model === "s4" ? "dplr" : "s4d", kernel: mode },
              reference: () => (small ? referenceOf(model, H, N, B, L) : new Float64Array(0)),
              contenders: async () => {
                const list = [contender("s4wasm-wasm", await loadKernels({ backend: "wasm" }), model, mode, H, N, B, L, small)];
                // the same wasm with its Linear split across worker threads (Node, Deno, Bun; a
                // cross-origin isolated page's Web Workers)
                if (threads !== undefined && threads > 1) {
                  const k = await loadKernels({ backend: "wasm", threads, wasm: threadsWasm });
                  list.push(contender(`s4wasm-wasm-${threads}threads`, k, model, mode, H, N, B, L, small, () => k.dispose()));
                }
                if (small) list.push(contender("s4wasm-js", await loadKernels({ backend: "js" }), model, mode, H, N, B, L, true));
                return list;
              },
            });
          }
    return cases;
  },
};
