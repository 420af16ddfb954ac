// Layers from scratch (seeded official init) and their streaming face: step outputs over L frames
// equal the block's forward (conv path), prefill + stream equals one run, both backends agree.
import { relErrorReal } from "@s4wasm/golden";
import { type FloatArray, loadKernels, S4ShapeError, S4StateError, S4ValueError } from "@s4wasm/kernels";
import { describe, expect, it } from "vitest";
import { createS4Block, createS4Model, S4Block, StepMode } from "../src/index.js";

const wasm = await loadKernels({ backend: "wasm" });
const js = await loadKernels({ backend: "js" });
const TOL = { wasm: 1e-4, js: 1e-9 } as const;

function signal(B: number, H: number, L: number): Float64Array {
  const u = new Float64Array(B * H * L);
  for (let i = 0; i < u.length; i++) u[i] = Math.sin(0.37 * i) + 0.5 * Math.cos(1.3 * i + (i % 7));
  return u;
}

/** Frame t of a (B, H, L) signal as (B, H). */
function frame(u: FloatArray, B: number, H: number, L: number, t: number, out: FloatArray): FloatArray {
  for (let b = 0; b < B; b++) for (let h = 0; h < H; h++) out[b * H + h] = u[(b * H + h) * L + t];
  return out;
}

describe.each([
  ["diag zoh", { mode: "diag", disc: "zoh" }],
  ["diag bilinear", { mode: "diag", disc: "bilinear", init: "diag-inv" }],
  ["dplr legs", { mode: "dplr" }],
  // c = 2 output channels: the SSM output is (B, 2H, L) ('(c h)'), the Linear (2H -> 2H)
  ["diag zoh, channels 2", { mode: "diag", disc: "zoh", channels: 2 }],
  ["dplr legs, channels 2", { mode: "dplr", channels: 2 }],
  // other activations: composed step; the conv GLU doubles the channel groups of the SSM
  ["diag, conv GLU, mult tanh, final silu", { mode: "diag", activation: "glu", multActivation: "tanh", finalAct: "silu" }],
  ["dplr, relu, no output Linear", { mode: "dplr", activation: "relu", finalAct: null }],
] as const)("createS4Block %s", (_name, opts) => {
  for (const k of [wasm, js]) {
    it(`${k.backend}: stepping L frames equals forward; prefill + stream equals one run`, async () => {
      const B = 2;
      const H = 6;
      const L = 40;
      const block = await createS4Block({ dModel: H, dState: 16, seed: 3, kernels: k, ...opts });
      const u64 = signal(B, H, L);
      const u = k.backend === "wasm" ? Float32Array.from(u64) : u64;
      const y = block.forward(u, { batch: B, length: L });
      const s = block.stepper({ batch: B });
      const ys = new Float64Array(B * H * L);
      const f = new (u.constructor as Float64ArrayConstructor)(B * H);
      for (let t = 0; t < L; t++) {
        const yt = s.step(frame(u, B, H, L, t, f));
        for (let b = 0; b < B; b++) for (let h = 0; h < H; h++) ys[(b * H + h) * L + t] = yt[b * H + h];
      }
      expect(relErrorReal(ys, y)).toBeLessThanOrEqual(TOL[k.backend]);
      // Prefill the first 25 samples as a chunk, then stream the rest.
      s.reset();
      const P = 25;
      const head = new (u.constructor as Float64ArrayConstructor)(B * H * P);
      for (let r = 0; r < B * H; r++) head.set(u.subarray(r * L, r * L + P), r * P);
      const yh = s.prefill(head, P);
      for (let r = 0; r < B * H; r++)
        expect(relErrorReal(yh.subarray(r * P, (r + 1) * P), y.subarray(r * L, r * L + P))).toBeLessThanOrEqual(TOL[k.backend]);
      for (let t = P; t < L; t++) {
        const yt = s.step(frame(u, B, H, L, t, f));
        for (let b = 0; b < B; b++) for (let h = 0; h < H; h++) ys[(b * H + h) * L + t] = yt[b * H + h];
      }
      expect(relErrorReal(ys.subarray(0), y)).toBeLessThanOrEqual(TOL[k.backend]);
      // a checkpoint mid-stream: after more frames, restore() replays the same frames bit for bit
      s.reset();
      s.prefill(head, P);
      const snap = s.snapshot();
      const again = () => Array.from({ length: L - P }, (_, i) => Array.from(s.step(frame(u, B, H, L, P + i, f))));
      const tail = again();
      s.restore(snap);
      expect(again()).toEqual(tail);
      s.dispose();
      expect(() => s.step(f)).toThrow(S4StateError);
      expect(() => s.snapshot()).toThrow(S4StateError);
      block.dispose();
    });
  }

  it("is seeded: the same seed gives the same block on both backends, another seed another block", async () => {
    const H = 4;
    const L = 33;
    const u = signal(1, H, L);
    const a = await createS4Block({ dModel: H, dState: 8, seed: 11, kernels: js, ...opts });
    const b = await createS4Block({ dModel: H, dState: 8, seed: 11, kernels: wasm, ...opts });
    const c = await createS4Block({ dModel: H, dState: 8, seed: 12, kernels: js, ...opts });
    const ya = a.forward(u, { batch: 1, length: L });
    expect(relErrorReal(b.forward(Float32Array.from(u), { batch: 1, length: L }), ya)).toBeLessThanOrEqual(1e-4);
    expect(relErrorReal(c.forward(u, { batch: 1, length: L }), ya)).toBeGreaterThan(1e-3);
    for (const x of [a, b, c]) x.dispose();
  });
});

describe("createS4Block options and errors", () => {
  it("rejects bad options by name", async () => {
    await expect(createS4Block({ dModel: 0, kernels: js })).rejects.toThrow(S4ShapeError);
    await expect(createS4Block({ dModel: 4, dState: 7, kernels: js })).rejects.toThrow(/N/);
    await expect(createS4Block({ dModel: 4, mode: "ssm" as never, kernels: js })).rejects.toThrow(S4ValueError);
    await expect(createS4Block({ dModel: 4, init: "legs", kernels: js })).rejects.toThrow(/createS4Block\(init\)/);
    for (const channels of [0, 1.5, 65]) {
      await expect(createS4Block({ dModel: 4, channels, kernels: js })).rejects.toThrow(/createS4Block\(channels\)/);
    }
  });

  it("channels c gives c*H features into the output Linear (c*H -> 2H) and a kernel of c (2c bidirectional) rows", async () => {
    for (const bidirectional of [false, true]) {
      const block = await createS4Block({ dModel: 3, dState: 8, channels: 2, bidirectional, kernels: js, seed: 2 });
      expect(block.conv.outChannels).toBe(6);
      expect(block.parts.kernel.channels).toBe(bidirectional ? 4 : 2);
      expect(block.parts.weight.length).toBe(2 * 3 * 6);
      expect(block.parts.D.length).toBe(6);
      block.dispose();
    }
  });

  it("a bidirectional block has no stepper, but runs forward (layout BLH too)", async () => {
    const block = await createS4Block({ dModel: 3, dState: 8, bidirectional: true, layout: "BLH", kernels: wasm, seed: 5 });
    expect(() => block.stepper()).toThrow(/bidirectional block has no causal step mode/);
    expect(block.forward(Float32Array.from(signal(2, 3, 10)), { batch: 2, length: 10 }).length).toBe(60);
    block.dispose();
  });
});

describe("createS4Model", () => {
  it("builds an example.py classifier whose backends agree", async () => {
    const opts = { dInput: 2, dOutput: 5, dModel: 8, nLayers: 2, seed: 9, layer: { dState: 16 } };
    const mj = await createS4Model({ ...opts, kernels: js });
    const mw = await createS4Model({ ...opts, kernels: wasm });
    const x = signal(3, 20, 2); // (B=3, L=20, d_input=2)
    const yj = mj.forward(x, { batch: 3, length: 20 });
    const yw = mw.forward(Float32Array.from(x), { batch: 3, length: 20 });
    expect(yj.length).toBe(15);
    expect(relErrorReal(yw, yj)).toBeLessThanOrEqual(1e-4);
    expect(() => mj.forward(x, { batch: 3, length: 21 })).toThrow(
      /S4Model\.forward\(x\): expected length 126 \(batch\*length\*d_input\), got 120/,
    );
    mj.dispose();
    mw.dispose();
    // its layers are example.py's S4D (GELU, Linear, GLU): an activation option is refused, not ignored
    await expect(createS4Model({ ...opts, kernels: js, layer: { finalAct: null } as never })).rejects.toThrow(
      /createS4Model\(layer.finalAct\): expected it unset \(the model sets it\), got null/,
    );
  });

  it.each([true, false])("repeated and reshaped calls give the same logits (prenorm %s: kept activations)", async (prenorm) => {
    for (const k of [js, wasm]) {
      const m = await createS4Model({ dInput: 2, dOutput: 3, dModel: 8, nLayers: 3, prenorm, seed: 4, kernels: k });
      const F = k.backend === "wasm" ? Float32Array : Float64Array;
      const a = F.from(signal(2, 30, 2));
      const b = F.from(signal(1, 50, 2));
      const ya = Array.from(m.forward(a, { batch: 2, length: 30 }));
      const yb = Array.from(m.forward(b, { batch: 1, length: 50 }));
      // a fresh model on the second shape alone agrees (nothing left over from the first call)
      const fresh = await createS4Model({ dInput: 2, dOutput: 3, dModel: 8, nLayers: 3, prenorm, seed: 4, kernels: k });
      expect(Array.from(fresh.forward(b, { batch: 1, length: 50 }))).toEqual(yb);
      const again = m.forward(a, { batch: 2, length: 30 });
      expect(Array.from(again)).toEqual(ya);
      // the logits are the caller's: a later call does not overwrite them
      m.forward(b, { batch: 1, length: 50 });
      expect(Array.from(again)).toEqual(ya);
      m.dispose();
      fresh.dispose();
    }
  });
});

describe("step mode with c = 2 output channels", () => {
  it("frames (B, H) in, (B, 2H) out in '(c h)' order; chunk == frames; bad frames named at their own index", async () => {
    for (const k of [wasm, js]) {
      const [B, H, L] = [2, 3, 7];
      const block = await createS4Block({ dModel: H, dState: 8, channels: 2, seed: 4, kernels: k });
      const source = block.parts.kernel.stepSource(Float64Array.from(block.parts.D));
      if (!source) throw new Error("expected a step source");
      const mode = new StepMode(k, source).setupStep();
      expect([mode.groups, mode.channels, mode.outputChannels]).toEqual([2, H, 2 * H]);
      const u64 = signal(B, H, L);
      const u = k.backend === "wasm" ? Float32Array.from(u64) : u64;
      const state = mode.defaultState(B);
      const chunk = mode.forwardState(u, state).y; // (B, 2H, L)
      expect(chunk.length).toBe(B * 2 * H * L);
      const s = mode.stepper({ batch: B });
      const f = new (u.constructor as Float64ArrayConstructor)(B * H);
      for (let t = 0; t < L; t++) {
        const y = s.step(frame(u, B, H, L, t, f));
        expect(y.length).toBe(B * 2 * H);
        for (let r = 0; r < B * 2 * H; r++)
          expect(Math.abs(y[r] - chunk[r * L + t])).toBeLessThanOrEqual(1e-5 * (1 + Math.abs(chunk[r * L + t])));
      }
      // group 1 is not group 0: the two rows of C differ
      expect(chunk[0]).not.toBe(chunk[H * L]);
      const bad = f.slice();
      bad[4] = Number.NaN;
      expect(() => s.step(bad)).toThrow(S4ValueError);
      expect(() => s.step(bad)).toThrow("stepper.step(u): expected finite values, got NaN at index 4");
      expect(() => s.step(f.subarray(1))).toThrow(S4ShapeError);
      expect(() => mode.forwardState(u.subarray(1), state)).toThrow(
        /forwardState\(u\): expected length batch\*channels\*L = 6\*L/,
      );
      s.dispose();
      state.dispose();
      mode.dispose();
      block.dispose();
    }
  });
});

describe("float32 overflow is refused, not returned", () => {
  // finite but absurd parameters (a corrupted checkpoint: |D| or a Linear weight ~3e38) overflow
  // float32 inside the block; the float64 twin computes the same block finitely
  const H = 2;
  const L = 8;
  const x = Float64Array.from({ length: H * L }, (_, i) => 2 * Math.sin(i + 1));
  for (const key of ["D", "weight"] as const) {
    it(`S4Block.forward and its stepper with ${key}[0] = 3e38`, async () => {
      const made = async (k: typeof wasm) => {
        const { parts } = await createS4Block({ dModel: H, dState: 4, seed: 1, kernels: k });
        return new S4Block(k, { ...parts, [key]: Float64Array.from(parts[key], (v, i) => (i === 0 ? 3e38 : v)) });
      };
      const bj = await made(js);
      expect(bj.forward(x, { batch: 1, length: L }).every(Number.isFinite)).toBe(true);
      const bw = await made(wasm);
      expect(() => bw.forward(Float32Array.from(x), { batch: 1, length: L })).toThrow(S4ValueError);
      expect(() => bw.forward(Float32Array.from(x), { batch: 1, length: L })).toThrow(
        /S4Block\.forward: expected finite values, got .* at index \d+ of the result: float32 arithmetic overflowed/,
      );
      const st = bw.stepper();
      const frames = (t: number) => Float32Array.from({ length: H }, (_, h) => x[h * L + t]);
      let refused: unknown = null;
      try {
        for (let t = 0; t < L; t++) st.step(frames(t));
      } catch (err) {
        refused = err;
      }
      expect(refused).toBeInstanceOf(S4ValueError);
      expect(String(refused)).toMatch(/blockStepper\.step: expected finite values, got .*reset\(\)/);
      expect(() => st.prefill(Float32Array.from(x), L)).toThrow(
        /blockStepper\.prefill: (diagStep\.run: )?expected finite values/,
      );
      for (const b of [bj, bw]) b.dispose();
      st.dispose();
    });
  }

  it("S4Model at inputs up to 3e38: the twin's logits, or an overflow refused by name, never a wrong answer", async () => {
    const opts = { dInput: 2, dOutput: 5, dModel: 8, nLayers: 2, seed: 9, layer: { dState: 16 } };
    let matched = 0;
    for (const prenorm of [false, true]) {
      const mj = await createS4Model({ ...opts, prenorm, kernels: js });
      const mw = await createS4Model({ ...opts, prenorm, kernels: wasm });
      for (const scale of [1e30, 1e36, 1e37, 5e37, 1e38, 2e38]) {
        // (|signal| <= 1.5: the largest input is 3e38)
        // rounded to float32 first, so both backends see the same inputs
        const x = Float64Array.from(Float32Array.from(signal(2, 20, 2), (v) => scale * v));
        const want = mj.forward(x, { batch: 2, length: 20 });
        let got: FloatArray | null = null;
        try {
          got = mw.forward(Float32Array.from(x), { batch: 2, length: 20 });
        } catch (err) {
          expect(err).toBeInstanceOf(S4ValueError);
          expect(String(err)).toMatch(/(S4Model|S4Block)\.forward: expected finite values, got .*float32 arithmetic overflowed/);
        }
        if (got) {
          expect(relErrorReal(got, want), `prenorm ${prenorm}, scale ${scale}`).toBeLessThanOrEqual(1e-4);
          matched++;
        }
      }
      mj.dispose();
      mw.dispose();
    }
    // post-norm is scale invariant up to float32's range (LayerNorm rescales what would overflow)
    expect(matched).toBeGreaterThanOrEqual(8);
  });
});

describe("create options misuse", () => {
  it("refuses a missing or wrong options object, a non-Kernels `kernels`, a non-boolean, a bad seed, model-set layer keys", async () => {
    await expect(createS4Block(null as never)).rejects.toThrow(S4ShapeError); // null = defaults, then dModel is missing
    await expect(createS4Block("x" as never)).rejects.toThrow(/createS4Block\(options\): expected an options object/);
    await expect(createS4Block({ dModel: 2, kernels: {} as never })).rejects.toThrow(
      /createS4Block\(options\)\.kernels: expected a Kernels instance from loadKernels\(\)/,
    );
    await expect(createS4Block({ dModel: 2, kernels: js, bidirectional: "false" as never })).rejects.toThrow(
      /createS4Block\(bidirectional\): expected true or false/,
    );
    for (const seed of [1.7, "1", -1, 2 ** 32]) {
      await expect(createS4Block({ dModel: 2, kernels: js, seed: seed as never })).rejects.toThrow(
        /createS4Block\(seed\): expected an integer/,
      );
    }
    const base = { dInput: 1, dOutput: 1, dModel: 2, nLayers: 1, kernels: js };
    await expect(createS4Model({ ...base, prenorm: "x" as never })).rejects.toThrow(
      /createS4Model\(prenorm\): expected true or false/,
    );
    await expect(createS4Model({ ...base, layer: "x" as never })).rejects.toThrow(
      /createS4Model\(layer\): expected an options object/,
    );
    await expect(createS4Model({ ...base, layer: { dModel: 5 } as never })).rejects.toThrow(
      /createS4Model\(layer\.dModel\): expected it unset/,
    );
  });
});
