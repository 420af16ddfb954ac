// S4Model's streaming face: each step's logits are the model's forward() on the prefix seen so far
// (causal layers, running mean), prefill + stream equals one run, and bad input or a disposed
// model is refused by name without corrupting the stream.
import { readFileSync } from "node:fs";
import { realOf, relErrorReal } from "@s4wasm/golden";
import { readGoldenFile } from "@s4wasm/golden/node";
import { type FloatArray, type Kernels, loadKernels, S4ShapeError, S4StateError, S4ValueError } from "@s4wasm/kernels";
import { expectTypedError } from "@s4wasm/testkit/expect";
import { describe, expect, it } from "vitest";
import { createS4Model, loadOfficial, ModelSnapshot, type S4Model } from "../src/index.js";

const wasm = await loadKernels({ backend: "wasm" });
const js = await loadKernels({ backend: "js" });
const TOL = { wasm: 1e-4, js: 1e-9 } as const;
const D_IN = 3;

/** u (B, L, dInput), in the backend's dtype. */
function signal(k: Kernels, B: number, L: number): FloatArray {
  const u = new Float64Array(B * L * D_IN);
  for (let i = 0; i < u.length; i++) u[i] = Math.sin(0.37 * i) + 0.5 * Math.cos(1.3 * i + (i % 7));
  return k.backend === "wasm" ? Float32Array.from(u) : u;
}

/** u[:, a:b] as (B, b - a, d) of u (B, L, d). */
function slice(u: FloatArray, B: number, L: number, a: number, b: number, d = D_IN): FloatArray {
  const out = new (u.constructor as Float64ArrayConstructor)(B * (b - a) * d);
  for (let r = 0; r < B; r++) out.set(u.subarray((r * L + a) * d, (r * L + b) * d), r * (b - a) * d);
  return out;
}

function model(k: Kernels, prenorm: boolean, mode: "diag" | "dplr"): Promise<S4Model> {
  return createS4Model({
    dInput: D_IN,
    dOutput: 4,
    dModel: 8,
    nLayers: 2,
    prenorm,
    seed: 11,
    kernels: k,
    layer: { dState: 16, mode },
  });
}

describe.each([
  [true, "diag"],
  [false, "diag"],
  [true, "dplr"],
] as const)("S4Model.stepper (prenorm %s, %s layers)", (prenorm, mode) => {
  for (const k of [wasm, js]) {
    it(`${k.backend}: the logits after every frame are forward() on the prefix; prefill + stream equals one run`, async () => {
      const B = 2;
      const L = 12;
      const m = await model(k, prenorm, mode);
      const u = signal(k, B, L);
      const s = m.stepper({ batch: B });
      for (let t = 1; t <= L; t++) {
        const logits = s.step(slice(u, B, L, t - 1, t));
        expect(s.length).toBe(t);
        expect(relErrorReal(logits, m.forward(slice(u, B, L, 0, t), { batch: B, length: t }))).toBeLessThanOrEqual(
          TOL[k.backend],
        );
      }
      const whole = m.forward(u, { batch: B, length: L });
      s.reset();
      const P = 7;
      expect(
        relErrorReal(s.prefill(slice(u, B, L, 0, P), P), m.forward(slice(u, B, L, 0, P), { batch: B, length: P })),
      ).toBeLessThanOrEqual(TOL[k.backend]);
      let last: FloatArray = new Float64Array(0);
      for (let t = P; t < L; t++) last = s.step(slice(u, B, L, t, t + 1));
      expect(s.length).toBe(L);
      expect(relErrorReal(last, whole)).toBeLessThanOrEqual(TOL[k.backend]);
      s.dispose();
      m.dispose();
    });
  }
});

describe("S4Model.stepper on the official checkpoint (fixtures/official/s4model_example)", () => {
  for (const k of [wasm, js]) {
    it(`${k.backend}: streamed frame by frame, the last logits are the official forward's`, async () => {
      const dir = new URL("../../../fixtures/official/s4model_example/", import.meta.url);
      const config = JSON.parse(readFileSync(new URL("config.json", dir), "utf8"));
      const m = (await loadOfficial(new Uint8Array(readFileSync(new URL("model.safetensors", dir))), config, {
        kernels: k,
      })) as S4Model;
      const cs = readGoldenFile(new URL("io.json", dir).pathname).cases[0];
      const u = realOf(cs.inputs, "u"); // (B, L, 1)
      const [B, L] = u.shape;
      const x = k.backend === "wasm" ? Float32Array.from(u.data) : Float64Array.from(u.data);
      const s = m.stepper({ batch: B });
      let logits: FloatArray = new Float64Array(0);
      for (let t = 0; t < L; t++) logits = s.step(slice(x, B, L, t, t + 1, 1));
      expect(relErrorReal(logits, realOf(cs.outputs, "y").data)).toBeLessThanOrEqual(TOL[k.backend]);
      s.dispose();
      m.dispose();
    });
  }
});

describe("S4Model.stepper snapshots", () => {
  for (const k of [wasm, js]) {
    it(`${k.backend}: restore() replays bit for bit, here and in another stepper; a refused snapshot changes nothing`, async () => {
      const B = 2;
      const L = 8;
      const m = await model(k, false, "diag");
      const u = signal(k, B, L);
      const frames = Array.from({ length: L }, (_, t) => slice(u, B, L, t, t + 1));
      const s = m.stepper({ batch: B });
      for (let t = 0; t < 3; t++) s.step(frames[t]);
      const snap = s.snapshot();
      expect(snap.steps).toBe(3);
      const first = frames.slice(3).map((f) => Array.from(s.step(f)));
      s.restore(snap);
      expect(s.length).toBe(3);
      expect(frames.slice(3).map((f) => Array.from(s.step(f)))).toEqual(first);
      const other = m.stepper({ batch: B });
      other.restore(snap);
      expect(frames.slice(3).map((f) => Array.from(other.step(f)))).toEqual(first);
      // refused: not a snapshot, another layer count, and a second layer of another shape (the
      // first layer, restored before it, is put back)
      s.restore(snap);
      expectTypedError(
        () => s.restore({} as never),
        S4ValueError,
        /^stepper\.restore\(snapshot\): expected a ModelSnapshot from stepper\.snapshot\(\), got object$/,
      );
      const three = await createS4Model({
        dInput: D_IN,
        dOutput: 4,
        dModel: 8,
        nLayers: 3,
        seed: 1,
        kernels: k,
        layer: { dState: 16 },
      });
      const s3 = three.stepper({ batch: B });
      expectTypedError(
        () => s.restore(s3.snapshot()),
        S4ShapeError,
        /^stepper\.restore\(snapshot\): expected a snapshot of 2 layers and batch\*d_model 16, got 3 layers and 16$/,
      );
      const wide = await createS4Model({
        dInput: D_IN,
        dOutput: 4,
        dModel: 8,
        nLayers: 2,
        seed: 1,
        kernels: k,
        layer: { dState: 32 },
      });
      const sw = wide.stepper({ batch: B });
      const mixed = new ModelSnapshot([other.snapshot().layers[0], sw.snapshot().layers[1]], snap.sum, snap.steps);
      expectTypedError(
        () => s.restore(mixed),
        S4ShapeError,
        /^stepper\.restore\(snapshot\.layers\[1\]\): state\.restore\(snapshot\): expected a snapshot of a (wasm|js) "diag" state of 128 entries, got a (wasm|js) "diag" one of 256$/,
      );
      expect(frames.slice(3).map((f) => Array.from(s.step(f)))).toEqual(first);
      for (const x of [s, other, s3, sw]) x.dispose();
      for (const x of [m, three, wide]) x.dispose();
    });
  }
});

describe("S4Model.stepper refusals", () => {
  for (const k of [wasm, js]) {
    it(`${k.backend}: a refused frame changes nothing; an overflow part-way needs reset(); a disposed model stops it`, async () => {
      const B = 2;
      const L = 5;
      const m = await model(k, true, "diag");
      const u = signal(k, B, L);
      const frames = Array.from({ length: L }, (_, t) => slice(u, B, L, t, t + 1));
      const ref = m.stepper({ batch: B });
      const expected = frames.map((f) => Array.from(ref.step(f)));
      const s = m.stepper({ batch: B });
      const F = u.constructor as Float64ArrayConstructor;
      s.step(frames[0]);
      expectTypedError(
        () => s.step(new F(B * D_IN + 1)),
        S4ShapeError,
        /^stepper\.step\(frame\): expected length 6 \(batch\*d_input\), got 7$/,
      );
      const bad = F.from(frames[1]);
      bad[4] = Number.NaN;
      expectTypedError(() => s.step(bad), S4ValueError, /^stepper\.step\(frame\): expected finite values, got NaN at index 4$/);
      expectTypedError(() => s.step(frames[1], new F(3)), S4ShapeError, /^stepper\.step\(out\): expected length 8, got 3$/);
      // the refused calls left the stream where it was
      expect(Array.from(s.step(frames[1]))).toEqual(expected[1]);
      expect(s.length).toBe(2);
      const early = s.snapshot();
      // a frame that fails in the second layer (as a float32 overflow would) after the first
      // layer advanced: refused, then every call but reset() and restore() is
      const layers = (s as unknown as { p: { layers: { step: (...a: unknown[]) => unknown }[] } }).p.layers;
      const real = layers[1].step;
      layers[1].step = () => {
        throw new S4ValueError("blockStepper.step: expected finite outputs, got Infinity at index 3");
      };
      expectTypedError(
        () => s.step(frames[2]),
        S4ValueError,
        /^blockStepper\.step: expected finite outputs, got Infinity at index 3$/,
      );
      layers[1].step = real;
      expectTypedError(
        () => s.step(frames[2]),
        S4StateError,
        /^stepper\.step: expected a stepper in a consistent state, got one whose last frame overflowed part-way through the layers \(call reset\(\) or restore\(\)\)$/,
      );
      expectTypedError(() => s.snapshot(), S4StateError, /^stepper\.snapshot: expected a stepper in a consistent state/);
      s.restore(early);
      expect(Array.from(s.step(frames[2]))).toEqual(expected[2]);
      s.reset();
      expect(s.length).toBe(0);
      for (let t = 0; t < L; t++) expect(Array.from(s.step(frames[t]))).toEqual(expected[t]);
      expectTypedError(
        () => m.stepper({ batch: 0 }),
        S4ShapeError,
        /^S4Model\.stepper\(options\.batch\): expected an integer in \[1, 1048576\], got 0$/,
      );
      m.dispose();
      expectTypedError(() => s.step(frames[0]), S4StateError, /^stepper\.step: its model was disposed$/);
      expectTypedError(() => m.stepper(), S4StateError, /^S4Model\.stepper: this model was disposed$/);
      s.dispose();
      ref.dispose();
    });
  }

  it("refuses a model with a bidirectional layer, naming the layer", async () => {
    const m = await createS4Model({
      dInput: 2,
      dOutput: 3,
      dModel: 4,
      nLayers: 1,
      kernels: wasm,
      layer: { dState: 8, bidirectional: true },
    });
    expectTypedError(
      () => m.stepper(),
      S4StateError,
      /^S4Model\.stepper: layer 0: S4Block\.stepper: a bidirectional block has no causal step mode$/,
    );
    m.dispose();
  });
});
