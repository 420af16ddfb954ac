// cauchy.json: k = sum_n v/(z - w) and k_conj (official cauchy_naive, conjugate pairs), z shared
// (bilinear nodes, (M)) or per channel ((H, M)), with the kernels' Cauchy plans.
import { complex, complexOf } from "@s4wasm/golden";
import type { ConformanceHandler } from "../types.js";

export const cauchyHandler: ConformanceHandler = {
  function: "cauchy",
  run(c, { kernels }) {
    const v = complexOf(c.inputs, "v");
    const z = complexOf(c.inputs, "z");
    const w = complexOf(c.inputs, "w");
    const [H, N] = v.shape;
    const sharedNodes = z.shape.length === 1;
    const M = z.shape[z.shape.length - 1];
    const out: Record<string, ReturnType<typeof complex>> = {};
    for (const conj of [false, true]) {
      const plan = kernels.cauchy({ channels: H, modes: N, nodes: M, conjugatePairs: conj, sharedNodes });
      try {
        const k = plan.apply(v, z, w);
        out[conj ? "k_conj" : "k"] = complex([H, M], k.re, k.im);
      } finally {
        plan.dispose();
      }
    }
    return out;
  },
};
