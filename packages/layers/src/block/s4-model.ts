import {
  checkFiniteResult,
  type FloatArray,
  type Kernels,
  type LayerNormPlan,
  type LinearPlan,
  type MeanPoolPlan,
  S4StateError,
  validate,
} from "@s4wasm/kernels";
import type { BlockStepper } from "./block-stepper.js";
import { ownsKernels } from "./layer-options.js";
import { transpose3 } from "./layout.js";
import { ModelStepper } from "./model-stepper.js";
import { S4Block, type S4BlockParts } from "./s4-block.js";

/** A Linear layer y = W x + bias (also used for LayerNorm gamma = weight, beta = bias). */
export interface LinearParts {
  /** (out, in) row-major */
  weight: Float64Array;
  /** (out) */
  bias: Float64Array;
}

/** Everything an S4Model is made of. */
export interface S4ModelParts {
  /** Input features per time step. */
  dInput: number;
  /** Output features (logits). */
  dOutput: number;
  /** H: channels of every layer. */
  dModel: number;
  /** LayerNorm before each layer (true) or after the residual add (false). */
  prenorm: boolean;
  /** Linear(dInput, H): weight (H, dInput). */
  encoder: LinearParts;
  /** One block per layer, layout (B, H, L). */
  layers: S4BlockParts[];
  /** One LayerNorm (gamma, beta over H) per layer. */
  norms: LinearParts[];
  /** Linear(H, dOutput): weight (dOutput, H). */
  decoder: LinearParts;
}

/**
 * The sequence classifier of the official example.py at inference (dropout = identity):
 *   x (B, L, dInput) -> encoder Linear -> (B, L, H) -> (B, H, L)
 *   n times: z = layer(prenorm ? LN(x) : x); x = z + x; if post-norm: x = LN(x)   (LN over H, eps 1e-5)
 *   mean over L -> (B, H) -> decoder Linear -> logits (B, dOutput)
 * Each layer is an S4Block (the official file uses models/s4/s4d.py S4D, transposed).
 */
export class S4Model {
  /** The compute backend (wasm or JS), shared by every layer. */
  readonly kernels: Kernels;
  /** Input features per time step. */
  readonly dInput: number;
  /** Output features (logits). */
  readonly dOutput: number;
  /** H: channels of every layer. */
  readonly dModel: number;
  /** LayerNorm before each layer (true) or after the residual add (false). */
  readonly prenorm: boolean;
  /** The S4 layers, in order, layout (B, H, L). */
  readonly blocks: S4Block[];
  private readonly encoder: LinearPlan;
  private readonly decoder: LinearPlan;
  private readonly norms: LayerNormPlan[];
  private readonly pool: MeanPoolPlan;
  /** Kept activations of forward(): encoder out, two residual streams, the prenorm output. */
  private readonly activations: (FloatArray | undefined)[] = [];
  private disposed = false;

  constructor(kernels: Kernels, parts: S4ModelParts) {
    this.kernels = kernels;
    const { dInput, dOutput, dModel: H } = parts;
    this.dInput = dInput;
    this.dOutput = dOutput;
    this.dModel = H;
    this.prenorm = parts.prenorm;
    if (parts.norms.length !== parts.layers.length) {
      throw new S4StateError(`S4Model: ${parts.layers.length} layers but ${parts.norms.length} norms`);
    }
    // every part made so far is freed if a later one is refused: nothing half-built stays in wasm memory
    const made: { dispose(): void }[] = [];
    const keep = <T extends { dispose(): void }>(x: T): T => {
      made.push(x);
      return x;
    };
    try {
      this.encoder = keep(
        kernels.linear({
          inFeatures: dInput,
          outFeatures: H,
          weight: parts.encoder.weight,
          bias: parts.encoder.bias,
          layout: "BLH",
        }),
      );
      this.decoder = keep(
        kernels.linear({
          inFeatures: H,
          outFeatures: dOutput,
          weight: parts.decoder.weight,
          bias: parts.decoder.bias,
          layout: "BLH",
        }),
      );
      this.blocks = parts.layers.map((p) => keep(new S4Block(kernels, { ...p, layout: "BHL" })));
      this.norms = parts.norms.map((n) =>
        keep(kernels.layerNorm({ channels: H, layout: "BHL", weight: n.weight, bias: n.bias, eps: 1e-5 })),
      );
      this.pool = kernels.meanPool({ channels: H, layout: "BHL" });
    } catch (err) {
      for (const x of made) x.dispose();
      throw err;
    }
  }

  /** x: (B, L, d_input) -> logits (B, d_output). */
  forward(x: FloatArray, shape: { batch: number; length: number }): FloatArray {
    if (this.disposed) throw new S4StateError("S4Model.forward: this model was disposed");
    const batch = validate.checkInt("S4Model.forward(shape.batch)", shape?.batch, 1, 2 ** 20);
    const L = validate.checkInt("S4Model.forward(shape.length)", shape.length, 1, 2 ** 22);
    validate.checkFloatArray("S4Model.forward(x)", x, batch * L * this.dInput, "batch*length*d_input");
    validate.checkAllFinite("S4Model.forward(x)", x);
    const H = this.dModel;
    const n = batch * H * L;
    const bl = { batch, length: L };
    // Activations go through kept arrays (encoder out, two residual streams, the norm), not fresh
    // ones per layer: a fresh 4 MB array (H = 256, L = 4096) cost up to ~12 ms in page faults.
    const e = this.encoder.apply(x, bl, this.activation(0, n)); // (B, L, H)
    let h = transpose3(e, batch, L, H, this.activation(1, n)); // (B, H, L)
    let spare = this.activation(2, n);
    for (let i = 0; i < this.blocks.length; i++) {
      const norm = this.norms[i];
      const input = this.prenorm ? norm.apply(h, bl, this.activation(3, n)) : h;
      const z = this.blocks[i].forward(input, bl, spare);
      for (let j = 0; j < n; j++) z[j] += h[j];
      if (!this.prenorm) norm.apply(z, bl, z);
      spare = h;
      h = z;
    }
    // the blocks refuse their own overflow; the residual sums, the pooling sum and the decoder
    // can still overflow
    checkFiniteResult("S4Model.forward", h);
    const pooled = this.pool.apply(h, bl); // (B, H)
    checkFiniteResult("S4Model.forward", pooled);
    const logits = this.decoder.apply(pooled, { batch, length: 1 });
    checkFiniteResult("S4Model.forward", logits);
    return logits;
  }

  /**
   * Streaming (frames (B, dInput)): each step returns the logits of the prefix seen so far, as
   * forward() on it would (see {@link ModelStepper}). The stepper runs on this model's plans, so
   * it stops working when the model is disposed. Not available when a layer is bidirectional.
   */
  stepper(opts: { batch?: number } | null = {}): ModelStepper {
    const options = validate.checkOptions("S4Model.stepper(options)", opts);
    if (this.disposed) throw new S4StateError("S4Model.stepper: this model was disposed");
    const batch = validate.checkInt("S4Model.stepper(options.batch)", options.batch ?? 1, 1, 2 ** 20);
    const layers: BlockStepper[] = [];
    try {
      for (const [i, block] of this.blocks.entries()) {
        try {
          layers.push(block.stepper({ batch }));
        } catch (err) {
          if (err instanceof S4StateError) throw new S4StateError(`S4Model.stepper: layer ${i}: ${err.message}`);
          throw err;
        }
      }
    } catch (err) {
      for (const s of layers) s.dispose();
      throw err;
    }
    const { kernels, dInput, dOutput, dModel, prenorm, encoder, decoder, norms } = this;
    return new ModelStepper(
      { kernels, dInput, dOutput, dModel, prenorm, encoder, decoder, norms, layers, live: () => !this.disposed },
      batch,
    );
  }

  /** Kept activation array `i` of exactly n elements in the backend's dtype (reallocated when n changes). */
  private activation(i: number, n: number): FloatArray {
    const cur = this.activations[i];
    if (cur?.length === n) return cur;
    const next = this.kernels.backend === "wasm" ? new Float32Array(n) : new Float64Array(n);
    this.activations[i] = next;
    return next;
  }

  /** Frees every layer's wasm memory (idempotent); forward() then throws S4StateError. */
  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    this.activations.length = 0;
    for (const b of this.blocks) b.dispose();
    for (const n of this.norms) n.dispose();
    this.encoder.dispose();
    this.decoder.dispose();
    this.pool.dispose();
    if (ownsKernels(this)) this.kernels.dispose();
  }
}
