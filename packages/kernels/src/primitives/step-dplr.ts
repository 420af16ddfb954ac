// The O(N) rank-1 DPLR step as a plan (the official S4 "linear" step mode): bilinear
// discretisation of A = diag([L, conj L]) - p p^H applied through the Woodbury identity on the
// half state, so a step costs O(N/2) per channel instead of the dense O(N^2). Same numbers as the
// dense step x = dA x + dB u, y = Re(C_full x) + D u (up to rounding).
// Shapes: Lambda, P, B, C complex (H, M) with C the ORIGINAL output map (not C-tilde); dt, D (H);
// state (B, H, M) (half, conjugate-symmetric); frames u, y (B, H).
import { S4ValueError } from "../errors.js";
import { DPLR_STEP_PLANES, dplrStep } from "../js/step-dplr.js";
import type { WasmBuffer } from "../memory/workspace.js";
import type { WasmRuntime } from "../runtime.js";
import type { Complex, FloatArray } from "../types.js";
import { checkComplex, checkFinite32, checkFloatArray, checkInt } from "../validate.js";
import { StepPlan } from "./step-plan.js";
import type { SSMState } from "./step-state.js";

/** Shape of a {@link DPLRStepPlan}. */
export interface DPLRStepOptions {
  /** B, the batch size. */
  batch: number;
  /** H. */
  channels: number;
  /** M = N/2 stored modes per channel. */
  modes: number;
}

/** Continuous-time DPLR parameters of a {@link DPLRStepPlan}, set with setParams(). */
export interface DPLRStepParams {
  /** Diagonal part, complex (H, M), Re < 0. */
  Lambda: Complex;
  /** Rank-1 factor, complex (H, M). */
  P: Complex;
  /** Input map, complex (H, M). */
  B: Complex;
  /** ORIGINAL output map (recover it from C-tilde first), complex (H, M). */
  C: Complex;
  /** Step size per channel (H), > 0. */
  dt: FloatArray;
  /** Skip (H); zeros when absent. */
  D?: FloatArray;
}

/**
 * The O(N) rank-1 DPLR step as a plan (the official S4 "linear" step mode): bilinear
 * discretisation of A = diag([Lambda, conj Lambda]) - P P^H applied through the Woodbury identity
 * on the half state, so a step costs O(N/2) per channel instead of the dense O(N^2); same numbers
 * as the dense step up to rounding. Lambda, P, B, C complex (H, M) with C the ORIGINAL output map
 * (not C-tilde); dt, D real (H); state complex (B, H, M) (half, conjugate-symmetric); frames
 * u, y (B, H).
 */
export class DPLRStepPlan extends StepPlan {
  /** M = N/2, stored modes per channel. */
  readonly modes: number;
  /** State kind: "dplr". */
  protected readonly kind = "dplr";
  /** Error-message prefix: "dplrStep". */
  protected readonly name = "dplrStep";
  private readonly packed: Float64Array;
  private readonly chan: Float64Array;
  private readonly wparams: WasmBuffer<Float32Array> | null = null;
  private readonly wchan: WasmBuffer<Float32Array> | null = null;

  constructor(runtime: WasmRuntime | null, options: DPLRStepOptions) {
    const batch = checkInt("dplrStep(options.batch)", options?.batch, 1, 2 ** 20);
    const channels = checkInt("dplrStep(options.channels)", options.channels, 1, 2 ** 20);
    const modes = checkInt("dplrStep(options.modes)", options.modes, 1, 2 ** 20);
    super(runtime, batch, channels, modes);
    checkInt("dplrStep(options.batch*channels*modes)", batch * channels * modes, 1, 2 ** 27);
    this.modes = modes;
    this.packed = new Float64Array(channels * DPLR_STEP_PLANES * modes);
    this.chan = new Float64Array(2 * channels);
    if (this.ws) {
      this.wparams = this.ws.f32(this.packed.length);
      this.wchan = this.ws.f32(this.chan.length);
    }
  }

  /** Precompute the step's per-mode coefficients in float64 (once). */
  setParams(params: DPLRStepParams): this {
    this.assertLive("dplrStep.setParams");
    const H = this.channels;
    const M = this.modes;
    const n = H * M;
    const get = (name: keyof DPLRStepParams) => {
      const c = checkComplex(`dplrStep.setParams(${name})`, params?.[name], n, "channels*modes");
      checkFinite32(`dplrStep.setParams(${name}.re)`, c.re, this.runtime !== null);
      checkFinite32(`dplrStep.setParams(${name}.im)`, c.im, this.runtime !== null);
      return c;
    };
    const [Lam, P, B, C] = [get("Lambda"), get("P"), get("B"), get("C")];
    const dt = checkFloatArray("dplrStep.setParams(dt)", params.dt, H, "channels");
    const D = params.D === undefined ? new Float64Array(H) : checkFloatArray("dplrStep.setParams(D)", params.D, H, "channels");
    checkFinite32("dplrStep.setParams(D)", D, this.runtime !== null);
    for (let h = 0; h < H; h++) {
      if (!(dt[h] > 0) || !Number.isFinite(dt[h]))
        throw new S4ValueError(`dplrStep.setParams(dt): expected finite values > 0, got ${dt[h]} at index ${h}`);
    }
    for (let i = 0; i < n; i++) {
      // an unstable pole grows without bound, and Lambda = 2/dt makes the bilinear step singular
      if (!(Lam.re[i] < 0)) {
        throw new S4ValueError(`dplrStep.setParams(Lambda): expected Re < 0 (a stable system), got ${Lam.re[i]} at index ${i}`);
      }
    }
    const out = this.packed;
    for (let h = 0; h < H; h++) {
      const d = dt[h];
      const base = h * DPLR_STEP_PLANES * M;
      let k = 0;
      for (let m = 0; m < M; m++) {
        const i = h * M + m;
        const lr = Lam.re[i];
        const li = Lam.im[i];
        const pr = P.re[i];
        const pi = P.im[i];
        // G = (2/dt) / (2/dt - L)
        const er = 2 / d - lr;
        const ei = -li;
        const den = er * er + ei * ei;
        const gr = ((2 / d) * er) / den;
        const gi = (-(2 / d) * ei) / den;
        const gpr = gr * pr - gi * pi;
        const gpi = gr * pi + gi * pr;
        const vals = [
          pr,
          pi,
          1 + (d / 2) * lr,
          (d / 2) * li,
          (d / 2) * pr,
          (d / 2) * pi,
          d * B.re[i],
          d * B.im[i],
          gr,
          gi,
          gpr,
          gpi,
          C.re[i],
          C.im[i],
        ];
        for (let q = 0; q < DPLR_STEP_PLANES; q++) out[base + q * M + m] = vals[q];
        // k = 2 Re sum conj(dt/2 P) G P
        k += (d / 2) * (pr * gpr + pi * gpi);
      }
      this.chan[2 * h] = 1 / (1 + 2 * k);
      this.chan[2 * h + 1] = D[h];
    }
    if (this.wparams && this.wchan) {
      this.wparams.view.set(this.packed);
      this.wchan.view.set(this.chan);
    }
    this.markReady();
    return this;
  }

  /** L steps in wasm via the `dplrStep` export; u/y are byte offsets of (B, H, L) f32 arrays. */
  protected callWasm(state: SSMState, uPtr: number, yPtr: number, L: number): void {
    const p = this.wparams as WasmBuffer<Float32Array>;
    const c = this.wchan as WasmBuffer<Float32Array>;
    this.wasm.exports.dplrStep(state.ptrRe, state.ptrIm, p.ptr, c.ptr, uPtr, yPtr, this.batch, this.channels, this.modes, L);
  }

  /** L steps with the JS twin `dplrStep`; the f64 state planes advance in place. */
  protected callJs(xRe: Float64Array, xIm: Float64Array, u: FloatArray, y: FloatArray, L: number): void {
    dplrStep(xRe, xIm, this.packed, this.chan, u, y, this.batch, this.channels, this.modes, L);
  }
}
