// hippo_legs.json: HiPPO-LegS transition and its NPLR form from @s4wasm/layers (float64 on both
// backends: this is setup math, not a kernel). P_tilde, B_tilde and V are compared in the
// golden file's canonical phase (P_tilde real > 0), which `nplr` fixes too.
import { complex, real } from "@s4wasm/golden";
import { nplr } from "@s4wasm/layers";
import type { ConformanceHandler } from "../types.js";

export const hippoLegsHandler: ConformanceHandler = {
  function: "hippo_legs",
  run(c) {
    const N = c.params.N as number;
    const N2 = N / 2;
    const d = nplr("legs", N);
    const AP = Float64Array.from(d.A);
    for (let i = 0; i < N; i++) for (let j = 0; j < N; j++) AP[i * N + j] += d.Preal[i] * d.Preal[j];
    const abs2 = new Float64Array(N2);
    const bcp = { re: new Float64Array(N2), im: new Float64Array(N2) };
    for (let k = 0; k < N2; k++) {
      abs2[k] = d.P.re[k] ** 2 + d.P.im[k] ** 2;
      bcp.re[k] = d.B.re[k] * d.P.re[k] + d.B.im[k] * d.P.im[k];
      bcp.im[k] = d.B.im[k] * d.P.re[k] - d.B.re[k] * d.P.im[k];
    }
    const out: Record<string, ReturnType<typeof real> | ReturnType<typeof complex>> = {
      B: real([N], d.Breal),
      P_lowrank: real([N], d.Preal),
      P_tilde: complex([1, N2], d.P.re, d.P.im),
      B_tilde: complex([N2], d.B.re, d.B.im),
      Lambda: complex([N2], d.Lambda.re, d.Lambda.im),
      Lambda_full: complex([N], d.LambdaFull.re, d.LambdaFull.im),
      P_abs2: real([N2], abs2),
      B_conjP: complex([N2], bcp.re, bcp.im),
    };
    if (c.outputs.A) out.A = real([N, N], d.A);
    if (c.outputs.AP_normal) out.AP_normal = real([N, N], AP);
    if (c.outputs.V) out.V = complex([N, N2], d.V.re, d.V.im);
    return out;
  },
};
