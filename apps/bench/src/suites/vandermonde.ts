// Suite `vandermonde`: K[h,l] = 2 Re sum_n C[h,n] z[h,n]^l (S4D-Lin modes, z = exp(dt A)),
// WASM SIMD (f32 chains stepping by z^8, re-anchored from f64 powers every 2048 l) vs the float64
// JS twin. Flop model: 10 per (h, n, l) (complex power update 6 + Re(C p) and accumulate 4).
import { js, loadKernels } from "@s4wasm/kernels";
import { kernelSizes, s4dParams, scaleRows } from "./ssm-inputs.js";
import type { Contender, Suite, SuiteCase } from "./types.js";

function inputs(H: number, N: number) {
  const p = s4dParams(H, N);
  const dt = p.logDt.map(Math.exp);
  return { C: p.C, logz: scaleRows(p.A, dt, N / 2) };
}

export const vandermondeSuite: Suite = {
  name: "vandermonde",
  description:
    "Vandermonde K = 2 Re sum_n C z^l (H, N/2 modes, L), S4D-Lin modes; includes copies in/out of wasm memory. GFLOP/s counts the direct method (10 flops per mode and l); the wasm path does 4 in a matrix product, so it reads as effective GFLOP/s",
  cases({ quick, sizes, full }) {
    return kernelSizes(quick, sizes, full).map(
      ({ H, N, L }): SuiteCase => ({
        params: { H, N, L },
        flops: 10 * H * (N / 2) * L,
        reference: () => {
          const { C, logz } = inputs(H, N);
          const K = new Float64Array(H * L);
          js.vandermonde(C.re, C.im, logz.re, logz.im, K, H, N / 2, L);
          return K;
        },
        contenders: async () => {
          const out: Contender[] = [];
          for (const backend of ["wasm", "js"] as const) {
            const k = await loadKernels({ backend });
            const { C, logz } = inputs(H, N);
            const plan = k.vandermonde({ channels: H, modes: N / 2, length: L });
            const K = backend === "wasm" ? new Float32Array(H * L) : new Float64Array(H * L);
            out.push({
              name: `s4wasm-${backend}`,
              run: () => plan.apply(C, logz, K),
              output: () => K,
              dispose: () => plan.dispose(),
            });
          }
          return out;
        },
      }),
    );
  },
};
