import { type FloatArray, S4StateError, type SSMState, type StateSnapshot, validate } from "@s4wasm/kernels";
import type { StepMode } from "../step/index.js";

/**
 * What runs a block's frames and chunks: the fused wasm step of the default block
 * (FusedBlockStepper) or the stage-by-stage one of other activations (ComposedBlockStep).
 */
export interface BlockStepEngine {
  /** The SSM state. */
  readonly state: SSMState;
  /** One frame (B, H) -> (B, out). */
  step(frame: FloatArray, out?: FloatArray): FloatArray;
  /** A chunk (B, H, L) -> (B, out, L). */
  prefill(chunk: FloatArray): FloatArray;
  /** Back to the zero state. */
  reset(): void;
  /** Frees what it holds. */
  dispose(): void;
}

/**
 * The streaming face of an S4Block (made by S4Block.stepper()): frames (B, H) one at a time
 * through the block's step (for the default block the fused SSM + D -> GELU -> Linear(H, 2H) ->
 * GLU, O(N) per channel for S4D), and chunks (B, H, L) through the same recurrence (prefill),
 * both advancing one state. Step outputs over L frames equal the block's forward on the same L
 * samples (causal blocks).
 */
export class BlockStepper {
  /** Batch size B of every frame and chunk. */
  readonly batch: number;
  private readonly engine: BlockStepEngine;
  private disposed = false;

  /**
   * @internal made by S4Block.stepper(). The engine owns its own plans and a copy of the
   * weights, so this stepper outlives the block.
   */
  constructor(
    private readonly mode: StepMode,
    engine: BlockStepEngine,
    batch: number,
  ) {
    this.batch = batch;
    this.engine = engine;
  }

  /** One frame: u (B, H) -> y (B, H). No allocation when `out` is given. */
  step(frame: FloatArray, out?: FloatArray): FloatArray {
    this.assertLive("stepper.step");
    return this.engine.step(frame, out);
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
    // the engine's own chunk path (same SSM run and tail, weights copied): the block's plans may
    // be disposed with the block while this stepper lives on
    return this.engine.prefill(chunk);
  }

  /**
   * An exact checkpoint of the stream: restore() returns to it bit for bit, later or in another
   * stepper of the same block shape (see SSMState.snapshot in @s4wasm/kernels).
   */
  snapshot(): StateSnapshot {
    this.assertLive("stepper.snapshot");
    return this.engine.state.snapshot();
  }

  /** Go back to a snapshot() of this stepper (or of another of the same shape). */
  restore(snapshot: StateSnapshot): void {
    this.assertLive("stepper.restore");
    this.engine.state.restore(snapshot);
  }

  /** Back to the zero state. */
  reset(): void {
    this.assertLive("stepper.reset");
    this.engine.reset();
  }

  /** Frees the stepper's wasm memory (idempotent); later calls throw S4StateError. */
  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    this.engine.dispose();
    this.mode.dispose();
  }

  private assertLive(where: string): void {
    if (this.disposed) throw new S4StateError(`${where}: this stepper was disposed`);
  }
}
