import type { FloatArray, SSMState, StepPlan } from "@s4wasm/kernels";
import { S4StateError } from "@s4wasm/kernels";

/**
 * A streaming handle: one state, kept in wasm memory, advanced frame by frame (step) or chunk
 * by chunk (prefill). Each call copies in one input and copies out one output; nothing else.
 *   const s = mode.stepper({ batch: 1 });
 *   s.prefill(history);            // (B, H, L): run a chunk, keep the final state
 *   const y = s.step(frame);       // (B, H) -> (B, H)
 */
export class Stepper {
  /** Batch size B of every frame and chunk. */
  readonly batch: number;
  /** Channels H. */
  readonly channels: number;
  private readonly plan: StepPlan;
  private readonly st: SSMState;
  private disposed = false;

  /** @internal made by StepMode.stepper(). */
  constructor(plan: StepPlan, channels: number) {
    this.plan = plan;
    this.batch = plan.batch;
    this.channels = channels;
    this.st = plan.createState();
  }

  /** The live state (batch, channels, size); read() copies it, write() replaces it. */
  get state(): SSMState {
    this.assertLive("stepper.state");
    return this.st;
  }

  /** One frame (B, H) -> y (B, H). Pass `out` to avoid the fresh result. */
  step(frame: FloatArray, out?: FloatArray): FloatArray {
    this.assertLive("stepper.step");
    return this.plan.step(frame, this.st, out);
  }

  /** A chunk (B, H, L) -> y (B, H, L); the state ends at the chunk's last step. */
  prefill(chunk: FloatArray, out?: FloatArray): FloatArray {
    this.assertLive("stepper.prefill");
    return this.plan.run(chunk, this.st, out);
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
