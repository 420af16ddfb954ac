// Mean over the length axis (the official example.py S4Model pools x.mean(dim=1)):
//   BHL: x (B, H, L) -> y (B, H);   BLH: x (B, L, H) -> y (B, H)
import { S4StateError } from "../errors.js";
import { meanPoolColumns, meanPoolRows } from "../js/meanpool.js";
import { setFinite } from "../memory/set-finite.js";
import type { WasmRuntime } from "../runtime.js";
import type { FloatArray } from "../types.js";
import { checkAllFinite, checkFloatArray, checkInt, checkOneOf } from "../validate.js";
import { type BlockLayout, type BlockShape, checkShape, GrowingBuffers } from "./block-io.js";
import { Plan } from "./plan.js";

/** Shape of a {@link MeanPoolPlan}. */
export interface MeanPoolOptions {
  /** Channels H. */
  channels: number;
  /** `BHL` (default) or `BLH`. */
  layout?: BlockLayout;
}

/**
 * Mean over the length axis (the official example.py S4Model pooling): BHL x (B, H, L) -> y (B, H);
 * BLH x (B, L, H) -> y (B, H).
 */
export class MeanPoolPlan extends Plan {
  /** H, the number of channels. */
  readonly channels: number;
  /** Input layout, `BHL` or `BLH`. */
  readonly layout: BlockLayout;
  private readonly io: GrowingBuffers | null;
  /** The validated { batch, length } of the current call (checkShape writes it: no object per call). */
  private readonly shape: BlockShape = { batch: 0, length: 0 };

  constructor(runtime: WasmRuntime | null, options: MeanPoolOptions) {
    super(runtime);
    this.channels = checkInt("meanPool(options.channels)", options?.channels, 1, 2 ** 16);
    this.layout = checkOneOf("meanPool(options.layout)", options.layout ?? "BHL", ["BHL", "BLH"] as const);
    this.io = this.ws ? new GrowingBuffers(this.ws, 2) : null;
  }

  /** x: (B, H, L) or (B, L, H) -> y: (B, H). */
  apply(x: FloatArray, shape: BlockShape, out?: FloatArray): FloatArray {
    this.assertLive("meanPool.apply");
    const { batch, length } = checkShape("meanPool.apply(shape)", shape, this.shape);
    const H = this.channels;
    checkFloatArray("meanPool.apply(x)", x, batch * H * length, "batch*channels*length");
    const y = this.outReal("meanPool.apply(out)", out, batch * H);
    if (!this.io) {
      // a NaN/Infinity would turn the whole channel's mean into NaN
      checkAllFinite("meanPool.apply(x)", x);
      if (this.layout === "BHL") meanPoolRows(x, y, batch * H, length);
      else meanPoolColumns(x, y, batch, length, H);
      return y;
    }
    const xb = this.io.get(0, batch * H * length);
    const yb = this.io.get(1, batch * H);
    // the same check in wasm after the copy, not by a JS loop over every value
    setFinite(this.runtime as WasmRuntime, "meanPool.apply(x)", xb, x);
    this.applyPtr(xb.ptr, yb.ptr, batch, length);
    y.set(yb.head(batch * H));
    return y;
  }

  /** Wasm only: x at xPtr (B*H*L f32) -> y at yPtr (B*H f32, not overlapping x). */
  applyPtr(xPtr: number, yPtr: number, batch: number, length: number): void {
    this.assertLive("meanPool.applyPtr");
    if (!this.runtime) throw new S4StateError("meanPool.applyPtr: pointer entry points need the wasm backend");
    checkInt("meanPool.applyPtr(batch)", batch, 1, 2 ** 24);
    checkInt("meanPool.applyPtr(length)", length, 1, 2 ** 28);
    const e = this.runtime.exports;
    if (this.layout === "BHL") e.meanPoolRows(xPtr, yPtr, batch * this.channels, length);
    else e.meanPoolColumns(xPtr, yPtr, batch, length, this.channels);
  }
}
