import {
  checkFiniteResult,
  checkFiniteResultAt,
  type ElementwisePlan,
  type FloatArray,
  type GLUPlan,
  type LinearPlan,
  S4StateError,
  S4ValueError,
  type SSMState,
  STATE_OVERFLOW_HINT,
  type StepLinearPlan,
  type StepPlan,
  setFinite,
  validate,
  type WasmBuffer,
  type WasmRuntime,
  type Workspace,
} from "@s4wasm/kernels";
import { repeatChannels } from "../ssm/repeat-channels.js";
import type { StepMode } from "./step-mode.js";

/** Options of StepMode.blockStepper(): batch size and the output Linear. */
export interface FusedBlockStepperOptions {
  /** Batch size B of every frame. */
  batch: number;
  /** Linear(c*H, 2H) weight W (2H, c*H) row-major (an official Conv1d (2H, c*H, 1) weight is the same numbers). */
  weight: FloatArray;
  /** bias (2H); none when absent. */
  bias?: FloatArray | null;
}

/**
 * Streaming S4 block: one frame through the official S4Block default tail, state kept in wasm
 * memory, O(N) (S4D) per channel for the SSM and one matrix-vector product for the Linear:
 *   u_t (B, H) -> y = SSM(u_t) + D u_t -> GELU (erf) -> z = W y + bias (2H) -> z[:H] * sigmoid(z[H:]) (B, H)
 * On wasm every stage runs at pointer level in the kernels' memory: the frame is copied in and
 * the output copied out, nothing else. On the JS twin the same plans write into arrays made once.
 *   const s = mode.blockStepper({ batch: 1, weight: W, bias });   // W (2H, H), bias (2H)
 *   const y = s.step(frame);                                       // (B, H) -> (B, H)
 */
export class FusedBlockStepper {
  /** Batch size B of every frame and chunk. */
  readonly batch: number;
  /** Channels H. */
  readonly channels: number;
  private readonly plan: StepPlan;
  private readonly st: SSMState;
  private readonly gelu: ElementwisePlan;
  private readonly lin: StepLinearPlan;
  private readonly glu: GLUPlan;
  private readonly wasm: { ws: Workspace; io: WasmBuffer<Float32Array>; z: WasmBuffer<Float32Array> } | null;
  /** JS twin: u the frame repeated over the c groups (null for c = 1), y (B, c*H), z (B, 2H). */
  private readonly js: {
    u: Float64Array | null;
    y: Float64Array;
    z: Float64Array;
    ys: Float64Array[];
    zs: Float64Array[];
  } | null;
  private zView: Float32Array | null = null;
  private disposed = false;
  private linL: LinearPlan | null = null;
  private readonly mode: StepMode;
  private readonly weight: FloatArray;
  private readonly bias: FloatArray | null;

  /** @internal made by StepMode.blockStepper(). */
  constructor(mode: StepMode, plan: StepPlan, options: FusedBlockStepperOptions) {
    const k = mode.kernels;
    const H = mode.channels;
    // the SSM runs G = c*H channels (c output channel groups, '(c h)'); the Linear maps G -> 2H
    const G = mode.outputChannels;
    this.mode = mode;
    this.weight = options.weight.slice();
    this.bias = options.bias ? options.bias.slice() : null;
    this.plan = plan;
    this.batch = plan.batch;
    this.channels = H;
    this.lin = k.stepLinear({ inFeatures: G, outFeatures: 2 * H, weight: options.weight, bias: options.bias ?? null });
    this.gelu = k.gelu();
    this.glu = k.glu({ channels: H });
    this.st = plan.createState();
    const B = this.batch;
    if (k.backend === "wasm") {
      const ws = k.workspace();
      this.wasm = { ws, io: ws.f32(B * G), z: ws.f32(B * 2 * H) };
      this.js = null;
    } else {
      const u = G === H ? null : new Float64Array(B * G);
      const y = new Float64Array(B * G);
      const z = new Float64Array(B * 2 * H);
      const ys = Array.from({ length: B }, (_, b) => y.subarray(b * G, (b + 1) * G));
      const zs = Array.from({ length: B }, (_, b) => z.subarray(b * 2 * H, (b + 1) * 2 * H));
      this.js = { u, y, z, ys, zs };
      this.wasm = null;
    }
  }

  /** The SSM state (batch, c*channels, size). */
  get state(): SSMState {
    this.assertLive("blockStepper.state");
    return this.st;
  }

  /** One frame (B, H) -> block output (B, H). Pass `out` (backend dtype) to avoid the fresh result. */
  step(frame: FloatArray, out?: FloatArray): FloatArray {
    this.assertLive("blockStepper.step");
    const B = this.batch;
    const H = this.channels;
    const n = B * H;
    validate.checkFloatArray("blockStepper.step(frame)", frame, n, "batch*channels");
    if (this.js) {
      // a NaN/Infinity would enter the state and poison every later step
      validate.checkAllFinite("blockStepper.step(frame)", frame);
      const j = this.js;
      const y = out === undefined ? new Float64Array(n) : validate.checkOut("blockStepper.step(out)", out, Float64Array, n);
      const u = j.u ? repeatChannels(frame, B, H, 1, this.mode.groups, j.u) : frame;
      this.plan.step(u, this.st, j.y);
      this.gelu.apply(j.y, j.y);
      for (let b = 0; b < B; b++) this.lin.apply(j.ys[b], j.zs[b]);
      this.glu.apply(j.z, { batch: B, length: 1 }, y);
      checkFiniteResult("blockStepper.step", y, STATE_OVERFLOW_HINT);
      return y;
    }
    const w = this.wasm as NonNullable<FusedBlockStepper["wasm"]>;
    const y = out === undefined ? new Float32Array(n) : validate.checkOut("blockStepper.step(out)", out, Float32Array, n);
    // the output view is kept (a subarray per frame would allocate); renewed if memory grew
    if (!this.zView || this.zView.buffer !== w.z.view.buffer) this.zView = w.z.view.subarray(0, n);
    // the frame's finite check runs in wasm after the copy; a refused frame changes no state
    setFinite(this.mode.kernels.runtime as WasmRuntime, "blockStepper.step(frame)", w.io, frame);
    const G = this.mode.outputChannels;
    if (G !== H) repeatInPlace(w.io.view, B, H, G / H);
    // SSM + D u -> GELU -> Linear -> GLU, in one wasm call for the S4D step
    this.plan.runBlockPointers(this.st, w.io.ptr, w.z.ptr, this.lin);
    // the SIMD check inline, the helper (which names the index) only on failure: calling the
    // helper on every frame cost ~0.5 us of a ~10 us frame (measured, A/B)
    const rt = this.mode.kernels.runtime as WasmRuntime;
    if (rt.exports.allFinite(w.z.ptr, n) !== 1) checkFiniteResultAt(rt, "blockStepper.step", w.z.ptr, n, STATE_OVERFLOW_HINT);
    y.set(this.zView as Float32Array);
    return y;
  }

  /**
   * A chunk u (B, H, L) -> block output (B, H, L), leaving the state at the chunk's end (chunked
   * prefill, then stream with step()). Uses the position-wise Linear plan (made on first use).
   */
  prefill(chunk: FloatArray, out?: FloatArray): FloatArray {
    this.assertLive("blockStepper.prefill");
    const m = this.mode;
    const length = m.chunkLength("blockStepper.prefill", chunk, this.batch);
    const u = m.groups === 1 ? chunk : m.repeat("blockStepper.prefill", chunk, this.batch, length);
    let g: FloatArray;
    try {
      g = this.plan.run(u, this.st);
    } catch (err) {
      // the chunk was checked above: what the SSM run refuses now is its own overflow, said
      // under this call's name with the plan's message after it
      if (err instanceof S4ValueError) throw new S4ValueError(`blockStepper.prefill: ${err.message}`);
      throw err;
    }
    this.gelu.apply(g, g);
    if (!this.linL) {
      this.linL = this.mode.kernels.linear({
        inFeatures: m.outputChannels,
        outFeatures: 2 * this.channels,
        weight: this.weight,
        bias: this.bias,
      });
    }
    const z = this.linL.apply(g, { batch: this.batch, length });
    const y = this.glu.apply(z, { batch: this.batch, length }, out);
    checkFiniteResult("blockStepper.prefill", y, STATE_OVERFLOW_HINT);
    return y;
  }

  /** Back to the zero state. */
  reset(): void {
    this.assertLive("blockStepper.reset");
    this.st.reset();
  }

  /** Free the state, the Linear weights and the buffers. Idempotent. */
  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    this.st.dispose();
    this.lin.dispose();
    this.gelu.dispose();
    this.glu.dispose();
    this.linL?.dispose();
    this.wasm?.ws.dispose();
  }

  private assertLive(where: string): void {
    if (this.disposed) throw new S4StateError(`${where}: this fused block stepper was disposed`);
  }
}

/**
 * v[0, B*H) holds frames (B, H); spread them over c groups in place: row b of group k goes to
 * (b*c + k)*H. Rows move to higher offsets only, so going from the last row down reads every
 * row before it is overwritten.
 */
function repeatInPlace(v: Float32Array, B: number, H: number, c: number): void {
  for (let b = B - 1; b >= 0; b--) for (let k = c - 1; k >= 0; k--) v.copyWithin((b * c + k) * H, b * H, (b + 1) * H);
}
