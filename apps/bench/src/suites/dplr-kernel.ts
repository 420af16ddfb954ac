// Suite `dplr-kernel`: the S4 (DPLR, rank 1, HiPPO-LegS) kernel K (H, L) from stored C-tilde:
// nodes and numerators in float64, fused SIMD Cauchy x4 + Woodbury over L/2+1 nodes, then the
// inverse real FFT of length L; WASM (and WASM with the resolvent on several threads, where the
// machine has the cores) vs the float64 JS twin. The official PyTorch CPU code takes
// ~714 ms for H=256, N=64, L=4096 on this kind of machine (issue 4).
// Flop model: 59 per (h, n, node) (shared denominator 15 + 4 numerator sets x 11) plus
// 2.5 L log2 L per channel for the irfft: the direct sums' count, kept as the common yardstick.
// The wasm resolvent sums the poles far from a node by series (kernels' cauchy-series.ts), so it
// does fewer flops than that and its "GFLOP/s" can pass the machine's peak.
import { Kernels, loadKernels } from "@s4wasm/kernels";
import { DPLRKernel } from "@s4wasm/layers";
import { dplrParams, kernelSizes } from "./ssm-inputs.js";
import type { Contender, Suite, SuiteCase } from "./types.js";

export const dplrKernelSuite: Suite = {
  name: "dplr-kernel",
  description:
    "S4 DPLR kernel (rank 1, LegS): Cauchy + Woodbury at L/2+1 nodes, 2/(1+omega), irfft of length L. GFLOP/s counts the direct sums (59 flops per pole pair and node, plus the irfft); the wasm path sums far poles as series, so it reads as effective GFLOP/s and can pass the machine's peak",
  cases({ quick, sizes, full, threads, threadsWasm }) {
    return kernelSizes(quick, sizes, full).map(
      ({ H, N, L }): SuiteCase => ({
        params: { H, N, L },
        flops: 59 * H * (N / 2) * (Math.floor(L / 2) + 1) + 2.5 * H * L * Math.log2(L),
        reference: () => {
          const k = new DPLRKernel(new Kernels(null), dplrParams(H, N, L));
          // the float64 twin (Kernels with no wasm runtime)
          return k.kernel(L);
        },
        contenders: async () => {
          const out: Contender[] = [];
          for (const backend of ["wasm", "js"] as const) {
            const kern = new DPLRKernel(await loadKernels({ backend }), dplrParams(H, N, L));
            const K = backend === "wasm" ? new Float32Array(H * L) : new Float64Array(H * L);
            out.push({ name: `s4wasm-${backend}`, run: () => kern.kernel(L, K), output: () => K, dispose: () => kern.dispose() });
          }
          // the wasm with its resolvent split across worker threads (Node, Deno, Bun; a
          // cross-origin isolated page's Web Workers)
          if (threads !== undefined && threads > 1) {
            const k = await loadKernels({ backend: "wasm", threads, wasm: threadsWasm });
            const kern = new DPLRKernel(k, dplrParams(H, N, L));
            const K = new Float32Array(H * L);
            const dispose = () => {
              kern.dispose();
              k.dispose();
            };
            out.splice(1, 0, { name: `s4wasm-wasm-${threads}threads`, run: () => kern.kernel(L, K), output: () => K, dispose });
          }
          return out;
        },
      }),
    );
  },
};
