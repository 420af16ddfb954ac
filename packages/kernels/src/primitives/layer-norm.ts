// LayerNorm over the channel axis (PyTorch nn.LayerNorm(H): biased variance, eps inside the
// square root, affine gamma/beta), in layout (B, H, L) or (B, L, H):
//   y = (x - mean_h x) / sqrt(var_h x + eps) * gamma[h] + beta[h]   at every (b, l)
import { S4StateError, S4ValueError } from "../errors.js";
import { layerNormRows, layerNormStrided } from "../js/layernorm.js";
import { setFinite } from "../memory/set-finite.js";
import type { WasmBuffer } from "../memory/workspace.js";
import type { WasmRuntime } from "../runtime.js";
import type { FloatArray } from "../types.js";
import { checkAllFinite, checkFiniteNumber, checkFloatArray, checkInt, checkOneOf } from "../validate.js";
import { type BlockLayout, type BlockShape, checkShape, GrowingBuffers } from "./block-io.js";
import { Plan } from "./plan.js";

/** Shape and parameters of a {@link LayerNormPlan}. */
export interface LayerNormOptions {
  /** Channels H, the normalised axis. */
  channels: number;
  /** `BHL` (default) or `BLH`. */
  layout?: BlockLayout;
  /** gamma (H). */
  weight: FloatArray;
  /** beta (H). */
  bias: FloatArray;
  /** Added to the variance (default 1e-5, PyTorch's). */
  eps?: number;
}

/**
 * LayerNorm over the channel axis (PyTorch nn.LayerNorm(H): biased variance, eps inside the
 * square root, affine gamma/beta), layout (B, H, L) or (B, L, H):
 * y = (x - mean_h x) / sqrt(var_h x + eps) * gamma[h] + beta[h] at every (b, l).
 */
export class LayerNormPlan extends Plan {
  /** H, the normalised axis. */
  readonly channels: number;
  /** Activation layout, `BHL` or `BLH`. */
  readonly layout: BlockLayout;
  /** Added to the variance. */
  readonly eps: number;
  private readonly gamma64: Float64Array;
  private readonly beta64: Float64Array;
  private readonly params: WasmBuffer<Float32Array> | null;
  /** io 0: staging for apply; io 1: the strided kernel's per-position statistics (2L). */
  private readonly io: GrowingBuffers | null;
  /** The validated { batch, length } of the current call (checkShape writes it: no object per call). */
  private readonly shape: BlockShape = { batch: 0, length: 0 };

  constructor(runtime: WasmRuntime | null, options: LayerNormOptions) {
    super(runtime);
    const H = checkInt("layerNorm(options.channels)", options?.channels, 1, 2 ** 16);
    this.channels = H;
    this.layout = checkOneOf("layerNorm(options.layout)", options.layout ?? "BHL", ["BHL", "BLH"] as const);
    this.eps = checkFiniteNumber("layerNorm(options.eps)", options.eps ?? 1e-5);
    // eps = 0 turns a constant position into 0/0 = NaN (PyTorch's too): refused, not returned
    if (!(this.eps > 0)) throw new S4ValueError(`layerNorm(options.eps): expected a number > 0, got ${this.eps}`);
    checkFloatArray("layerNorm(options.weight)", options.weight, H, "channels");
    checkFloatArray("layerNorm(options.bias)", options.bias, H, "channels");
    checkAllFinite("layerNorm(options.weight)", options.weight);
    checkAllFinite("layerNorm(options.bias)", options.bias);
    this.gamma64 = Float64Array.from(options.weight);
    this.beta64 = Float64Array.from(options.bias);
    if (this.ws) {
      this.params = this.ws.f32(2 * H);
      this.params.view.set(options.weight, 0);
      this.params.view.set(options.bias, H);
      this.io = new GrowingBuffers(this.ws, 2);
    } else {
      this.params = null;
      this.io = null;
    }
  }

  /** x: (B, H, L) or (B, L, H) -> y of the same shape; out may be x itself. */
  apply(x: FloatArray, shape: BlockShape, out?: FloatArray): FloatArray {
    this.assertLive("layerNorm.apply");
    const { batch, length } = checkShape("layerNorm.apply(shape)", shape, this.shape);
    const H = this.channels;
    const n = batch * H * length;
    checkFloatArray("layerNorm.apply(x)", x, n, "batch*channels*length");
    const y = this.outReal("layerNorm.apply(out)", out, n);
    if (!this.io) {
      // a NaN/Infinity would spread to every channel of its position
      checkAllFinite("layerNorm.apply(x)", x);
      if (this.layout === "BHL") layerNormStrided(x, this.gamma64, this.beta64, y, batch, H, length, this.eps);
      else layerNormRows(x, this.gamma64, this.beta64, y, batch * length, H, this.eps);
      return y;
    }
    const b = this.io.get(0, n);
    // the same check in wasm after the copy, not by a JS loop over every value
    setFinite(this.runtime as WasmRuntime, "layerNorm.apply(x)", b, x);
    this.applyPtr(b.ptr, b.ptr, batch, length);
    y.set(b.head(n));
    return y;
  }

  /** Wasm only: x at xPtr -> y at yPtr (may equal xPtr), B*H*L f32 each. */
  applyPtr(xPtr: number, yPtr: number, batch: number, length: number): void {
    this.assertLive("layerNorm.applyPtr");
    if (!this.runtime || !this.params || !this.io) {
      throw new S4StateError("layerNorm.applyPtr: pointer entry points need the wasm backend");
    }
    checkInt("layerNorm.applyPtr(batch)", batch, 1, 2 ** 24);
    checkInt("layerNorm.applyPtr(length)", length, 1, 2 ** 28);
    const H = this.channels;
    const e = this.runtime.exports;
    const gamma = this.params.ptr;
    const beta = gamma + 4 * H;
    if (this.layout === "BHL") {
      const scratch = this.io.get(1, e.layerNormScratchFloats(length));
      e.layerNormStrided(xPtr, gamma, beta, yPtr, batch, H, length, this.eps, scratch.ptr);
    } else e.layerNormRows(xPtr, gamma, beta, yPtr, batch * length, H, this.eps);
  }
}
