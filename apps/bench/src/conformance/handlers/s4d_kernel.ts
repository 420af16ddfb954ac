// s4d_kernel.json: dA, dB (float64 discretisation) and K from the S4D kernel of @s4wasm/layers
// (SIMD Vandermonde on wasm, float64 twin on js).
import { complex, complexOf, real, realOf } from "@s4wasm/golden";
import { discretizeS4D, type S4DParams, s4dKernel } from "@s4wasm/layers";
import type { ConformanceHandler } from "../types.js";

export const s4dKernelHandler: ConformanceHandler = {
  function: "s4d_kernel",
  run(c, { kernels }) {
    const H = c.params.H as number;
    const N2 = c.params.N_stored as number;
    const L = c.params.L as number;
    const disc = c.params.disc as "zoh" | "bilinear";
    const B = complexOf(c.inputs, "B");
    const C = complexOf(c.inputs, "C");
    const p: S4DParams = {
      H,
      N2,
      channels: 1,
      logDt: realOf(c.inputs, "log_dt").data,
      A: { re: realOf(c.inputs, "A_re").data, im: realOf(c.inputs, "A_im").data },
      B: { re: B.re, im: B.im },
      C: { re: C.re, im: C.im },
    };
    const { dA, dB } = discretizeS4D(p, disc);
    const K = s4dKernel(kernels, p, L, { disc });
    return {
      dA: complex([H, N2], dA.re, dA.im),
      dB: complex([H, N2], dB.re, dB.im),
      K: real([H, L], K),
    };
  },
};
