import { type FloatArray, S4StateError, type StateSnapshot, validate } from "@s4wasm/kernels";
import type { FusedBlockStepper, StepMode } from "../step/index.js";

/**
 * The streaming face of an S4Block (made by S4Block.stepper()): frames (B, H) one at a time
 * through the fused step (SSM + D -> GELU -> Linear(H, 2H) -> GLU, O(N) per channel for S4D),
 * and chunks (B, H, L) through the same recurrence (prefill), both advancing one state.
 * Step outputs over L frames equal the block's forward on the same L samples (causal blocks).
 */
export class BlockStepper {
  /** Batch size B of every frame and chunk. */
  readonly batch: number;
  private readonly fused: FusedBlockStepper;
  private disposed = false;

  /**
   * @internal made by S4Block.stepper(). The fused stepper owns its own plans and a copy of the
   * weights, so this stepper outlives the block.
   */
  constructor(
    private readonly mode: StepMode,
    weight: FloatArray,
    bias: FloatArray,
    batch: number,
  ) {
    this.batch = batch;
    this.fused = mode.blockStepper({ batch, weight, bias });
  }

  /** One frame: u (B, H) -> y (B, H). No allocation when `out` is given. */
  step(frame: FloatArray, out?: FloatArray): FloatArray {
    this.assertLive("stepper.step");
    return this.fused.step(frame, out);
  }

  /**
   * A chunk u (B, H, L) -> y (B, H, L) through the recurrence from the current state, which ends
   * at the chunk's last step (prefill a history, then stream with step()).
   */
  prefill(chunk: FloatArray, length: number): FloatArray {
    this.assertLive("stepper.prefill");
    const L = validate.checkInt("stepper.prefill(length)", length, 1, 2 ** 24);
    // checked before the state advances: a refused chunk must leave the state as it was
    validate.checkFloatArray("stepper.prefill(chunk)", chunk, this.batch * this.mode.channels * L, "batch*channels*length");
    validate.checkAllFinite("stepper.prefill(chunk)", chunk);
    // the fused stepper's own chunk path (same SSM run + GELU + Linear + GLU, weights copied):
    // the block's plans may be disposed with the block while this stepper lives on
    return this.fused.prefill(chunk);
  }

  /**
   * An exact checkpoint of the stream: restore() returns to it bit for bit, later or in another
   * stepper of the same block shape (see SSMState.snapshot in @s4wasm/kernels).
   */
  snapshot(): StateSnapshot {
    this.assertLive("stepper.snapshot");
    return this.fused.state.snapshot();
  }

  /** Go back to a snapshot() of this stepper (or of another of the same shape). */
  restore(snapshot: StateSnapshot): void {
    this.assertLive("stepper.restore");
    this.fused.state.restore(snapshot);
  }

  /** Back to the zero state. */
  reset(): void {
    this.assertLive("stepper.reset");
    this.fused.reset();
  }

  /** Frees the stepper's wasm memory (idempotent); later calls throw S4StateError. */
  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    this.fused.dispose();
    this.mode.dispose();
  }

  private assertLive(where: string): void {
    if (this.disposed) throw new S4StateError(`${where}: this stepper was disposed`);
  }
}
