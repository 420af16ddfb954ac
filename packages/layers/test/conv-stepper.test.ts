// FFTConv's streaming face: stepping L frames through its kernel's recurrence equals forward()
// (S4D and DPLR kernels, one and two output channels, GELU, tanh, the GLU or none, both backends); prefill +
// stream equals one run; snapshots replay bit for bit; a bidirectional conv or a fixed K is refused.
import { relErrorReal } from "@s4wasm/golden";
import { type FloatArray, type Kernels, loadKernels, S4ShapeError, S4StateError } from "@s4wasm/kernels";
import { expectTypedError } from "@s4wasm/testkit/expect";
import { describe, expect, it } from "vitest";
import { DPLRKernel, FFTConv, FixedKernel, S4DKernel } from "../src/index.js";
import { randomDPLR, randomS4D, seeded } from "./helpers.js";

const wasm = await loadKernels({ backend: "wasm" });
const js = await loadKernels({ backend: "js" });
const TOL = { wasm: 1e-4, js: 1e-9 } as const;
const H = 5;

/** Frame t of a (B, R, L) signal as (B, R). */
function frame(u: FloatArray, B: number, R: number, L: number, t: number): FloatArray {
  const f = new (u.constructor as Float64ArrayConstructor)(B * R);
  for (let r = 0; r < B * R; r++) f[r] = u[r * L + t];
  return f;
}

function conv(k: Kernels, mode: "diag" | "dplr", channels: number, activation: "gelu" | "id" | "glu" | "tanh"): FFTConv {
  const kernel =
    mode === "diag" ? new S4DKernel(k, randomS4D(H, 4, channels, 3)) : new DPLRKernel(k, randomDPLR(H, 8, 1, channels, 3));
  return new FFTConv(k, { kernel, D: seeded(channels * H, 5), bidirectional: false, activation });
}

describe.each([
  ["diag", 1, "gelu"],
  ["diag", 2, "id"],
  ["dplr", 1, "id"],
  ["dplr", 2, "gelu"],
  ["diag", 2, "glu"],
  ["dplr", 1, "tanh"],
] as const)("FFTConv.stepper (%s, %i channels, %s)", (mode, channels, activation) => {
  for (const k of [wasm, js]) {
    it(`${k.backend}: L frames equal forward(); prefill + stream equals one run; a snapshot replays bit for bit`, () => {
      const B = 2;
      const L = 30;
      const c = conv(k, mode, channels, activation);
      const u64 = seeded(B * H * L, 9);
      const u = k.backend === "wasm" ? Float32Array.from(u64) : u64;
      const y = c.forward(u, B, L); // (B, c*H, L)
      // the GLU halves the 2 channel groups
      const R = c.outChannels;
      expect(R).toBe(activation === "glu" ? H : channels * H);
      const s = c.stepper({ batch: B });
      const ys = new Float64Array(B * R * L);
      const put = (yt: FloatArray, t: number) => {
        for (let r = 0; r < B * R; r++) ys[r * L + t] = yt[r];
      };
      for (let t = 0; t < L; t++) put(s.step(frame(u, B, H, L, t)), t);
      expect(relErrorReal(ys, y)).toBeLessThanOrEqual(TOL[k.backend]);
      s.reset();
      const P = 12;
      const head = new (u.constructor as Float64ArrayConstructor)(B * H * P);
      for (let r = 0; r < B * H; r++) head.set(u.subarray(r * L, r * L + P), r * P);
      const yh = s.prefill(head);
      for (let r = 0; r < B * R; r++) for (let t = 0; t < P; t++) ys[r * L + t] = yh[r * P + t];
      const snap = s.snapshot();
      const tail: number[][] = [];
      for (let t = P; t < L; t++) {
        const yt = s.step(frame(u, B, H, L, t));
        tail.push(Array.from(yt));
        put(yt, t);
      }
      expect(relErrorReal(ys, y)).toBeLessThanOrEqual(TOL[k.backend]);
      s.restore(snap);
      for (let t = P; t < L; t++) expect(Array.from(s.step(frame(u, B, H, L, t)))).toEqual(tail[t - P]);
      s.dispose();
      expectTypedError(() => s.step(frame(u, B, H, L, 0)), S4StateError, /^stepper\.step: this stepper was disposed$/);
      c.config.kernel.dispose?.();
      c.dispose();
    });
  }
});

describe("FFTConv.stepper refusals", () => {
  it("refuses a bidirectional conv, a fixed K, a bad batch and a disposed conv, by name", () => {
    const bidir = new FFTConv(wasm, {
      kernel: new S4DKernel(wasm, randomS4D(H, 4, 2, 1)),
      D: seeded(H, 2),
      bidirectional: true,
      activation: "gelu",
    });
    expectTypedError(() => bidir.stepper(), S4StateError, /^FFTConv\.stepper: a bidirectional conv has no causal step mode$/);
    const fixed = new FFTConv(wasm, {
      kernel: new FixedKernel(wasm, seeded(H * 16, 3), { channels: 1, H, length: 16 }),
      D: seeded(H, 2),
      bidirectional: false,
      activation: "id",
    });
    expectTypedError(
      () => fixed.stepper(),
      S4StateError,
      /^FFTConv\.stepper: this kernel has no step mode \(a fixed K has no state\)$/,
    );
    const c = conv(wasm, "diag", 1, "gelu");
    expectTypedError(
      () => c.stepper({ batch: 0 }),
      S4ShapeError,
      /^FFTConv\.stepper\(options\.batch\): expected an integer in \[1, 1048576\], got 0$/,
    );
    c.dispose();
    expect(() => c.stepper()).toThrow(/^FFTConv: used after dispose\(\)$/);
    for (const x of [bidir, fixed]) x.dispose();
  });
});
