// GLU over the channel axis with the FIRST half as value (official S4 output_linear):
//   BHL: z (B, 2H, L) -> y[b, h, l] = z[b, h, l] * sigmoid(z[b, H + h, l])
//   BLH: z (B, L, 2H) -> y[b, l, h] = z[b, l, h] * sigmoid(z[b, l, H + h])
import { S4StateError } from "../errors.js";
import { glu } from "../js/glu.js";
import type { WasmRuntime } from "../runtime.js";
import type { FloatArray } from "../types.js";
import { checkFloat32Range, checkFloatArray, checkInt, checkOneOf } from "../validate.js";
import { type BlockLayout, type BlockShape, checkShape, GrowingBuffers } from "./block-io.js";
import { Plan } from "./plan.js";

/** Shape of a {@link GLUPlan}. */
export interface GLUOptions {
  /** Output channels H (the input has 2H). */
  channels: number;
  /** `BHL` (default) or `BLH`. */
  layout?: BlockLayout;
}

/**
 * GLU over the channel axis with the FIRST half as value (official S4 output_linear):
 * BHL z (B, 2H, L) -> y[b, h, l] = z[b, h, l] * sigmoid(z[b, H + h, l]) (B, H, L); BLH likewise
 * with channels last, z (B, L, 2H) -> y (B, L, H).
 */
export class GLUPlan extends Plan {
  /** H, output channels (the input has 2H). */
  readonly channels: number;
  /** Activation layout, `BHL` or `BLH`. */
  readonly layout: BlockLayout;
  private readonly io: GrowingBuffers | null;
  /** The validated { batch, length } of the current call (checkShape writes it: no object per call). */
  private readonly shape: BlockShape = { batch: 0, length: 0 };

  constructor(runtime: WasmRuntime | null, options: GLUOptions) {
    super(runtime);
    this.channels = checkInt("glu(options.channels)", options?.channels, 1, 2 ** 16);
    this.layout = checkOneOf("glu(options.layout)", options.layout ?? "BHL", ["BHL", "BLH"] as const);
    this.io = this.ws ? new GrowingBuffers(this.ws, 1) : null;
  }

  /** z: (B, 2H, L) or (B, L, 2H) -> y: (B, H, L) or (B, L, H). */
  apply(z: FloatArray, shape: BlockShape, out?: FloatArray): FloatArray {
    this.assertLive("glu.apply");
    const { batch, length } = checkShape("glu.apply(shape)", shape, this.shape);
    const H = this.channels;
    checkFloatArray("glu.apply(z)", z, 2 * batch * H * length, "batch*2*channels*length");
    const n = batch * H * length;
    const y = this.outReal("glu.apply(out)", out, n);
    if (!this.io) {
      const [rows, width] = this.rowsWidth(batch, length);
      glu(z, y, rows, width);
      return y;
    }
    checkFloat32Range("glu.apply(z)", z);
    const b = this.io.get(0, 2 * n);
    b.view.set(z);
    this.applyPtr(b.ptr, b.ptr, batch, length);
    y.set(b.head(n));
    return y;
  }

  /** Wasm only: z at zPtr (2*B*H*L f32) -> out at outPtr (B*H*L f32); outPtr may equal zPtr. */
  applyPtr(zPtr: number, outPtr: number, batch: number, length: number): void {
    this.assertLive("glu.applyPtr");
    if (!this.runtime) throw new S4StateError("glu.applyPtr: pointer entry points need the wasm backend");
    checkInt("glu.applyPtr(batch)", batch, 1, 2 ** 24);
    checkInt("glu.applyPtr(length)", length, 1, 2 ** 28);
    const [rows, width] = this.rowsWidth(batch, length);
    this.runtime.exports.glu(zPtr, outPtr, rows, width);
  }

  /** BHL: each batch item is [value (H*L) | gate (H*L)]; BLH: each position is [value H | gate H]. */
  private rowsWidth(batch: number, length: number): [number, number] {
    return this.layout === "BHL" ? [batch, this.channels * length] : [batch * length, this.channels];
  }
}
