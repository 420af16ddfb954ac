// vandermonde.json: K = 2 Re sum_n C exp(logz l) and vt = C sum_l u exp(logz l), with the kernels'
// Vandermonde plan.
import { complex, complexOf, real, realOf } from "@s4wasm/golden";
import type { ConformanceHandler } from "../types.js";

export const vandermondeHandler: ConformanceHandler = {
  function: "vandermonde",
  run(c, { kernels }) {
    const C = complexOf(c.inputs, "C");
    const logz = complexOf(c.inputs, "logz");
    const u = realOf(c.inputs, "u");
    const [H, N] = C.shape;
    const L = u.shape[1];
    const plan = kernels.vandermonde({ channels: H, modes: N, length: L });
    try {
      const K = plan.apply(C, logz);
      const vt = plan.transpose(u.data, C, logz);
      return { K: real([H, L], K), vt: complex([H, N], vt.re, vt.im) };
    } finally {
      plan.dispose();
    }
  },
};
