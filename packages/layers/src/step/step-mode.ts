import {
  type ConjBlockPowerPlan,
  type DenseStepPlan,
  type DiagStepPlan,
  type DPLRStepPlan,
  type FloatArray,
  type Kernels,
  S4ShapeError,
  S4StateError,
  type SSMState,
  validate,
} from "@s4wasm/kernels";
import type { ConjBlockPower } from "../ssm/discretize.js";
import type { DPLRParams, S4DParams } from "../ssm/params.js";
import { repeatChannels } from "../ssm/repeat-channels.js";
import { FusedBlockStepper, type FusedBlockStepperOptions } from "./block-stepper.js";
import { Stepper } from "./stepper.js";
import { asComplex, type StepSetupOptions, type StepSystem, stepSystemDPLR, stepSystemS4D } from "./system.js";

/** What a StepMode is made from: S4D or S4 (DPLR) parameters, plus D, disc and dplrMode. */
export type StepModeSource = (
  | {
      /** S4D parameters (any number of output channels c). */
      s4d: S4DParams;
    }
  | {
      /** S4 DPLR parameters (any number of output channels c; C or C-tilde). */
      dplr: DPLRParams;
    }
) &
  StepSetupOptions;

type StepPlanOf = DiagStepPlan | DenseStepPlan | DPLRStepPlan;

/**
 * Step (recurrent) mode of an S4D or S4 layer: the same SSM as the convolution, one sample at a
 * time in O(N) (diagonal) or O(N^2) (dense DPLR) per channel and step.
 *
 *   const sm = new StepMode(kernels, { s4d: params, D, disc: "zoh" });
 *   sm.setupStep();                         // discretise once (DPLR: recover C from C-tilde)
 *   const x = sm.defaultState(batch);       // zero state (B, H, size) in wasm memory
 *   const y = sm.step(u_t, x);              // u_t (B, H) -> y_t (B, H); x advances in place
 *   const { y: ys } = sm.forwardState(u, x) // u (B, H, L): a whole chunk from x, x ends at L-1
 *
 * Convention (official): x_k = dA x_{k-1} + dB u_k, then y_k reads the NEW state, so the step
 * output over L steps equals the causal convolution with K (K[0] = C dB) plus D u.
 * DPLR layers step densely by default (the official "dense" mode, O(N^2) per channel); pass
 * dplrMode: "linear" for the O(N) Woodbury step of a rank-1 DPLR system, or "diagonal" for dA
 * diagonalised once (refused when the eigenbasis is ill-conditioned, e.g. HiPPO-LegS N >= 16).
 * All three compute the same recurrence. stepper({ batch }) gives a handle owning its state;
 * blockStepper({ batch, weight, bias }) adds the S4Block tail (GELU -> Linear -> GLU) per frame.
 * Frames are row-major (B, H); chunks (B, H, L). Results are Float32Array on wasm, Float64Array on js.
 * With c output channels (the official `channels`) outputs are (B, c*H) and (B, c*H, L) in the
 * official '(c h)' layout, and a state is (B, c*H, size): each group keeps its own copy (see
 * StepSystem).
 */
export class StepMode {
  /** The compute backend (wasm or JS). */
  readonly kernels: Kernels;
  private readonly source: StepModeSource;
  private system: StepSystem | null = null;
  /** One kernel plan per batch size, parameters copied in once. */
  private readonly plans = new Map<number, StepPlanOf>();
  /** c > 1: a frame repeated over the groups (B, c*H), one per batch size, made once. */
  private readonly frames = new Map<number, FloatArray>();
  private disposed = false;

  constructor(kernels: Kernels, source: StepModeSource) {
    this.kernels = kernels;
    this.source = source;
  }

  /** Channels H of the input frames. */
  get channels(): number {
    return "s4d" in this.source ? this.source.s4d.H : this.source.dplr.H;
  }

  /** Output channel groups c (the official `channels`): outputs have c*H channels. */
  get groups(): number {
    return "s4d" in this.source ? this.source.s4d.channels : this.source.dplr.channels;
  }

  /** Channels of the outputs and the state: groups * channels. */
  get outputChannels(): number {
    return this.groups * this.channels;
  }

  /** The discrete system (after setupStep()). */
  get discrete(): StepSystem {
    if (!this.system) throw new S4StateError("StepMode: call setupStep() first");
    return this.system;
  }

  /** Discretise once (and for DPLR recover C from C-tilde). Call again after changing parameters. */
  setupStep(): this {
    this.assertLive("setupStep");
    let system: StepSystem;
    if ("s4d" in this.source) system = stepSystemS4D(this.source.s4d, this.source);
    else {
      // dA^L of the C-tilde recovery in wasm f64x2 (made on first need, freed after the setup)
      let plan: ConjBlockPowerPlan | null = null;
      const size = 2 * this.source.dplr.N2;
      const power: ConjBlockPower | undefined = this.kernels.runtime
        ? (a, _n, p) => {
            plan ??= this.kernels.conjBlockPower({ size });
            return plan.apply(a, p);
          }
        : undefined;
      try {
        system = stepSystemDPLR(this.source.dplr, this.source, power);
      } finally {
        (plan as ConjBlockPowerPlan | null)?.dispose();
      }
    }
    // Nothing is installed until the new system is through: a refused setup leaves every plan
    // and the system as they were. Plans of another shape (new H, N or form) cannot take it:
    // they are dropped (steppers made from them then refuse use) and remade on demand.
    const old = this.system;
    const sameShape =
      old &&
      old.kind === system.kind &&
      old.H === system.H &&
      old.size === system.size &&
      old.fullState === system.fullState &&
      !old.linear === !system.linear;
    if (old && !sameShape) {
      for (const p of this.plans.values()) p.dispose();
      this.plans.clear();
      this.frames.clear();
    }
    for (const p of this.plans.values()) this.load(p, system);
    this.system = system;
    return this;
  }

  /** A zero state for `batch` sequences: complex (batch, H, size), kept where the step runs. */
  defaultState(batch: number): SSMState {
    return this.plan("defaultState", batch).createState();
  }

  /** One step: u (B, H) -> y (B, c*H); the state advances in place. No allocation when `out` is given. */
  step(u: FloatArray, state: SSMState, out?: FloatArray): FloatArray {
    const plan = this.planFor("step", state);
    if (this.groups === 1) return plan.step(u, state, out);
    let frame = this.frames.get(plan.batch);
    if (!frame) {
      const n = plan.batch * this.outputChannels;
      frame = plan.backend === "wasm" ? new Float32Array(n) : new Float64Array(n);
      this.frames.set(plan.batch, frame);
    }
    return plan.step(this.repeat("step", u, plan.batch, 1, frame), state, out);
  }

  /** A whole chunk u (B, H, L) from `state`; returns y (B, H, L) and the same state, now at step L-1. */
  forwardState(
    u: FloatArray,
    state: SSMState,
    out?: FloatArray,
  ): {
    /** Output (B, H, L). */
    y: FloatArray;
    /** The state passed in, advanced to step L-1. */
    state: SSMState;
  } {
    const plan = this.planFor("forwardState", state);
    if (this.groups === 1) return { y: plan.run(u, state, out), state };
    return {
      y: plan.run(this.repeat("forwardState", u, plan.batch, this.chunkLength("forwardState", u, plan.batch)), state, out),
      state,
    };
  }

  /** L of a chunk u (B, H, L), refused by name unless u is a float array of B*H*L values, L >= 1. */
  chunkLength(where: string, u: FloatArray, batch: number): number {
    const bh = batch * this.channels;
    if (!(u instanceof Float32Array) && !(u instanceof Float64Array)) validate.checkFloatArray(`${where}(u)`, u, bh);
    if (u.length === 0 || u.length % bh !== 0) {
      throw new S4ShapeError(`${where}(u): expected length batch*channels*L = ${bh}*L with L >= 1, got ${u.length}`);
    }
    return u.length / bh;
  }

  /**
   * c > 1: u (B, H, L) checked under the caller's shape, then repeated over the c groups
   * (B, c*H, L), the input of the c*H channels the step runs.
   */
  repeat(where: string, u: FloatArray, batch: number, L: number, out?: FloatArray): FloatArray {
    const H = this.channels;
    validate.checkFloatArray(`${where}(u)`, u, batch * H * L, L === 1 ? "batch*channels" : "batch*channels*length");
    // checked here so that a refused value is named at its index in u, not in the repeated copy
    validate.checkAllFinite(`${where}(u)`, u);
    return repeatChannels(u, batch, H, L, this.groups, out);
  }

  /** A streaming handle that owns its state: step(frame), prefill(chunk), reset(), dispose(). */
  stepper(options: { batch: number }): Stepper {
    const plan = this.plan("stepper", options?.batch);
    return new Stepper(this, plan);
  }

  /**
   * A streaming S4 block (SSM + D -> GELU -> Linear(c*H, 2H) -> GLU, the official S4Block default)
   * that owns its state: step(frame) (B, H) -> (B, H). weight W (2H, c*H), bias (2H).
   */
  blockStepper(options: FusedBlockStepperOptions): FusedBlockStepper {
    const plan = this.plan("blockStepper", options?.batch);
    return new FusedBlockStepper(this, plan, options);
  }

  /** Free every plan (and so the parameters in wasm memory). States made earlier must be disposed by their owners. */
  dispose(): void {
    this.disposed = true;
    for (const p of this.plans.values()) p.dispose();
    this.plans.clear();
  }

  private planFor(where: string, state: SSMState): StepPlanOf {
    if (!state || typeof state !== "object" || typeof (state as SSMState).batch !== "number") {
      throw new S4StateError(
        `${where}(state): expected a state from defaultState(batch), got ${state === null ? "null" : typeof state}`,
      );
    }
    return this.plan(where, state.batch);
  }

  private plan(where: string, batch: number): StepPlanOf {
    this.assertLive(where);
    if (!this.system) throw new S4StateError(`${where}: call setupStep() before stepping`);
    let p = this.plans.get(batch);
    if (!p) {
      const s = this.system;
      if (s.kind === "diag") p = this.kernels.diagStep({ batch, channels: s.H, modes: s.size, conjugatePairs: !s.fullState });
      else if (this.linearMode) p = this.kernels.dplrStep({ batch, channels: s.H, modes: s.size / 2 });
      else p = this.kernels.denseStep({ batch, channels: s.H, size: s.size });
      this.load(p);
      this.plans.set(batch, p);
    }
    return p;
  }

  /** DPLR in the O(N) "linear" step (source.dplrMode === "linear"). */
  private get linearMode(): boolean {
    return "dplr" in this.source && this.source.dplrMode === "linear";
  }

  private load(p: StepPlanOf, s: StepSystem = this.system as StepSystem): void {
    if (this.linearMode && s.linear) {
      const lin = s.linear as NonNullable<StepSystem["linear"]>;
      (p as DPLRStepPlan).setParams({
        Lambda: asComplex(lin.Lambda),
        P: asComplex(lin.P),
        B: asComplex(lin.B),
        C: asComplex(lin.C),
        dt: lin.dt,
        D: s.D,
      });
      return;
    }
    (p as DiagStepPlan | DenseStepPlan).setParams({ dA: asComplex(s.dA), dB: asComplex(s.dB), C: asComplex(s.C), D: s.D });
  }

  private assertLive(where: string): void {
    if (this.disposed) throw new S4StateError(`${where}: this step mode was disposed`);
  }
}
