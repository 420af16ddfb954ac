import {
  checkFiniteResult,
  type FloatArray,
  type Kernels,
  type LayerNormPlan,
  type LinearPlan,
  S4ShapeError,
  S4StateError,
  S4ValueError,
  type StateSnapshot,
  validate,
} from "@s4wasm/kernels";
import type { BlockStepper } from "./block-stepper.js";
import { transpose3 } from "./layout.js";

/** An exact checkpoint of a {@link ModelStepper} (see ModelStepper.snapshot): opaque. */
export class ModelSnapshot {
  /** @internal made by ModelStepper.snapshot(). */
  constructor(
    /** @internal each layer's state */
    readonly layers: readonly StateSnapshot[],
    /** @internal the running sum (B, H) */
    readonly sum: Float64Array,
    /** Frames the stream had seen. */
    readonly steps: number,
  ) {}
}

/** The model's parts a stepper runs on (S4Model.stepper() passes its own). */
export interface ModelStepperParts {
  kernels: Kernels;
  dInput: number;
  dOutput: number;
  dModel: number;
  prenorm: boolean;
  encoder: LinearPlan;
  decoder: LinearPlan;
  norms: LayerNormPlan[];
  /** One stepper per layer, each of batch B. */
  layers: BlockStepper[];
  /** True while the model is usable (its plans are the stepper's). */
  live: () => boolean;
}

/**
 * The streaming face of an S4Model (made by S4Model.stepper()): frames u_t (B, dInput) one at a
 * time through the encoder, every layer's block stepper with its LayerNorm and residual, and a
 * running mean of the last residual stream, so that each step returns the logits (B, dOutput) of
 * the whole prefix seen so far — forward() on u[:, :t] (the layers are causal; the mean over the
 * prefix is kept as a float64 sum). prefill() takes a chunk (B, L, dInput) the same way.
 *
 * A frame is checked before anything advances, so a refused frame changes nothing. A layer that
 * overflows float32 mid-frame leaves the earlier layers advanced: the stepper then refuses every
 * call but reset() and restore(), rather than go on from a state no prefix gives.
 */
export class ModelStepper {
  /** Batch size B of every frame. */
  readonly batch: number;
  /** Frames seen since the start or the last reset(). */
  get length(): number {
    return this.steps;
  }
  private readonly p: ModelStepperParts;
  /** Two residual streams (B, H), the norm output, the mean (B, H), in the backend's dtype. */
  private readonly h: FloatArray;
  private readonly z: FloatArray;
  private readonly normed: FloatArray;
  private readonly mean: FloatArray;
  /** Running sum of the last residual stream over the frames (B, H). */
  private readonly sum: Float64Array;
  /** { batch: B, length: 1 }: one frame, made once (a step allocates nothing given `out`). */
  private readonly frameShape: { batch: number; length: number };
  private steps = 0;
  private broken = false;
  private disposed = false;

  /** @internal made by S4Model.stepper(). */
  constructor(parts: ModelStepperParts, batch: number) {
    this.p = parts;
    this.batch = batch;
    const n = batch * parts.dModel;
    const make = () => (parts.kernels.backend === "wasm" ? new Float32Array(n) : new Float64Array(n));
    this.h = make();
    this.z = make();
    this.normed = make();
    this.mean = make();
    this.sum = new Float64Array(n);
    this.frameShape = { batch, length: 1 };
  }

  /** One frame u_t (B, dInput) -> logits (B, dOutput) of the prefix so far. No allocation with `out`. */
  step(frame: FloatArray, out?: FloatArray): FloatArray {
    this.assertUsable("stepper.step");
    const { dInput, dOutput, prenorm } = this.p;
    const B = this.batch;
    validate.checkFloatArray("stepper.step(frame)", frame, B * dInput, "batch*d_input");
    validate.checkAllFinite("stepper.step(frame)", frame);
    if (out !== undefined) validate.checkOut("stepper.step(out)", out, this.h.constructor as never, B * dOutput);
    const bl = this.frameShape;
    this.broken = true; // until the frame has gone through every layer
    let h = this.p.encoder.apply(frame, bl, this.h); // (B, 1, H) = (B, H)
    let z = this.z;
    for (let i = 0; i < this.p.layers.length; i++) {
      const norm = this.p.norms[i];
      // (B, H) is (B, H, 1): the norms run over H as in forward()
      const input = prenorm ? norm.apply(h, bl, this.normed) : h;
      this.p.layers[i].step(input, z);
      for (let j = 0; j < z.length; j++) z[j] += h[j];
      if (!prenorm) norm.apply(z, bl, z);
      const next = z;
      z = h;
      h = next;
    }
    checkFiniteResult("stepper.step", h);
    this.broken = false;
    this.steps++;
    for (let j = 0; j < h.length; j++) this.sum[j] += h[j];
    return this.logits("stepper.step", out);
  }

  /**
   * A chunk u (B, L, dInput) -> logits (B, dOutput) of the prefix so far, through the layers'
   * prefill (the same recurrence as L steps): prefill a history, then stream with step().
   */
  prefill(chunk: FloatArray, length: number): FloatArray {
    this.assertUsable("stepper.prefill");
    const { dInput, dModel: H, prenorm } = this.p;
    const B = this.batch;
    const L = validate.checkInt("stepper.prefill(length)", length, 1, 2 ** 22);
    validate.checkFloatArray("stepper.prefill(chunk)", chunk, B * L * dInput, "batch*length*d_input");
    validate.checkAllFinite("stepper.prefill(chunk)", chunk);
    const bl = { batch: B, length: L };
    this.broken = true;
    let h = transpose3(this.p.encoder.apply(chunk, bl), B, L, H); // (B, H, L)
    for (let i = 0; i < this.p.layers.length; i++) {
      const norm = this.p.norms[i];
      const z = this.p.layers[i].prefill(prenorm ? norm.apply(h, bl) : h, L);
      for (let j = 0; j < z.length; j++) z[j] += h[j];
      if (!prenorm) norm.apply(z, bl, z);
      h = z;
    }
    checkFiniteResult("stepper.prefill", h);
    this.broken = false;
    this.steps += L;
    for (let b = 0; b < B; b++)
      for (let c = 0; c < H; c++) {
        const row = (b * H + c) * L;
        let s = 0;
        for (let l = 0; l < L; l++) s += h[row + l];
        this.sum[b * H + c] += s;
      }
    return this.logits("stepper.prefill");
  }

  /**
   * An exact checkpoint of the stream: every layer's state, the running sum and the frame count.
   * restore() returns to it bit for bit, later or in another stepper of the same model shape.
   */
  snapshot(): ModelSnapshot {
    this.assertUsable("stepper.snapshot");
    return new ModelSnapshot(
      this.p.layers.map((s) => s.snapshot()),
      this.sum.slice(),
      this.steps,
    );
  }

  /** Go back to a snapshot() of this stepper (or of another of the same model shape and batch). */
  restore(snapshot: ModelSnapshot): void {
    this.assertLive("stepper.restore");
    if (!(snapshot instanceof ModelSnapshot)) {
      throw new S4ValueError(
        `stepper.restore(snapshot): expected a ModelSnapshot from stepper.snapshot(), got ${typeof snapshot}`,
      );
    }
    if (snapshot.layers.length !== this.p.layers.length || snapshot.sum.length !== this.sum.length) {
      throw new S4ShapeError(
        `stepper.restore(snapshot): expected a snapshot of ${this.p.layers.length} layers and batch*d_model ${this.sum.length}, got ${snapshot.layers.length} layers and ${snapshot.sum.length}`,
      );
    }
    // each layer's state refuses a snapshot of another kind, shape or backend by name, unchanged;
    // the layers restored before a refused one are put back, so the stream stays as it was
    const before = this.p.layers.map((s) => s.snapshot());
    let i = 0;
    try {
      for (; i < this.p.layers.length; i++) this.p.layers[i].restore(snapshot.layers[i]);
    } catch (err) {
      for (let j = 0; j < i; j++) this.p.layers[j].restore(before[j]);
      // the layer's own error (its class and message), said under this call and the layer's index
      if (err instanceof S4ShapeError || err instanceof S4ValueError) {
        throw new (err.constructor as typeof S4ValueError)(`stepper.restore(snapshot.layers[${i}]): ${err.message}`);
      }
      throw err;
    }
    this.sum.set(snapshot.sum);
    this.steps = snapshot.steps;
    this.broken = false;
  }

  /** Back to the start: every layer's state zero, no frames seen. */
  reset(): void {
    this.assertLive("stepper.reset");
    for (const s of this.p.layers) s.reset();
    this.sum.fill(0);
    this.steps = 0;
    this.broken = false;
  }

  /** Frees the layers' steppers (idempotent); later calls throw S4StateError. */
  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    for (const s of this.p.layers) s.dispose();
  }

  /** decoder(sum / steps) -> (B, dOutput). */
  private logits(where: string, out?: FloatArray): FloatArray {
    for (let j = 0; j < this.sum.length; j++) this.mean[j] = this.sum[j] / this.steps;
    const logits = this.p.decoder.apply(this.mean, this.frameShape, out);
    checkFiniteResult(where, logits);
    return logits;
  }

  private assertLive(where: string): void {
    if (this.disposed) throw new S4StateError(`${where}: this stepper was disposed`);
    if (!this.p.live()) throw new S4StateError(`${where}: its model was disposed`);
  }

  private assertUsable(where: string): void {
    this.assertLive(where);
    if (this.broken) {
      throw new S4StateError(
        `${where}: expected a stepper in a consistent state, got one whose last frame overflowed part-way through the layers (call reset() or restore())`,
      );
    }
  }
}
