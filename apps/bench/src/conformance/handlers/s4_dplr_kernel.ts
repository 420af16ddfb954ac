// s4_dplr_kernel.json: C_tilde, K_freq and K from the DPLR kernel of @s4wasm/layers (SIMD Cauchy
// + fused Woodbury + FFT on wasm, float64 twin on js); omega and, for N <= 16, the dense
// full-state A, dA, dB (float64 setup math).
import { complex, complexOf, real, realOf } from "@s4wasm/golden";
import { DPLRKernel, type DPLRParams, discretizeDPLRDense, dplrDenseContinuous } from "@s4wasm/layers";
import type { ConformanceHandler } from "../types.js";

export const s4DplrKernelHandler: ConformanceHandler = {
  function: "s4_dplr_kernel",
  skip: {
    z: "informational (README): z[L/2] is ~3e16 and rounding dependent; the kernel evaluates the Nyquist bin in closed form instead",
  },
  run(c, { kernels }) {
    const H = c.params.H as number;
    const N2 = c.params.N_stored as number;
    const L = c.params.L as number;
    const cx = (name: string) => {
      const t = complexOf(c.inputs, name);
      return { re: t.re, im: t.im };
    };
    const p: DPLRParams = {
      H,
      N2,
      rank: c.params.R as number,
      channels: 1,
      logDt: realOf(c.inputs, "log_dt").data,
      Lambda: cx("Lambda"),
      P: cx("P"),
      B: cx("B"),
      C: cx("C"),
      cForm: "C",
    };
    const kern = new DPLRKernel(kernels, p);
    try {
      const M = Math.floor(L / 2) + 1;
      const Ct = kern.cTilde(L);
      const Kf = kern.kernelFreq(L);
      const K = kern.kernel(L);
      const omega = { re: new Float64Array(M), im: new Float64Array(M) };
      for (let k = 0; k < M; k++) {
        omega.re[k] = Math.cos((2 * Math.PI * k) / L);
        omega.im[k] = -Math.sin((2 * Math.PI * k) / L);
      }
      const out: Record<string, ReturnType<typeof real> | ReturnType<typeof complex>> = {
        C_tilde: complex([H, N2], Ct.re, Ct.im),
        K_freq: complex([H, M], Kf.re, Kf.im),
        K: real([H, L], K),
        omega: complex([M], omega.re, omega.im),
      };
      if (c.outputs.A_full) {
        const N = 2 * N2;
        const A = dplrDenseContinuous(p).A;
        const { dA, dB } = discretizeDPLRDense(p);
        out.A_full = complex([H, N, N], A.re, A.im);
        out.dA_full = complex([H, N, N], dA.re, dA.im);
        out.dB_full = complex([H, N], dB.re, dB.im);
      }
      return out;
    } finally {
      kern.dispose();
    }
  },
};
