import {
  checkFiniteResult,
  type ElementwisePlan,
  type FloatArray,
  type GLUPlan,
  type LinearPlan,
  type SSMState,
  type StepLinearPlan,
  validate,
} from "@s4wasm/kernels";
import type { StepMode } from "../step/index.js";
import { activationPlan, type BlockActivation, type ConvActivation } from "./activation.js";
import { ConvStepper } from "./conv-stepper.js";

/** What a block's step runs after the SSM: the official S4Block tail with any activations. */
export interface BlockTail {
  /** FFTConv activation after SSM + D u ("glu": the SSM runs 2c groups, halved by a GLU). */
  activation: ConvActivation;
  /** S4Block mult_act, applied before the output Linear. */
  multActivation: BlockActivation;
  /** "glu": Linear(c*H, 2H) + GLU; an activation: Linear(c*H, H) + it; null: no Linear. */
  finalAct: "glu" | BlockActivation | null;
  /** Output Linear weight (outFeatures, c*H) and bias (outFeatures); unused when finalAct is null. */
  weight: FloatArray;
  bias: FloatArray;
}

/**
 * The step of an S4Block whose activations are not the default GELU -> Linear -> GLU (which runs
 * fused in wasm, FusedBlockStepper): the FFTConv's stepper, then each stage as its own plan, per frame
 * (B, H) -> (B, out) and per chunk (B, H, L) -> (B, out, L). Same interface as the fused one
 * (step, prefill, state, reset, dispose), so BlockStepper drives either.
 */
export class ComposedBlockStep {
  /** SSM + D u, the FFTConv activation or GLU, the finite check: the FFTConv's own stepper. */
  private readonly conv: ConvStepper;
  private readonly mult: ElementwisePlan | null;
  private readonly final: ElementwisePlan | null;
  /** Per frame: the Linear as a matrix-vector product; per chunk: the position-wise Linear. */
  private readonly stepLin: StepLinearPlan | null;
  private readonly lin: LinearPlan | null;
  private readonly glu: GLUPlan | null;
  private readonly batch: number;
  /**
   * A frame's buffers in the backend's dtype, made once: the conv output y (B, c*H), the
   * Linear's z (B, rows), and their rows as views (a step allocates nothing when given `out`).
   */
  private readonly frame: { y: FloatArray; z: FloatArray; ys: FloatArray[]; zs: FloatArray[] };
  /** Features into the Linear: c*H. */
  private readonly features: number;

  /** The ConvStepper takes `mode` (it disposes it too; StepMode.dispose is idempotent). */
  constructor(mode: StepMode, batch: number, tail: BlockTail) {
    const k = mode.kernels;
    const H = mode.channels;
    this.batch = batch;
    this.features = tail.activation === "glu" ? mode.outputChannels / 2 : mode.outputChannels;
    this.conv = ConvStepper.over(mode, batch, tail.activation);
    this.mult = activationPlan(k, tail.multActivation);
    const { finalAct } = tail;
    const linOut = finalAct === null ? 0 : finalAct === "glu" ? 2 * H : H;
    const linear = { inFeatures: this.features, outFeatures: linOut, weight: tail.weight, bias: tail.bias };
    this.stepLin = finalAct === null ? null : k.stepLinear(linear);
    this.lin = finalAct === null ? null : k.linear(linear);
    this.glu = finalAct === "glu" ? k.glu({ channels: H }) : null;
    this.final = finalAct === null || finalAct === "glu" ? null : activationPlan(k, finalAct);
    const F = k.backend === "wasm" ? Float32Array : Float64Array;
    const y = new F(batch * this.features);
    const z = new F(batch * linOut);
    const rowsOf = (a: FloatArray, w: number) => Array.from({ length: batch }, (_, b) => a.subarray(b * w, (b + 1) * w));
    this.frame = { y, z, ys: rowsOf(y, this.features), zs: rowsOf(z, linOut) };
  }

  /** The SSM state (batch, c*H, size). */
  get state(): SSMState {
    return this.conv.state;
  }

  /** One frame (B, H) -> (B, out). */
  step(frame: FloatArray, out?: FloatArray): FloatArray {
    const f = this.frame;
    const y = this.conv.step(frame, f.y);
    this.mult?.apply(y, y);
    if (!this.stepLin) return this.finish("blockStepper.step", y, out);
    for (let b = 0; b < this.batch; b++) this.stepLin.apply(f.ys[b], f.zs[b]);
    if (this.glu) return this.finish("blockStepper.step", this.glu.apply(f.z, { batch: this.batch, length: 1 }), out);
    this.final?.apply(f.z, f.z);
    return this.finish("blockStepper.step", f.z, out);
  }

  /** A chunk (B, H, L) -> (B, out, L); the state ends at the chunk's last step. */
  prefill(chunk: FloatArray): FloatArray {
    const y = this.conv.prefill(chunk);
    const length = y.length / (this.batch * this.features);
    this.mult?.apply(y, y);
    if (!this.lin) return this.finish("blockStepper.prefill", y);
    const z = this.lin.apply(y, { batch: this.batch, length });
    if (this.glu) return this.finish("blockStepper.prefill", this.glu.apply(z, { batch: this.batch, length }));
    this.final?.apply(z, z);
    return this.finish("blockStepper.prefill", z);
  }

  /** Back to the zero state. */
  reset(): void {
    this.conv.reset();
  }

  /** Frees the stepper and the plans. */
  dispose(): void {
    this.conv.dispose();
    for (const p of [this.mult, this.final, this.stepLin, this.lin, this.glu]) p?.dispose();
  }

  /**
   * The overflow check of forward(), then into `out` when given (checked: dtype and length), else
   * a copy where y is a frame buffer (the next step overwrites those).
   */
  private finish(where: string, y: FloatArray, out?: FloatArray): FloatArray {
    checkFiniteResult(where, y);
    if (!out) return y === this.frame.y || y === this.frame.z ? y.slice() : y;
    if (out === y) return out;
    const ctor = y instanceof Float32Array ? Float32Array : Float64Array;
    validate.checkOut(`${where}(out)`, out, ctor as never, y.length).set(y);
    return out;
  }
}
