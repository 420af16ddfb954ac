// Suite `s4d-kernel`: the whole S4D kernel K (H, L) from S4D-Lin parameters (ZOH discretisation
// in float64, then the SIMD Vandermonde), WASM vs the float64 JS twin. The official PyTorch CPU
// code takes ~475 ms for H=256, N=64, L=4096 on this kind of machine (issue 4).
// Flop model: the Vandermonde's 10 per (h, n, l).
import { Kernels, loadKernels } from "@s4wasm/kernels";
import { S4DKernel } from "@s4wasm/layers";
import { kernelSizes, s4dParams } from "./ssm-inputs.js";
import type { Contender, Suite, SuiteCase } from "./types.js";

export const s4dKernelSuite: Suite = {
  name: "s4d-kernel",
  description:
    "S4D convolution kernel K = 2 Re sum C dB dA^l (ZOH), H channels, N state size, length L; effective GFLOP/s (direct-method count, as the vandermonde suite)",
  cases({ quick, sizes, full }) {
    return kernelSizes(quick, sizes, full).map(
      ({ H, N, L }): SuiteCase => ({
        params: { H, N, L },
        flops: 10 * H * (N / 2) * L,
        reference: () => {
          const k = new S4DKernel(new Kernels(null), s4dParams(H, N));
          // the float64 twin (Kernels with no wasm runtime)
          return k.kernel(L);
        },
        contenders: async () => {
          const out: Contender[] = [];
          for (const backend of ["wasm", "js"] as const) {
            const kern = new S4DKernel(await loadKernels({ backend }), s4dParams(H, N));
            const K = backend === "wasm" ? new Float32Array(H * L) : new Float64Array(H * L);
            out.push({ name: `s4wasm-${backend}`, run: () => kern.kernel(L, K), output: () => K, dispose: () => kern.dispose() });
          }
          return out;
        },
      }),
    );
  },
};
