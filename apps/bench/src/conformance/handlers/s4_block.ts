// s4_block.json: the official S4Block forward (FFTConv + D -> GELU -> Linear(H, 2H) -> GLU) with
// the kernel computed by @s4wasm/layers from the case's SSM parameters (S4D ZOH or S4 DPLR from
// C-tilde), in layout (B, L, H). y_ssm_pre_gelu comes from the FFTConv layer without activation.
import { complexOf, type GoldenCase, real, realOf } from "@s4wasm/golden";
import type { Kernels } from "@s4wasm/kernels";
import { DPLRKernel, FFTConv, S4Block, S4DKernel, type SSMKernelSource } from "@s4wasm/layers";
import type { ConformanceHandler } from "../types.js";

function planes(c: GoldenCase, name: string) {
  const t = complexOf(c.inputs, name);
  return { re: t.re, im: t.im };
}

/** The SSM kernel of the case: S4D (A_re, A_im, B, C, ZOH) or DPLR (Lambda, P, B, C-tilde at L). */
function kernelOf(kernels: Kernels, c: GoldenCase): SSMKernelSource & { dispose(): void } {
  const { H, N, L, channels } = c.params as { H: number; N: number; L: number; channels: number };
  const logDt = realOf(c.inputs, "log_dt").data;
  if (c.params.kernel === "s4d_zoh") {
    const A = { re: realOf(c.inputs, "A_re").data, im: realOf(c.inputs, "A_im").data };
    return new S4DKernel(kernels, { H, N2: N / 2, channels, logDt, A, B: planes(c, "B"), C: planes(c, "C") }, { disc: "zoh" });
  }
  const P = planes(c, "P");
  return new DPLRKernel(kernels, {
    H,
    N2: N / 2,
    rank: P.re.length / ((H * N) / 2),
    channels,
    logDt,
    Lambda: planes(c, "Lambda"),
    P,
    B: planes(c, "B"),
    C: planes(c, "C_tilde"),
    cForm: "CTilde",
    tildeLength: L,
  });
}

export const s4BlockHandler: ConformanceHandler = {
  function: "s4_block",
  run(c, { kernels }) {
    const { B, L, H } = c.params as { B: number; L: number; H: number };
    const bidirectional = c.params.bidirectional as boolean;
    const kernel = kernelOf(kernels, c);
    const D = realOf(c.inputs, "D").data;
    const uBLH = realOf(c.inputs, "u").data;
    const u = kernels.backend === "wasm" ? Float32Array.from(uBLH) : uBLH;
    const block = new S4Block(kernels, {
      kernel,
      D,
      bidirectional,
      weight: realOf(c.inputs, "W").data,
      bias: realOf(c.inputs, "bias").data,
      layout: "BLH",
    });
    // The pre-activation SSM output, (B, H, L): FFTConv without GELU on u transposed to (B, H, L).
    const conv = new FFTConv(kernels, { kernel, D, bidirectional, activation: "id" });
    try {
      const y = block.forward(u, { batch: B, length: L });
      const uBHL = new (u.constructor as Float64ArrayConstructor)(u.length);
      for (let b = 0; b < B; b++)
        for (let l = 0; l < L; l++) for (let h = 0; h < H; h++) uBHL[(b * H + h) * L + l] = u[(b * L + l) * H + h];
      const pre = conv.forward(uBHL, B, L);
      return { y: real([B, L, H], y), y_ssm_pre_gelu: real([B, conv.outChannels, L], pre) };
    } finally {
      block.dispose();
      conv.dispose();
      kernel.dispose();
    }
  },
};
