import {
  checkFiniteResult,
  type ElementwisePlan,
  type FloatArray,
  type GLUPlan,
  S4StateError,
  type SSMState,
  type StateSnapshot,
} from "@s4wasm/kernels";
import type { StepMode, Stepper } from "../step/index.js";
import { activationPlan, type BlockActivation, type ConvActivation } from "./activation.js";

/**
 * The streaming face of an FFTConv (made by FFTConv.stepper()): frames (B, H) one at a time
 * through the SSM recurrence of its kernel, y_t = act(SSM(u_t) + D u_t) (B, c*H), and chunks
 * (B, H, L) through the same recurrence (prefill). Over L frames it gives the conv's forward
 * on the same L samples (a causal kernel, no l_max cut within the stream).
 */
export class ConvStepper {
  /** Batch size B of every frame and chunk. */
  readonly batch: number;
  private disposed = false;

  /** @internal made by FFTConv.stepper(); it owns the mode, the stepper and the activation plan. */
  constructor(
    private readonly mode: StepMode,
    private readonly inner: Stepper,
    private readonly act: ElementwisePlan | null,
    /** The GLU over the features (activation "glu"): (B, 2cH) -> (B, cH). */
    private readonly glu: GLUPlan | null = null,
  ) {
    this.batch = inner.batch;
  }

  /**
   * The stepper of a conv with this activation over `mode` (which it then owns): the GLU ("glu")
   * halves mode's outputChannels, any other activation applies in place.
   */
  static over(mode: StepMode, batch: number, activation: ConvActivation): ConvStepper {
    const k = mode.kernels;
    const glu = activation === "glu" ? k.glu({ channels: mode.outputChannels / 2 }) : null;
    return new ConvStepper(mode, mode.stepper({ batch }), glu ? null : activationPlan(k, activation as BlockActivation), glu);
  }

  /** The live SSM state (batch, c*H, size). */
  get state(): SSMState {
    this.assertLive("stepper.state");
    return this.inner.state;
  }

  /** One frame u (B, H) -> y (B, c*H). No allocation when `out` is given. */
  step(frame: FloatArray, out?: FloatArray): FloatArray {
    this.assertLive("stepper.step");
    const y = this.inner.step(frame, this.glu ? undefined : out);
    return this.activate("stepper.step", y, 1, out);
  }

  /** A chunk u (B, H, L) -> y (B, c*H, L); the state ends at the chunk's last step. */
  prefill(chunk: FloatArray, out?: FloatArray): FloatArray {
    this.assertLive("stepper.prefill");
    const y = this.inner.prefill(chunk, this.glu ? undefined : out);
    return this.activate("stepper.prefill", y, y.length / (this.batch * this.mode.outputChannels), out);
  }

  /** An exact checkpoint of the stream (see SSMState.snapshot in @s4wasm/kernels). */
  snapshot(): StateSnapshot {
    this.assertLive("stepper.snapshot");
    return this.inner.state.snapshot();
  }

  /** Go back to a snapshot() of this stepper (or of another of the same shape). */
  restore(snapshot: StateSnapshot): void {
    this.assertLive("stepper.restore");
    this.inner.state.restore(snapshot);
  }

  /** Back to the zero state. */
  reset(): void {
    this.assertLive("stepper.reset");
    this.inner.reset();
  }

  /** Frees the stepper's state and plans (idempotent); later calls throw S4StateError. */
  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    this.inner.dispose();
    this.mode.dispose();
    this.act?.dispose();
    this.glu?.dispose();
  }

  /** The activation in place (or the GLU into `out`), then the overflow check of forward(). */
  private activate(where: string, y: FloatArray, length: number, out?: FloatArray): FloatArray {
    if (this.act) this.act.apply(y, y);
    const r = this.glu ? this.glu.apply(y, { batch: this.batch, length }, out) : y;
    checkFiniteResult(where, r);
    return r;
  }

  private assertLive(where: string): void {
    if (this.disposed) throw new S4StateError(`${where}: this stepper was disposed`);
  }
}
