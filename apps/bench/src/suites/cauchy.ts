// Suite `cauchy`: conjugate-pair Cauchy sums k[h,m] = sum_n v/(z_m - w) + conj(v)/(z_m - conj(w))
// at the bilinear nodes z_k = 2i tan(pi k/L), k = 0..L/2-1, poles w = dt Lambda of HiPPO-LegS
// (H, N/2), WASM SIMD (one product-form denominator per pair) vs the float64 JS twin.
// Flop model: 24 per (h, n, node) (denominator 11, one reciprocal, numerator and accumulate 12),
// the direct sum's: the wasm kernel sums poles far from a node group as series (fewer flops).
import { js, loadKernels } from "@s4wasm/kernels";
import { concat, dplrParams, kernelSizes, scaleRows } from "./ssm-inputs.js";
import type { Contender, Suite, SuiteCase } from "./types.js";

function inputs(H: number, N: number, L: number) {
  const p = dplrParams(H, N, L);
  const dt = p.logDt.map(Math.exp);
  const M = L / 2;
  const z = { re: new Float64Array(M), im: new Float64Array(M) };
  for (let k = 0; k < M; k++) z.im[k] = 2 * Math.tan((Math.PI * k) / L);
  return { v: scaleRows(p.C, dt, N / 2), z, w: scaleRows(p.Lambda, dt, N / 2), M };
}

export const cauchySuite: Suite = {
  name: "cauchy",
  description:
    "Cauchy sums over conjugate pairs at L/2 bilinear nodes, LegS poles; includes copies in/out of wasm memory. GFLOP/s counts the direct sum (24 flops per pole pair and node); the wasm path sums far poles as series, so it reads as effective GFLOP/s and can pass the machine's peak",
  cases({ quick, sizes, full }) {
    return kernelSizes(quick, sizes, full).map(
      ({ H, N, L }): SuiteCase => ({
        params: { H, N, L, nodes: L / 2 },
        flops: 24 * H * (N / 2) * (L / 2),
        reference: () => {
          const { v, z, w, M } = inputs(H, N, L);
          const re = new Float64Array(H * M);
          const im = new Float64Array(H * M);
          js.cauchyConj(v.re, v.im, z.re, z.im, w.re, w.im, re, im, H, N / 2, M, 0, 1);
          return concat(re, im);
        },
        contenders: async () => {
          const out: Contender[] = [];
          for (const backend of ["wasm", "js"] as const) {
            const k = await loadKernels({ backend });
            const { v, z, w, M } = inputs(H, N, L);
            const plan = k.cauchy({ channels: H, modes: N / 2, nodes: M, conjugatePairs: true });
            const F = backend === "wasm" ? Float32Array : Float64Array;
            const o = { re: new F(H * M), im: new F(H * M) };
            out.push({
              name: `s4wasm-${backend}`,
              run: () => plan.apply(v, z, w, o),
              output: () => concat(o.re, o.im),
              dispose: () => plan.dispose(),
            });
          }
          return out;
        },
      }),
    );
  },
};
