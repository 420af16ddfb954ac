// fft.json: numpy FFT conventions, computed with the kernels' FFT plans (any length):
// fft/ifft of xc (complex, L), rfft(x, n = 2L) (zero-padded through inputLength), its irfft
// round trip, and irfft(Y, L) where Y's imaginary DC / Nyquist parts must be ignored.
import { complex, complexOf, real, realOf } from "@s4wasm/golden";
import type { ConformanceHandler } from "../types.js";

export const fftHandler: ConformanceHandler = {
  function: "fft",
  run(c, { kernels }) {
    const L = c.params.L as number;
    const n = c.params.n as number;
    const xc = complexOf(c.inputs, "xc");
    const x = realOf(c.inputs, "x");
    const Y = complexOf(c.inputs, "Y");
    const f = kernels.fft(L);
    const r = kernels.rfft(n, { inputLength: L });
    const rl = kernels.rfft(L);
    try {
      const X = f.forward({ re: xc.re, im: xc.im });
      const xi = f.inverse({ re: xc.re, im: xc.im });
      const R = r.forward(x.data);
      const back = r.inverse(R);
      const yl = rl.inverse({ re: Y.re, im: Y.im });
      return {
        fft_xc: complex(xc.shape, X.re, X.im),
        ifft_xc: complex(xc.shape, xi.re, xi.im),
        rfft_x_n: complex([r.bins], R.re, R.im),
        irfft_rfft_x_n: real([n], back),
        irfft_Y_L: real([L], yl),
      };
    } finally {
      f.dispose();
      r.dispose();
      rl.dispose();
    }
  },
};
