// recurrent_step.json: the layers' step mode from continuous parameters (S4D ZOH/bilinear; S4
// DPLR from the stored C-tilde, C recovered by setupStep). y and x_final frame by frame; K as
// the impulse response of the same step (y of a unit impulse, minus D at t = 0); S4D also one
// step from the given nonzero x0.
import { complex, complexOf, type GoldenCase, real, realOf, type Tensor } from "@s4wasm/golden";
import { type Complex64, StepMode } from "@s4wasm/layers";
import type { ConformanceHandler } from "../types.js";

const c64 = (t: { re: Float64Array; im: Float64Array }): Complex64 => ({ re: t.re, im: t.im });

function stepMode(c: GoldenCase, kernels: ConstructorParameters<typeof StepMode>[0], L: number): StepMode {
  const D = realOf(c.inputs, "D").data;
  const logDt = realOf(c.inputs, "log_dt").data;
  if (c.params.kind === "s4d") {
    const [H, N2] = realOf(c.inputs, "A_re").shape;
    const A = { re: realOf(c.inputs, "A_re").data, im: realOf(c.inputs, "A_im").data };
    const s4d = { H, N2, channels: 1, logDt, A, B: c64(complexOf(c.inputs, "B")), C: c64(complexOf(c.inputs, "C")) };
    return new StepMode(kernels, { s4d, D, disc: c.params.disc as "zoh" | "bilinear" });
  }
  const Lam = complexOf(c.inputs, "Lambda");
  const P = complexOf(c.inputs, "P");
  const [H, N2] = Lam.shape;
  const dplr = {
    H,
    N2,
    rank: P.shape[0],
    channels: 1,
    logDt,
    Lambda: c64(Lam),
    P: c64(P),
    B: c64(complexOf(c.inputs, "B")),
    C: c64(complexOf(c.inputs, "C_tilde")),
    cForm: "CTilde" as const,
    tildeLength: L,
  };
  return new StepMode(kernels, { dplr, D });
}

export const recurrentStepHandler: ConformanceHandler = {
  function: "recurrent_step",
  run(c, { kernels }) {
    const u = realOf(c.inputs, "u");
    const [B, H, L] = u.shape;
    const sm = stepMode(c, kernels, L).setupStep();
    const states: { dispose(): void }[] = [];
    try {
      const sys = sm.discrete;
      const out: Record<string, Tensor> = {};
      const sq = sys.kind === "dense" ? [H, sys.size, sys.size] : [H, sys.size];
      out.dA = complex(sq, sys.dA.re, sys.dA.im);
      out.dB = complex([H, sys.size], sys.dB.re, sys.dB.im);
      out.dC = complex([H, sys.size], sys.C.re, sys.C.im);
      // y and x_final, one frame at a time.
      const x = sm.defaultState(B);
      states.push(x);
      const y = new Float64Array(B * H * L);
      const f = new Float64Array(B * H);
      for (let t = 0; t < L; t++) {
        for (let i = 0; i < B * H; i++) f[i] = u.data[i * L + t];
        const yt = sm.step(f, x);
        for (let i = 0; i < B * H; i++) y[i * L + t] = yt[i];
      }
      out.y = real(u.shape, y);
      const xf = x.read();
      out.x_final = complex([B, H, sys.size], xf.re, xf.im);
      // K: impulse response of the step, batch 1.
      const imp = new Float64Array(H * L);
      for (let h = 0; h < H; h++) imp[h * L] = 1;
      const k1 = sm.defaultState(1);
      states.push(k1);
      const K = Float64Array.from(sm.forwardState(imp, k1).y);
      for (let h = 0; h < H; h++) K[h * L] -= sys.D[h];
      out.K = real([H, L], K);
      if (c.params.kind === "s4d") {
        const x0 = complexOf(c.inputs, "x0_single_step");
        const s = sm.defaultState(B);
        states.push(s);
        s.write({ re: x0.re, im: x0.im });
        for (let i = 0; i < B * H; i++) f[i] = u.data[i * L];
        out.y_single_step_from_x0 = real([B, H], sm.step(f, s));
        const x1 = s.read();
        out.x1_single_step_from_x0 = complex(x0.shape, x1.re, x1.im);
      }
      return out;
    } finally {
      for (const s of states) s.dispose();
      sm.dispose();
    }
  },
};
