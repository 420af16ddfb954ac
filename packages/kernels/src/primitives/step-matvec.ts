// A Linear layer applied to ONE frame (batch 1, one position) as a plan, for streaming block
// steps: y = W x + bias, W (O, H) row-major as nn.Linear stores it, x (H), y (O). The weights
// live in wasm memory, packed in row panels for the SIMD kernel (packStepWeights); applyPtr
// chains with the step kernels at pointer level (no copies). For many positions use k.linear
// (a blocked matrix multiply) instead.
import { S4StateError } from "../errors.js";
import { stepMatVec } from "../js/step-matvec.js";
import type { WasmBuffer } from "../memory/workspace.js";
import type { WasmRuntime } from "../runtime.js";
import type { FloatArray } from "../types.js";
import { checkFinite32, checkFloatArray, checkInt } from "../validate.js";
import { Plan } from "./plan.js";

/** Shape and weights of a {@link StepLinearPlan}. */
export interface StepLinearOptions {
  /** H, input features. */
  inFeatures: number;
  /** O, output features (2H before a GLU). */
  outFeatures: number;
  /** W (O, H) row-major. */
  weight: FloatArray;
  /** bias (O); none when absent. */
  bias?: FloatArray | null;
}

/**
 * A Linear layer applied to ONE frame (batch 1, one position), for streaming block steps:
 * y (O) = W x + bias, W (O, H) row-major as nn.Linear stores it, x (H). The weights live in wasm
 * memory; applyPtr chains with the step kernels at pointer level (no copies). For many positions
 * use {@link LinearPlan}.
 */
export class StepLinearPlan extends Plan {
  /** H, input features. */
  readonly inFeatures: number;
  /** O, output features. */
  readonly outFeatures: number;
  private readonly w64: Float64Array;
  private readonly b64: Float64Array | null;
  private readonly wBuf: WasmBuffer<Float32Array> | null = null;
  private readonly bBuf: WasmBuffer<Float32Array> | null = null;
  private readonly xBuf: WasmBuffer<Float32Array> | null = null;
  private readonly yBuf: WasmBuffer<Float32Array> | null = null;

  constructor(runtime: WasmRuntime | null, options: StepLinearOptions) {
    super(runtime);
    const H = checkInt("stepLinear(options.inFeatures)", options?.inFeatures, 1, 2 ** 16);
    const O = checkInt("stepLinear(options.outFeatures)", options.outFeatures, 1, 2 ** 16);
    this.inFeatures = H;
    this.outFeatures = O;
    const w = checkFloatArray("stepLinear(options.weight)", options.weight, O * H, "outFeatures*inFeatures");
    checkFinite32("stepLinear(options.weight)", w, runtime !== null);
    this.w64 = Float64Array.from(w);
    if (options.bias != null) {
      const b = checkFloatArray("stepLinear(options.bias)", options.bias, O, "outFeatures");
      checkFinite32("stepLinear(options.bias)", b, runtime !== null);
      this.b64 = Float64Array.from(b);
    } else this.b64 = null;
    if (this.ws) {
      this.wBuf = this.ws.f32(4 * Math.ceil(O / 4) * H);
      packStepWeights(this.w64, H, O, this.wBuf.view);
      if (this.b64) {
        this.bBuf = this.ws.f32(O);
        this.bBuf.view.set(this.b64);
      }
      this.xBuf = this.ws.f32(H);
      this.yBuf = this.ws.f32(O);
    }
  }

  /** y = W x + bias. x (H) -> y (O), fresh unless `out` is given. */
  apply(x: FloatArray, out?: FloatArray): FloatArray {
    this.assertLive("stepLinear.apply");
    const { inFeatures: H, outFeatures: O } = this;
    checkFloatArray("stepLinear.apply(x)", x, H, "inFeatures");
    // a NaN/Infinity would spread to every output feature
    checkFinite32("stepLinear.apply(x)", x, this.runtime !== null);
    const y = this.outReal("stepLinear.apply(out)", out, O);
    if (!this.runtime) {
      stepMatVec(this.w64, x, this.b64, y, H, O);
      return y;
    }
    const xb = this.xBuf as WasmBuffer<Float32Array>;
    const yb = this.yBuf as WasmBuffer<Float32Array>;
    xb.view.set(x);
    this.applyPtr(xb.ptr, yb.ptr);
    y.set(yb.view);
    return y;
  }

  /**
   * @internal check that this plan can lend its wasm operands (packedWeightsPtr, biasPtr) to a
   * step plan of `runtime` that runs this Linear inside its own kernel (StepPlan.runBlockPointers):
   * S4StateError for a plan of another kernels instance or of the JS backend, or a disposed one.
   */
  checkLender(where: string, runtime: WasmRuntime): void {
    // the "(linear)" label is made only for a refusal: this runs on every streamed frame
    if (!this.live) this.assertLive(`${where}(linear)`);
    if (this.runtime !== runtime) {
      throw new S4StateError(
        `${where}(linear): expected a stepLinear plan of the same kernels instance (wasm), got one of ${this.runtime ? "another instance" : "the JS backend"}`,
      );
    }
  }

  /** @internal byte offset of the packed weights (stepMatVecPacked layout), wasm only. */
  get packedWeightsPtr(): number {
    return (this.wBuf as WasmBuffer<Float32Array>).ptr;
  }

  /** @internal byte offset of the bias (outFeatures f32), 0 when there is none; wasm only. */
  get biasPtr(): number {
    return this.bBuf ? this.bBuf.ptr : 0;
  }

  /** Wasm only: x at xPtr (H f32) -> y at yPtr (O f32); y must not overlap x. */
  applyPtr(xPtr: number, yPtr: number): void {
    this.assertLive("stepLinear.applyPtr");
    if (!this.runtime) throw new S4StateError("stepLinear.applyPtr: pointer entry points need the wasm backend");
    const w = this.wBuf as WasmBuffer<Float32Array>;
    this.runtime.exports.stepMatVecPacked(w.ptr, xPtr, this.bBuf ? this.bBuf.ptr : 0, yPtr, this.inFeatures, this.outFeatures);
  }
}

/**
 * W (O, H) row-major -> the row panels of assembly/step-matvec.ts stepMatVecPacked: panels of
 * 24 rows while 24 remain, then of 4 (the last one zero-padded), each stored h-major (its rows'
 * weights for h = 0, then for h = 1, ...). out: (ceil(O/4)*4 * H).
 */
export function packStepWeights(w: ArrayLike<number>, H: number, O: number, out: Float32Array): void {
  let k = 0;
  let o = 0;
  while (o < O) {
    const P = o + 24 <= O ? 24 : 4;
    for (let h = 0; h < H; h++) for (let r = 0; r < P; r++) out[k++] = o + r < O ? w[(o + r) * H + h] : 0;
    o += P;
  }
}
