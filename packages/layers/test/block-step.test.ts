import { complexOf, type GoldenCase, realOf, relErrorReal } from "@s4wasm/golden";
import { readGolden } from "@s4wasm/golden/node";
import { S4ShapeError, S4StateError, S4ValueError } from "@s4wasm/kernels";
import { describe, expect, it } from "vitest";
import type { Complex64 } from "../src/ssm/params.js";
import { StepMode } from "../src/step/index.js";
import { BACKENDS, kernelsFor, TOL } from "./helpers.js";

const c64 = (t: { re: Float64Array; im: Float64Array }): Complex64 => ({ re: t.re, im: t.im });
const golden = readGolden("s4_block");
const causal = golden.cases.filter((c) => c.params.bidirectional === false);

function modeFor(k: Awaited<ReturnType<typeof kernelsFor>>, c: GoldenCase): StepMode {
  const H = c.params.H as number;
  const N2 = (c.params.N as number) / 2;
  const L = c.params.L as number;
  const logDt = realOf(c.inputs, "log_dt").data;
  const D = realOf(c.inputs, "D").data;
  if (c.params.kernel === "s4d_zoh") {
    const A = { re: realOf(c.inputs, "A_re").data, im: realOf(c.inputs, "A_im").data };
    const s4d = { H, N2, channels: 1, logDt, A, B: c64(complexOf(c.inputs, "B")), C: c64(complexOf(c.inputs, "C")) };
    return new StepMode(k, { s4d, D, disc: "zoh" });
  }
  const P = complexOf(c.inputs, "P");
  const dplr = {
    H,
    N2,
    rank: P.shape[0],
    channels: 1,
    logDt,
    Lambda: c64(complexOf(c.inputs, "Lambda")),
    P: c64(P),
    B: c64(complexOf(c.inputs, "B")),
    C: c64(complexOf(c.inputs, "C_tilde")),
    cForm: "CTilde" as const,
    tildeLength: L,
  };
  return new StepMode(k, { dplr, D });
}

describe.each(BACKENDS)("streaming S4 block (%s)", (backend) => {
  it.each(causal.map((c) => [c.name, c] as const))("frame by frame == golden S4Block forward: %s", async (_n, c) => {
    const k = await kernelsFor(backend);
    const u = realOf(c.inputs, "u"); // (B, L, H): a frame is a row u[b, t, :]
    const [B, L, H] = u.shape;
    const mode = modeFor(k, c).setupStep();
    const s = mode.blockStepper({ batch: B, weight: realOf(c.inputs, "W").data, bias: realOf(c.inputs, "bias").data });
    const y = new Float64Array(B * L * H);
    const f = new Float64Array(B * H);
    const out = backend === "wasm" ? new Float32Array(B * H) : new Float64Array(B * H);
    for (let t = 0; t < L; t++) {
      for (let b = 0; b < B; b++) for (let h = 0; h < H; h++) f[b * H + h] = u.data[(b * L + t) * H + h];
      expect(s.step(f, out)).toBe(out);
      for (let b = 0; b < B; b++) for (let h = 0; h < H; h++) y[(b * L + t) * H + h] = out[b * H + h];
    }
    expect(relErrorReal(y, realOf(c.outputs, "y").data)).toBeLessThanOrEqual(TOL[backend]);
    // reset() starts over: the first frame again gives the first output.
    s.reset();
    for (let b = 0; b < B; b++) for (let h = 0; h < H; h++) f[b * H + h] = u.data[b * L * H + h];
    const first = s.step(f);
    for (let b = 0; b < B; b++)
      for (let h = 0; h < H; h++) expect(first[b * H + h]).toBeCloseTo(y[b * L * H + h], backend === "js" ? 12 : 5);
    s.dispose();
    expect(() => s.step(f)).toThrow(S4StateError);
    mode.dispose();
  });

  it.each(causal.map((c) => [c.name, c] as const))("prefill a chunk, then stream the rest == golden: %s", async (_n, c) => {
    const k = await kernelsFor(backend);
    const u = realOf(c.inputs, "u"); // (B, L, H)
    const [B, L, H] = u.shape;
    const P = Math.floor(L / 2) + 1;
    const mode = modeFor(k, c).setupStep();
    const s = mode.blockStepper({ batch: B, weight: realOf(c.inputs, "W").data, bias: realOf(c.inputs, "bias").data });
    // The chunk in (B, H, P) layout.
    const chunk = new Float64Array(B * H * P);
    for (let b = 0; b < B; b++)
      for (let h = 0; h < H; h++) for (let t = 0; t < P; t++) chunk[(b * H + h) * P + t] = u.data[(b * L + t) * H + h];
    const yc = s.prefill(chunk);
    const y = new Float64Array(B * L * H);
    for (let b = 0; b < B; b++)
      for (let h = 0; h < H; h++) for (let t = 0; t < P; t++) y[(b * L + t) * H + h] = yc[(b * H + h) * P + t];
    const f = new Float64Array(B * H);
    for (let t = P; t < L; t++) {
      for (let b = 0; b < B; b++) for (let h = 0; h < H; h++) f[b * H + h] = u.data[(b * L + t) * H + h];
      const yt = s.step(f);
      for (let b = 0; b < B; b++) for (let h = 0; h < H; h++) y[(b * L + t) * H + h] = yt[b * H + h];
    }
    expect(relErrorReal(y, realOf(c.outputs, "y").data)).toBeLessThanOrEqual(TOL[backend]);
    s.dispose();
    mode.dispose();
  });

  it("validates weights, frames and out", async () => {
    const k = await kernelsFor(backend);
    const c = causal[0];
    const H = c.params.H as number;
    const mode = modeFor(k, c);
    expect(() => mode.blockStepper({ batch: 1, weight: new Float64Array(2 * H * H) })).toThrow(
      /call setupStep\(\) before stepping/,
    );
    mode.setupStep();
    expect(() => mode.blockStepper({ batch: 1, weight: new Float64Array(2 * H * H - 1) })).toThrow(S4ShapeError);
    expect(() => mode.blockStepper({ batch: 1, weight: new Float64Array(2 * H * H).fill(Number.NaN) })).toThrow(S4ValueError);
    const s = mode.blockStepper({ batch: 1, weight: new Float64Array(2 * H * H) });
    expect(() => s.step(new Float64Array(H + 1))).toThrow(S4ShapeError);
    const wrongDtype = backend === "wasm" ? new Float64Array(H) : new Float32Array(H);
    expect(() => s.step(new Float64Array(H), wrongDtype)).toThrow(S4ValueError);
    s.dispose();
    mode.dispose();
  });
});
