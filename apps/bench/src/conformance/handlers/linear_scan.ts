// linear_scan.json: h_t = a_t h_{t-1} + b_t along the last axis, from zero and from h0, computed
// with the kernels' chunked associative scan (chunk 4, so the cases cross chunk boundaries).
import { complex, complexOf } from "@s4wasm/golden";
import type { ConformanceHandler } from "../types.js";

export const linearScanHandler: ConformanceHandler = {
  function: "linear_scan",
  run(c, { kernels }) {
    const a = complexOf(c.inputs, "a");
    const b = complexOf(c.inputs, "b");
    const h0 = complexOf(c.inputs, "h0");
    const [lanes, length] = a.shape;
    const plan = kernels.linearScan({ lanes, length, method: "chunked", chunk: 4 });
    try {
      const A = { re: a.re, im: a.im };
      const B = { re: b.re, im: b.im };
      const h = plan.forward(A, B).h;
      const hh = plan.forward(A, B, { h0: { re: h0.re, im: h0.im } }).h;
      return { h: complex(a.shape, h.re, h.im), h_from_h0: complex(a.shape, hh.re, hh.im) };
    } finally {
      plan.dispose();
    }
  },
};
