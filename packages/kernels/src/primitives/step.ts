// The fused diagonal SSM step as a plan (S4D; or any diagonal system such as a diagonalised DPLR):
//   x = dA * x + dB * u;   y = scale * Re(C . x) + D * u      (state updated before the readout)
// scale = 2 with conjugatePairs (the N/2 stored modes of a real system, official S4D), else 1.
// Shapes: parameters dA, dB, C complex (H, M), D real (H); state (B, H, M); frames u, y (B, H).
// On wasm with M % 4 == 0 the kernel runs the same system on x~ = C . x (x~ = dA x~ + (C dB) u,
// y = scale Re(sum x~) + D u: a third less parameter traffic and no readout multiplies); the
// state converts at its boundary (read/write, or a step with other parameters), so users see x.
import { diagStep } from "../js/step.js";
import type { WasmBuffer } from "../memory/workspace.js";
import type { WasmRuntime } from "../runtime.js";
import { splitRange } from "../threads/split-range.js";
import type { Complex, FloatArray } from "../types.js";
import { checkComplex, checkFloatArray, checkInt } from "../validate.js";
import { checkStepParams, loadStepParams, type StepParamName, StepPlan } from "./step-plan.js";
import type { SSMState } from "./step-state.js";

/**
 * Batched block frames are split across the kernels' threads from this much work per frame,
 * batch * channels * (modes + 2 H) (SSM modes plus Linear multiply-adds per input channel): at
 * B = 2, H = 256, N = 64 (~20 us a frame on one thread), one round trip to a worker (~1 us) is
 * small beside half the frame. One frame of batch 1 stays on the caller (a 10 us frame gained
 * nothing, measured).
 */
const SPLIT_MIN_BLOCK_WORK = 2 ** 18;

/** Shape of a {@link DiagStepPlan}. */
export interface DiagStepOptions {
  /** B, the batch size. */
  batch: number;
  /** H. */
  channels: number;
  /** M stored modes per channel (N/2 for S4D). */
  modes: number;
  /** Stored modes stand for conjugate pairs: y uses 2 Re(C.x) (default true, official S4D). */
  conjugatePairs?: boolean;
}

/** Discretised parameters of a {@link DiagStepPlan}, set with setParams(). */
export interface DiagStepParams {
  /** Discretised A, complex (H, M). */
  dA: Complex;
  /** Discretised B, complex (H, M). */
  dB: Complex;
  /** Output map C, complex (H, M). */
  C: Complex;
  /** Skip, real (H); zeros when absent. */
  D?: FloatArray;
}

type Names = StepParamName;

/**
 * The scaled state C . x is used only where every |C| is in [2^-40, 2^40] and every g = C dB is
 * within float32 range: a C of 0 would lose the state (it still matters to read() and to later
 * parameters), and the bound keeps the conversions of any state a stable system reaches within
 * float32 range. NaN fails the test, so the planes path's checks name it.
 */
function canScaleState(C: Complex, dB: Complex): boolean {
  for (let i = 0; i < C.re.length; i++) {
    const c2 = C.re[i] * C.re[i] + C.im[i] * C.im[i];
    const b2 = dB.re[i] * dB.re[i] + dB.im[i] * dB.im[i];
    if (!(c2 >= 2 ** -80 && c2 <= 2 ** 80 && c2 * b2 <= 1e76)) return false;
  }
  return true;
}

/**
 * The fused diagonal SSM step as a plan (S4D, or any diagonal system such as a diagonalised DPLR):
 * `x = dA * x + dB * u; y = scale * Re(C . x) + D * u` (state updated before the readout).
 * Parameters dA, dB, C complex (H, M), D real (H); state complex (B, H, M); frames u, y (B, H).
 */
export class DiagStepPlan extends StepPlan {
  /** M, stored modes per channel (N/2 for S4D). */
  readonly modes: number;
  /** Readout scale: 2 with conjugatePairs (each stored mode stands for a conjugate pair), else 1. */
  readonly scale: number;
  /** State kind: "diag". */
  protected readonly kind = "diag";
  /** Error-message prefix: "diagStep". */
  protected readonly name = "diagStep";
  /** wasm: the parameter planes of the `diagStep` kernel (M % 4 != 0, or a C that cannot scale the state). */
  private wbufs: Record<Names, WasmBuffer<Float32Array>> | null = null;
  private readonly jparams: Record<Names, Float64Array> | null = null;
  /**
   * wasm, M % 4 == 0: dA and g = C dB packed per channel and block of 4 modes as
   * [dA re | dA im | g re | g im] for the `diagStepScaled` kernel (one running pointer), and D.
   */
  private readonly packed: { pk: WasmBuffer<Float32Array>; d: WasmBuffer<Float32Array> } | null = null;
  /**
   * What the `diagStepScaled` kernel keeps in a state's planes: C . x, with this C (float64,
   * (H, M)); null when the `diagStep` planes kernel runs (the planes hold x). A new object per
   * setParams(), so a state scaled by earlier parameters is re-expressed on its next step.
   */
  private stateScale: Complex<Float64Array> | null = null;
  /** The whole wasm memory as f32, for the split block frame's row moves (blockOnThreads). */
  private memView: Float32Array | null = null;

  constructor(runtime: WasmRuntime | null, options: DiagStepOptions) {
    const batch = checkInt("diagStep(options.batch)", options?.batch, 1, 2 ** 20);
    const channels = checkInt("diagStep(options.channels)", options.channels, 1, 2 ** 20);
    const modes = checkInt("diagStep(options.modes)", options.modes, 1, 2 ** 20);
    super(runtime, batch, channels, modes);
    checkInt("diagStep(options.batch*channels*modes)", batch * channels * modes, 1, 2 ** 27);
    this.modes = modes;
    this.scale = options.conjugatePairs === false ? 1 : 2;
    const hm = channels * modes;
    if (this.ws) {
      if (modes % 4 === 0) this.packed = { pk: this.ws.f32(4 * hm), d: this.ws.f32(channels) };
    } else {
      this.jparams = Object.fromEntries(Object.entries(this.sizes()).map(([k, n]) => [k, new Float64Array(n)])) as Record<
        Names,
        Float64Array
      >;
    }
  }

  /** Copy the discretised parameters in (once; call again to change them). Values must be finite. */
  setParams(params: DiagStepParams): this {
    this.assertLive("diagStep.setParams");
    const hm = this.channels * this.modes;
    const dA = checkComplex("diagStep.setParams(dA)", params?.dA, hm, "channels*modes");
    const dB = checkComplex("diagStep.setParams(dB)", params.dB, hm, "channels*modes");
    const C = checkComplex("diagStep.setParams(C)", params.C, hm, "channels*modes");
    const D =
      params.D === undefined
        ? new Float64Array(this.channels)
        : checkFloatArray("diagStep.setParams(D)", params.D, this.channels, "channels");
    const vals: Record<Names, FloatArray> = { dAr: dA.re, dAi: dA.im, dBr: dB.re, dBi: dB.im, cr: C.re, ci: C.im, d: D };
    if (this.packed && canScaleState(C, dB)) {
      checkStepParams("diagStep.setParams", vals, true);
      const pk = this.packed.pk.view;
      // block j of channel h holds its 4 modes of each of dA re, dA im, g re, g im in turn: 16 floats
      for (let i = 0; i < hm; i += 4) {
        for (let l = 0; l < 4; l++) {
          const m = i + l;
          const cr = C.re[m];
          const ci = C.im[m];
          pk[4 * i + l] = dA.re[m];
          pk[4 * i + 4 + l] = dA.im[m];
          pk[4 * i + 8 + l] = cr * dB.re[m] - ci * dB.im[m];
          pk[4 * i + 12 + l] = cr * dB.im[m] + ci * dB.re[m];
        }
      }
      this.packed.d.view.set(D);
      this.stateScale = { re: Float64Array.from(C.re), im: Float64Array.from(C.im) };
    } else {
      if (this.ws && !this.wbufs) {
        const ws = this.ws;
        this.wbufs = Object.fromEntries(Object.entries(this.sizes()).map(([k, n]) => [k, ws.f32(n)])) as Record<
          Names,
          WasmBuffer<Float32Array>
        >;
      }
      loadStepParams("diagStep.setParams", vals, this.wbufs, this.jparams);
      this.stateScale = null;
    }
    this.markReady();
    return this;
  }

  /**
   * L steps in wasm via the `diagStepScaled` export (M % 4 == 0 and a C that scales the state) or
   * `diagStep`; u/y are byte offsets of (B, H, L) f32 arrays.
   */
  protected callWasm(state: SSMState, uPtr: number, yPtr: number, L: number): void {
    const { batch, channels, modes, scale } = this;
    if (this.expressFor(state)) {
      const { pk, d } = this.packed as NonNullable<DiagStepPlan["packed"]>;
      this.wasm.exports.diagStepScaled(state.ptrRe, state.ptrIm, pk.ptr, d.ptr, uPtr, yPtr, batch, channels, modes, L, scale);
      return;
    }
    const b = this.wbufs as Record<Names, WasmBuffer<Float32Array>>;
    this.wasm.exports.diagStep(
      state.ptrRe,
      state.ptrIm,
      b.dAr.ptr,
      b.dAi.ptr,
      b.dBr.ptr,
      b.dBi.ptr,
      b.cr.ptr,
      b.ci.ptr,
      b.d.ptr,
      uPtr,
      yPtr,
      this.batch,
      this.channels,
      this.modes,
      L,
      this.scale,
    );
  }

  /**
   * One block frame (StepPlan.runBlockPointers): with the scaled state, SSM, GELU, Linear and GLU
   * in one wasm call (`stepBlockScaled`, the same kernels in the same order); else chained.
   */
  protected override callBlockWasm(state: SSMState, ioPtr: number, zPtr: number, wPtr: number, biasPtr: number, H: number): void {
    if (!this.expressFor(state)) {
      super.callBlockWasm(state, ioPtr, zPtr, wPtr, biasPtr, H);
      return;
    }
    const { pk, d } = this.packed as NonNullable<DiagStepPlan["packed"]>;
    const { batch, channels, modes, scale } = this;
    const rt = this.wasm;
    if (rt.pool && batch >= 2 && batch * channels * (modes + 2 * H) >= SPLIT_MIN_BLOCK_WORK) {
      this.blockOnThreads(rt, state, ioPtr, zPtr, wPtr, biasPtr, H);
      return;
    }
    rt.exports.stepBlockScaled(
      state.ptrRe,
      state.ptrIm,
      pk.ptr,
      d.ptr,
      ioPtr,
      batch,
      channels,
      modes,
      scale,
      wPtr,
      biasPtr,
      zPtr,
      H,
    );
  }

  /**
   * callBlockWasm with the batch rows split across the kernels' threads: each part runs
   * stepBlockScaled on its rows of the state, the frames and z (rows are independent; every output
   * is computed as on one thread). Each part's GLU leaves its (rows, H) outputs at the start of its
   * own z rows, so the later parts' outputs are moved down to follow the first's: (B, H) at zPtr.
   */
  private blockOnThreads(
    rt: WasmRuntime,
    state: SSMState,
    ioPtr: number,
    zPtr: number,
    wPtr: number,
    biasPtr: number,
    H: number,
  ): void {
    const { pk, d } = this.packed as NonNullable<DiagStepPlan["packed"]>;
    const { batch, channels, modes, scale } = this;
    const pool = rt.pool as NonNullable<WasmRuntime["pool"]>;
    const rowState = 4 * channels * modes;
    const part = (b0: number, b1: number) => [
      state.ptrRe + b0 * rowState,
      state.ptrIm + b0 * rowState,
      pk.ptr,
      d.ptr,
      ioPtr + 4 * b0 * channels,
      b1 - b0,
      channels,
      modes,
      scale,
      wPtr,
      biasPtr,
      zPtr + 8 * b0 * H,
      H,
    ];
    const ranges = splitRange(batch, pool.threads, 1);
    pool.run(
      "stepBlockScaled",
      ranges.map(([b0, b1]) => part(b0, b1)),
      rt.exports,
    );
    // a view of the whole memory, kept (a view per frame would allocate), renewed when it grew
    if (this.memView?.buffer !== rt.exports.memory.buffer) this.memView = new Float32Array(rt.exports.memory.buffer);
    const z = zPtr / 4;
    for (let i = 1; i < ranges.length; i++) {
      const [b0, b1] = ranges[i];
      this.memView.copyWithin(z + b0 * H, z + 2 * b0 * H, z + 2 * b0 * H + (b1 - b0) * H);
    }
  }

  /**
   * Re-express the state's planes for this plan's kernel (C . x for diagStepScaled, x for the
   * planes kernel) if another scale left them; true when the scaled kernel runs.
   */
  private expressFor(state: SSMState): boolean {
    const to = this.stateScale;
    if (state.scaledBy !== to) state.rescale(`${this.name}(state)`, to);
    return to !== null;
  }

  /** Floats of each parameter plane: (H, M) for dA, dB, C (re, im), H for D. */
  private sizes(): Record<Names, number> {
    const hm = this.channels * this.modes;
    return { dAr: hm, dAi: hm, dBr: hm, dBi: hm, cr: hm, ci: hm, d: this.channels };
  }

  /** L steps with the JS twin `diagStep`; the f64 state planes advance in place. */
  protected callJs(xRe: Float64Array, xIm: Float64Array, u: FloatArray, y: FloatArray, L: number): void {
    const p = this.jparams as Record<Names, Float64Array>;
    diagStep(xRe, xIm, p.dAr, p.dAi, p.dBr, p.dBi, p.cr, p.ci, p.d, u, y, this.batch, this.channels, this.modes, L, this.scale);
  }
}
