// The streaming face of an S4Block: per frame (B, H), the SSM step (x = dA x + dB u,
// y = C x + D u, O(N) or O(N^2) per channel), then GELU, Linear(H, 2H) and GLU on that frame.
// Step outputs over L frames equal the block's forward on the same L samples (causal blocks).
import {
  type ElementwisePlan,
  type FloatArray,
  type GLUPlan,
  type Kernels,
  type LinearPlan,
  S4StateError,
} from "@s4wasm/kernels";
import type { StepMode, Stepper } from "../step/index.js";

export class BlockStepper {
  readonly batch: number;
  private readonly ssm: Stepper;
  private readonly gelu: ElementwisePlan;
  private disposed = false;

  /** @internal made by S4Block.stepper(). */
  constructor(
    kernels: Kernels,
    private readonly mode: StepMode,
    private readonly linear: LinearPlan,
    private readonly glu: GLUPlan,
    batch: number,
  ) {
    this.batch = batch;
    this.ssm = mode.stepper({ batch });
    this.gelu = kernels.gelu();
  }

  /** One frame: u (B, H) -> y (B, H). */
  step(frame: FloatArray, out?: FloatArray): FloatArray {
    this.assertLive("stepper.step");
    const g = this.ssm.step(frame);
    this.gelu.apply(g, g);
    const z = this.linear.apply(g, { batch: this.batch, length: 1 });
    return this.glu.apply(z, { batch: this.batch, length: 1 }, out);
  }

  /** A chunk u (B, H, L) -> y (B, H, L), keeping the state at the chunk's end (then stream on). */
  prefill(chunk: FloatArray, length: number): FloatArray {
    this.assertLive("stepper.prefill");
    const g = this.ssm.prefill(chunk);
    this.gelu.apply(g, g);
    const z = this.linear.apply(g, { batch: this.batch, length });
    return this.glu.apply(z, { batch: this.batch, length });
  }

  /** Back to the zero state. */
  reset(): void {
    this.assertLive("stepper.reset");
    this.ssm.reset();
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    this.ssm.dispose();
    this.mode.dispose();
    this.gelu.dispose();
  }

  private assertLive(where: string): void {
    if (this.disposed) throw new S4StateError(`${where}: this stepper was disposed`);
  }
}
