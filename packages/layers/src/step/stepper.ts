import type { FloatArray, SSMState, StepPlan } from "@s4wasm/kernels";
import { S4StateError } from "@s4wasm/kernels";
import type { StepMode } from "./step-mode.js";

/**
 * A streaming handle: one state, kept in wasm memory, advanced frame by frame (step) or chunk
 * by chunk (prefill). Each call copies in one input and copies out one output; nothing else.
 *   const s = mode.stepper({ batch: 1 });
 *   s.prefill(history);            // (B, H, L): run a chunk, keep the final state
 *   const y = s.step(frame);       // (B, H) -> (B, c*H) (c output channels, 1 by default)
 */
export class Stepper {
  /** Batch size B of every frame and chunk. */
  readonly batch: number;
  /** Channels H of the input frames. */
  readonly channels: number;
  private readonly mode: StepMode;
  private readonly plan: StepPlan;
  private readonly st: SSMState;
  /** c > 1: a frame repeated over the c output channel groups (B, c*H), made once. */
  private readonly repeated: FloatArray | null;
  private disposed = false;

  /** @internal made by StepMode.stepper(). */
  constructor(mode: StepMode, plan: StepPlan) {
    this.mode = mode;
    this.plan = plan;
    this.batch = plan.batch;
    this.channels = mode.channels;
    this.st = plan.createState();
    const n = this.batch * mode.outputChannels;
    this.repeated = mode.groups === 1 ? null : plan.backend === "wasm" ? new Float32Array(n) : new Float64Array(n);
  }

  /** The live state (batch, c*H, size); read() copies it, write() replaces it. */
  get state(): SSMState {
    this.assertLive("stepper.state");
    return this.st;
  }

  /** One frame (B, H) -> y (B, c*H). Pass `out` to avoid the fresh result. */
  step(frame: FloatArray, out?: FloatArray): FloatArray {
    this.assertLive("stepper.step");
    const u = this.repeated ? this.mode.repeat("stepper.step", frame, this.batch, 1, this.repeated) : frame;
    return this.plan.step(u, this.st, out);
  }

  /** A chunk (B, H, L) -> y (B, c*H, L); the state ends at the chunk's last step. */
  prefill(chunk: FloatArray, out?: FloatArray): FloatArray {
    this.assertLive("stepper.prefill");
    if (!this.repeated) return this.plan.run(chunk, this.st, out);
    const L = this.mode.chunkLength("stepper.prefill", chunk, this.batch);
    return this.plan.run(this.mode.repeat("stepper.prefill", chunk, this.batch, L), this.st, out);
  }

  /** Back to the zero state. */
  reset(): void {
    this.assertLive("stepper.reset");
    this.st.reset();
  }

  /** Free the state. Idempotent; later calls throw S4StateError. */
  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    this.st.dispose();
  }

  private assertLive(where: string): void {
    if (this.disposed) throw new S4StateError(`${where}: this stepper was disposed`);
  }
}
