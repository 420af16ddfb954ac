// The position-wise Linear(H, O) of an S4 block (O = 2H before the GLU) as a plan that holds its
// weights in wasm memory: y = W x + bias at every position, in layout (B, H, L) or (B, L, H).
//   BHL: y[b, o, l] = sum_h W[o, h] x[b, h, l] + bias[o]     x (B, H, L) -> y (B, O, L)
//   BLH: y[b, l, o] = sum_h W[o, h] x[b, l, h] + bias[o]     x (B, L, H) -> y (B, L, O)
// W is (O, H) row-major as nn.Linear stores it (a Conv1d(H, O, 1) weight (O, H, 1) is the same
// numbers). The wasm path is a register-blocked SIMD matrix multiply (assembly/linear.ts), by one
// level of Strassen from H = 256 in layout BHL (assembly/linear-strassen.ts).
import { S4StateError, S4ValueError } from "../errors.js";
import { linearBHL, linearBLH, linearGluBHL } from "../js/linear.js";
import { setFinite } from "../memory/set-finite.js";
import type { WasmBuffer } from "../memory/workspace.js";
import { threadsOf, type WasmRuntime } from "../runtime.js";
import type { FloatArray } from "../types.js";
import { checkBool, checkFinite32, checkFloatArray, checkInt, checkOneOf } from "../validate.js";
import { type BlockLayout, type BlockShape, checkShape, GrowingBuffers } from "./block-io.js";
import { Plan } from "./plan.js";

/**
 * Smallest call (multiply-adds, B*L*H*O) split across the kernels' threads: waking a worker and
 * waiting for it costs tens of microseconds, ~1e6 multiply-adds on one core.
 */
const SPLIT_MIN_MACS = 2 ** 22;

/** Positions in one column block of the Strassen matmul and of the fused GLU (assembly/linear-strassen.ts). */
const STRASSEN_COLUMNS = 128;

/** Shape and weights of a {@link LinearPlan}. */
export interface LinearOptions {
  /** Input features H (>= 1). */
  inFeatures: number;
  /** Output features O (>= 1); 2H in an S4 block. */
  outFeatures: number;
  /** `BHL` (default; features on the middle axis) or `BLH` (features last). */
  layout?: BlockLayout;
  /** W (O, H) row-major. */
  weight: FloatArray;
  /** bias (O); omitted or null = no bias. */
  bias?: FloatArray | null;
  /**
   * Apply GLU to the output in the same pass (BHL only, O even): y (B, O/2, L) =
   * z[:O/2] * sigmoid(z[O/2:]) with z = W x + bias never stored (the S4 block's output stage).
   */
  glu?: boolean;
}

/**
 * The position-wise Linear(H, O) of an S4 block (O = 2H before the GLU), weights held in wasm
 * memory: BHL x (B, H, L) -> y (B, O, L), BLH x (B, L, H) -> y (B, L, O), y = W x + bias at every
 * position, W (O, H) row-major as nn.Linear stores it. The wasm path is a register-blocked SIMD
 * matrix multiply.
 */
export class LinearPlan extends Plan {
  /** H, input features. */
  readonly inFeatures: number;
  /** O, output features (2H in an S4 block). */
  readonly outFeatures: number;
  /** Activation layout, `BHL` or `BLH`. */
  readonly layout: BlockLayout;
  /** GLU fused on the output: results have outFeatures / 2 channels. */
  readonly glu: boolean;
  /** float64 copies for the JS twin; W^T for BLH (the twin streams over contiguous outputs). */
  private w64: Float64Array;
  private bias64: Float64Array | null = null;
  private readonly wBuf: WasmBuffer<Float32Array> | null;
  /** wasm, BHL without Strassen: W in the 4-row blocks the matmul tiles read (packRows4), made per setWeights. */
  private readonly wPacked: WasmBuffer<Float32Array> | null;
  /**
   * wasm, BHL where strassenFits(H, O) (H >= 256): the 7 block sums of W that the Strassen matmul
   * reads (strassenPackA), made per setWeights; null: the plain matmul only.
   */
  private readonly wStrassen: WasmBuffer<Float32Array> | null;
  private readonly biasBuf: WasmBuffer<Float32Array> | null;
  /** One matmul scratch per thread (linearScratchFloats(H) floats each; strassenScratchFloats, linearGluScratchFloats). */
  private readonly scratch: WasmBuffer<Float32Array> | null;
  private readonly scratchFloats: number;
  private readonly io: GrowingBuffers | null;
  /** The validated { batch, length } of the current call (checkShape writes it: no object per call). */
  private readonly shape: BlockShape = { batch: 0, length: 0 };

  constructor(runtime: WasmRuntime | null, options: LinearOptions) {
    super(runtime);
    const H = checkInt("linear(options.inFeatures)", options?.inFeatures, 1, 2 ** 16);
    const O = checkInt("linear(options.outFeatures)", options.outFeatures, 1, 2 ** 16);
    this.inFeatures = H;
    this.outFeatures = O;
    this.layout = checkOneOf("linear(options.layout)", options.layout ?? "BHL", ["BHL", "BLH"] as const);
    this.glu = checkBool("linear(options.glu)", options.glu, false);
    if (this.glu && (this.layout !== "BHL" || O % 2 !== 0)) {
      throw new S4ValueError(
        `linear(options.glu): expected layout "BHL" and an even outFeatures, got layout "${this.layout}" and outFeatures ${O}`,
      );
    }
    this.w64 = new Float64Array(H * O);
    if (this.ws && this.runtime) {
      this.wBuf = this.ws.f32(H * O);
      const e = this.runtime.exports;
      const bhl = this.layout === "BHL";
      this.wStrassen = bhl && e.strassenFits(H, O) ? this.ws.f32(e.strassenWeightFloats(H, O)) : null;
      // With the Strassen sums (7/4 of W) the plain matmul only takes the < 128 positions past
      // the last block (or a call shorter than one), reading W in place: no packed copy as well.
      this.wPacked = bhl && !this.wStrassen && O >= 4 ? this.ws.f32((O & ~3) * H) : null;
      this.biasBuf = this.ws.f32(O);
      this.scratchFloats = this.glu
        ? e.linearGluScratchFloats(H, O / 2)
        : this.wStrassen
          ? e.strassenScratchFloats(H)
          : e.linearScratchFloats(H);
      this.scratch = this.ws.f32(threadsOf(this.runtime) * this.scratchFloats);
      this.io = new GrowingBuffers(this.ws, 2);
    } else {
      this.wBuf = null;
      this.wPacked = null;
      this.wStrassen = null;
      this.biasBuf = null;
      this.scratch = null;
      this.scratchFloats = 0;
      this.io = null;
    }
    this.setWeights(options.weight, options.bias ?? null);
  }

  /** Replace W (O, H) and bias (O) (null = none). */
  setWeights(weight: FloatArray, bias: FloatArray | null = null): void {
    this.assertLive("linear.setWeights");
    const H = this.inFeatures;
    const O = this.outFeatures;
    checkFloatArray("linear.setWeights(weight)", weight, O * H, "outFeatures*inFeatures");
    checkFinite32("linear.setWeights(weight)", weight, this.runtime !== null);
    if (bias !== null) {
      checkFloatArray("linear.setWeights(bias)", bias, O, "outFeatures");
      checkFinite32("linear.setWeights(bias)", bias, this.runtime !== null);
    }
    // BLH multiplies x (rows, H) by W^T (H, O): store the transpose once.
    const w = new Float64Array(H * O);
    if (this.layout === "BLH") for (let o = 0; o < O; o++) for (let h = 0; h < H; h++) w[h * O + o] = weight[o * H + h];
    else w.set(weight);
    this.w64 = w;
    this.bias64 = bias ? Float64Array.from(bias) : null;
    if (this.wBuf && this.biasBuf) {
      this.wBuf.view.set(w);
      if (bias) this.biasBuf.view.set(bias);
      if (this.wPacked) this.wasm.exports.packRows4(this.wBuf.ptr, O, H, this.wPacked.ptr);
      if (this.wStrassen) this.wasm.exports.strassenPackA(this.wBuf.ptr, H, O, this.wStrassen.ptr);
    }
  }

  /** y = W x + bias. x: (B, H, L) or (B, L, H) -> y: (B, O, L) or (B, L, O); with glu, (B, O/2, L). */
  apply(x: FloatArray, shape: BlockShape, out?: FloatArray): FloatArray {
    this.assertLive("linear.apply");
    const { batch, length } = checkShape("linear.apply(shape)", shape, this.shape);
    const H = this.inFeatures;
    const O = this.outFeatures;
    checkFloatArray("linear.apply(x)", x, batch * H * length, "batch*inFeatures*length");
    const outCh = this.glu ? O / 2 : O;
    const y = this.outReal("linear.apply(out)", out, batch * outCh * length);
    if (!this.io) {
      // a NaN/Infinity would spread to every output feature of its position
      checkFinite32("linear.apply(x)", x, this.runtime !== null);
      if (this.glu) linearGluBHL(x, this.w64, this.bias64, y, batch, H, O / 2, length);
      else if (this.layout === "BHL") linearBHL(x, this.w64, this.bias64, y, batch, H, O, length);
      else linearBLH(x, this.w64, this.bias64, y, batch * length, H, O);
      return y;
    }
    const xb = this.io.get(0, batch * H * length);
    const yb = this.io.get(1, batch * outCh * length);
    // the same check in wasm after the copy, not by a JS loop over every value
    setFinite(this.runtime as WasmRuntime, "linear.apply(x)", xb, x);
    this.applyPtr(xb.ptr, yb.ptr, batch, length);
    y.set(yb.head(batch * outCh * length));
    return y;
  }

  /**
   * Wasm only: the same on buffers already in this instance's memory (byte offsets, f32,
   * 16-byte aligned preferred). y must not overlap x. Chains with other plans' applyPtr.
   */
  applyPtr(xPtr: number, yPtr: number, batch: number, length: number): void {
    this.assertLive("linear.applyPtr");
    if (!this.runtime || !this.wBuf || !this.biasBuf || !this.scratch) {
      throw new S4StateError("linear.applyPtr: pointer entry points need the wasm backend");
    }
    checkInt("linear.applyPtr(batch)", batch, 1, 2 ** 24);
    checkInt("linear.applyPtr(length)", length, 1, 2 ** 28);
    const bias = this.bias64 ? this.biasBuf.ptr : 0;
    const e = this.runtime.exports;
    const wp = this.wPacked ? this.wPacked.ptr : 0;
    const w7 = this.wStrassen ? this.wStrassen.ptr : 0;
    const H = this.inFeatures;
    const O = this.outFeatures;
    const split = !!this.runtime.pool && batch * length * H * O >= SPLIT_MIN_MACS;
    if (this.glu && !split) {
      e.linearGluBHL(xPtr, this.wBuf.ptr, wp, w7, bias, yPtr, batch, H, O / 2, length, length, this.scratch.ptr);
    } else if (this.layout === "BHL" && length === 1 && !this.glu) {
      // One position: the blocked matmul degenerates to scalar columns (measured 60-140 us at
      // H = 256, O = 512); the step matrix-vector product does it in ~8 us per row.
      for (let b = 0; b < batch; b++) e.stepMatVec(this.wBuf.ptr, xPtr + 4 * b * H, bias, yPtr + 4 * b * O, H, O);
    } else if (split) {
      this.applySplit(xPtr, yPtr, batch, length, bias);
    } else if (w7 && length >= STRASSEN_COLUMNS) {
      e.linearStrassenBHL(xPtr, w7, this.wBuf.ptr, wp, bias, yPtr, batch, H, O, length, length, this.scratch.ptr);
    } else if (this.layout === "BHL") {
      e.linearBHL(xPtr, this.wBuf.ptr, bias, yPtr, batch, H, O, length, this.scratch.ptr, wp);
    } else {
      e.linearBLH(xPtr, this.wBuf.ptr, bias, yPtr, batch * length, H, O, this.scratch.ptr);
    }
  }

  /**
   * applyPtr on the kernels' threads, each with its own scratch: BHL splits the output features
   * of each batch row (cut at multiples of 8, so the 4-row packed weights stay aligned), or its
   * positions at multiples of 128 when the Strassen matmul or the GLU runs (Strassen pairs the
   * rows o and o + O/2, the GLU the rows g and G + g; both work in 128-position blocks, and the
   * tail block stays with the last part, as on one thread), or the batch rows when there are
   * too few positions for a part per thread; BLH the positions. Every output element is computed
   * as on one thread, so results are identical.
   */
  private applySplit(xPtr: number, yPtr: number, batch: number, length: number, bias: number): void {
    const rt = this.wasm;
    const pool = rt.pool as NonNullable<WasmRuntime["pool"]>;
    const H = this.inFeatures;
    const O = this.outFeatures;
    const w = (this.wBuf as WasmBuffer<Float32Array>).ptr;
    const scratch = (this.scratch as WasmBuffer<Float32Array>).ptr;
    const scratchBytes = 4 * this.scratchFloats;
    const wp = this.wPacked ? this.wPacked.ptr : 0;
    const w7 = this.wStrassen ? this.wStrassen.ptr : 0;
    if (this.glu || (w7 && length >= STRASSEN_COLUMNS)) {
      const outCh = this.glu ? O / 2 : O;
      const job = this.glu ? "linearGluBHL" : "linearStrassenBHL";
      const weights = this.glu ? [w, wp, w7] : [w7, w, wp];
      // `rows` batch rows from b0, positions l0 .. l0 + cols of each
      const part = (b0: number, rows: number, l0: number, cols: number, t: number) => [
        xPtr + 4 * (b0 * H * length + l0),
        ...weights,
        bias,
        yPtr + 4 * (b0 * outCh * length + l0),
        rows,
        H,
        outCh,
        cols,
        length,
        scratch + t * scratchBytes,
      ];
      if (batch > 1 && length < STRASSEN_COLUMNS * pool.threads) {
        // too few positions for a part per thread: split the batch rows instead (each row is
        // computed as on one thread either way)
        pool.runRows(job, batch, 1, (b0, b1, t) => part(b0, b1 - b0, 0, length, t), rt.exports);
        return;
      }
      for (let b = 0; b < batch; b++) {
        pool.runRows(job, length, STRASSEN_COLUMNS, (l0, l1, t) => part(b, 1, l0, l1 - l0, t), rt.exports);
      }
      return;
    }
    if (this.layout === "BLH") {
      const args = (r0: number, r1: number, t: number) => [
        xPtr + 4 * r0 * H,
        w,
        bias,
        yPtr + 4 * r0 * O,
        r1 - r0,
        H,
        O,
        scratch + t * scratchBytes,
      ];
      pool.runRows("linearBLH", batch * length, 4, args, rt.exports);
      return;
    }
    for (let b = 0; b < batch; b++) {
      const args = (o0: number, o1: number, t: number) => [
        xPtr + 4 * b * H * length,
        w + 4 * o0 * H,
        bias && bias + 4 * o0,
        yPtr + 4 * (b * O + o0) * length,
        1,
        H,
        o1 - o0,
        length,
        scratch + t * scratchBytes,
        wp && wp + 4 * o0 * H,
      ];
      pool.runRows("linearBHL", O, 8, args, rt.exports);
    }
  }
}
