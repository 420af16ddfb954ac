// The dense SSM step as a plan (S4 DPLR discretised into a dense full-state matrix, the official
// dense step mode):  x = dA @ x + dB * u;   y = Re(C . x) + D * u   (state updated first).
// Shapes: dA complex (H, S, S) row-major, dB and C complex (H, S), D real (H); state (B, H, S);
// frames u, y (B, H). S = N for a DPLR layer of N/2 stored modes (the conjugate-pair system).
import { denseStep } from "../js/step-dense.js";
import type { WasmBuffer } from "../memory/workspace.js";
import type { WasmRuntime } from "../runtime.js";
import type { Complex, FloatArray } from "../types.js";
import { checkComplex, checkFloatArray, checkInt } from "../validate.js";
import { loadStepParams, type StepParamName, StepPlan } from "./step-plan.js";
import type { SSMState } from "./step-state.js";

/** Shape of a {@link DenseStepPlan}. */
export interface DenseStepOptions {
  /** B, the batch size. */
  batch: number;
  /** H. */
  channels: number;
  /** S, the full state size per channel. */
  size: number;
}

/** Discretised parameters of a {@link DenseStepPlan}, set with setParams(). */
export interface DenseStepParams {
  /** Discretised A, complex (H, S, S) row-major. */
  dA: Complex;
  /** Discretised B, complex (H, S). */
  dB: Complex;
  /** Output map over the full state, complex (H, S) (for DPLR: [C, conj C] with the ORIGINAL C). */
  C: Complex;
  /** Skip, real (H); zeros when absent. */
  D?: FloatArray;
}

type Names = StepParamName;

/**
 * The dense SSM step as a plan (S4 DPLR discretised into a dense full-state matrix, the official
 * dense step mode): `x = dA @ x + dB * u; y = Re(C . x) + D * u` (state updated first).
 * dA complex (H, S, S) row-major, dB and C complex (H, S), D real (H); state complex (B, H, S);
 * frames u, y (B, H). S = N for a DPLR layer of N/2 stored modes (the conjugate-pair system).
 */
export class DenseStepPlan extends StepPlan {
  /** State kind: "dense". */
  protected readonly kind = "dense";
  /** Error-message prefix: "denseStep". */
  protected readonly name = "denseStep";
  private readonly wbufs: Record<Names | "tmp", WasmBuffer<Float32Array>> | null = null;
  private readonly jparams: Record<Names | "tmp", Float64Array> | null = null;

  constructor(runtime: WasmRuntime | null, options: DenseStepOptions) {
    const batch = checkInt("denseStep(options.batch)", options?.batch, 1, 2 ** 20);
    const channels = checkInt("denseStep(options.channels)", options.channels, 1, 2 ** 20);
    const size = checkInt("denseStep(options.size)", options.size, 1, 2 ** 12);
    super(runtime, batch, channels, size);
    checkInt("denseStep(options.channels*size*size)", channels * size * size, 1, 2 ** 27);
    const hs = channels * size;
    const sizes: Record<Names | "tmp", number> = {
      dAr: hs * size,
      dAi: hs * size,
      dBr: hs,
      dBi: hs,
      cr: hs,
      ci: hs,
      d: channels,
      tmp: 2 * size,
    };
    if (this.ws) {
      const ws = this.ws;
      this.wbufs = Object.fromEntries(Object.entries(sizes).map(([k, n]) => [k, ws.f32(n)])) as Record<
        Names | "tmp",
        WasmBuffer<Float32Array>
      >;
    } else {
      this.jparams = Object.fromEntries(Object.entries(sizes).map(([k, n]) => [k, new Float64Array(n)])) as Record<
        Names | "tmp",
        Float64Array
      >;
    }
  }

  /** Copy the discretised parameters in (once). Values must be finite. */
  setParams(params: DenseStepParams): this {
    this.assertLive("denseStep.setParams");
    const hs = this.channels * this.size;
    const dA = checkComplex("denseStep.setParams(dA)", params?.dA, hs * this.size, "channels*size*size");
    const dB = checkComplex("denseStep.setParams(dB)", params.dB, hs, "channels*size");
    const C = checkComplex("denseStep.setParams(C)", params.C, hs, "channels*size");
    const D =
      params.D === undefined
        ? new Float64Array(this.channels)
        : checkFloatArray("denseStep.setParams(D)", params.D, this.channels, "channels");
    const vals: Record<Names, FloatArray> = { dAr: dA.re, dAi: dA.im, dBr: dB.re, dBi: dB.im, cr: C.re, ci: C.im, d: D };
    loadStepParams("denseStep.setParams", vals, this.wbufs, this.jparams);
    this.markReady();
    return this;
  }

  /** L steps in wasm via the `denseStep` export; u/y are byte offsets of (B, H, L) f32 arrays. */
  protected callWasm(state: SSMState, uPtr: number, yPtr: number, L: number): void {
    const b = this.wbufs as Record<Names | "tmp", WasmBuffer<Float32Array>>;
    this.wasm.exports.denseStep(
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
      b.tmp.ptr,
      this.batch,
      this.channels,
      this.size,
      L,
    );
  }

  /** L steps with the JS twin `denseStep`; the f64 state planes advance in place. */
  protected callJs(xRe: Float64Array, xIm: Float64Array, u: FloatArray, y: FloatArray, L: number): void {
    const p = this.jparams as Record<Names | "tmp", Float64Array>;
    denseStep(xRe, xIm, p.dAr, p.dAi, p.dBr, p.dBi, p.cr, p.ci, p.d, u, y, p.tmp, this.batch, this.channels, this.size, L);
  }
}
