// fftconv.json: the official S4 FFTConv (n = 2L), causal and bidirectional, through the kernels'
// FFT convolution plan with a kept kernel spectrum; K_two_sided is the kernel the plan
// transforms (js.kernelRow, the same function the plan uses).
import { real, realOf } from "@s4wasm/golden";
import { js } from "@s4wasm/kernels";
import type { ConformanceHandler } from "../types.js";

export const fftconvHandler: ConformanceHandler = {
  function: "fftconv",
  run(c, { kernels }) {
    const { B, H, L, bidirectional } = c.params as { B: number; H: number; L: number; bidirectional: boolean };
    const u = realOf(c.inputs, "u");
    const K = realOf(c.inputs, "K");
    const D = realOf(c.inputs, "D");
    const conv = kernels.fftConv({ channels: H, length: L, bidirectional, batch: B });
    try {
      conv.setKernel(K.data);
      const y = conv.apply(u.data, { D: D.data });
      const out: Record<string, ReturnType<typeof real>> = { y: real(u.shape, y) };
      if (bidirectional) {
        const two = new Float64Array(H * 2 * L);
        const row = new Float64Array(2 * L);
        for (let h = 0; h < H; h++) {
          js.kernelRow(K.data, H, L, h, true, row);
          two.set(row, h * 2 * L);
        }
        out.K_two_sided = real([H, 2 * L], two);
      }
      return out;
    } finally {
      conv.dispose();
    }
  },
};
