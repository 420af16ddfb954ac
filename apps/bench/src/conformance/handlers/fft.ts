// fft.json: numpy FFT conventions. Until the FFT plans land, the full complex transforms come
// from the naive DFT plan; the real transforms are reported unsupported.
import { complex, complexOf } from "@s4wasm/golden";
import type { ConformanceHandler } from "../types.js";

export const fftHandler: ConformanceHandler = {
  function: "fft",
  run(c, { kernels }) {
    const xc = complexOf(c.inputs, "xc");
    const plan = kernels.dft(xc.re.length);
    try {
      const X = plan.forward({ re: xc.re, im: xc.im });
      const x = plan.inverse({ re: xc.re, im: xc.im });
      return {
        fft_xc: complex(xc.shape, X.re, X.im),
        ifft_xc: complex(xc.shape, x.re, x.im),
      };
    } finally {
      plan.dispose();
    }
  },
};
