// The `step` suite's full-block case: one streaming step of an S4D block at batch 1,
//   u_t (H) -> SSM + D u_t -> GELU (erf) -> Linear(H, 2H) -> GLU (first half * sigmoid(second)) -> (H)
// Contenders: the layers' BlockStepper (StepMode.blockStepper) on WASM (every stage chained at
// pointer level in wasm memory, one frame copied in and one out; Linear on one frame is
// k.stepLinear, a SIMD matrix-vector product) and on the float64 JS twin.
import { js, type Kernels, loadKernels } from "@s4wasm/kernels";
import { StepMode, stepSystemS4D } from "@s4wasm/layers";
import { CHECK_STEPS, D, frameAt, reference, s4dParams, seeded } from "./step.js";
import type { Contender, SuiteCase } from "./types.js";

/** Linear(H, 2H) weights (2H, H) and bias (2H), scaled like nn.Linear's init. */
function weights(H: number): { W: Float64Array; bias: Float64Array } {
  const r = seeded(31 * H);
  const s = 2 / Math.sqrt(H);
  return {
    W: Float64Array.from({ length: 2 * H * H }, () => s * r()),
    bias: Float64Array.from({ length: 2 * H }, () => s * r()),
  };
}

/** The layers' BlockStepper: on wasm every stage is chained at pointer level in wasm memory. */
function blockContender(name: string, k: Kernels, H: number, N: number): Contender {
  const mode = new StepMode(k, { s4d: s4dParams(H, N / 2), D: D(H) }).setupStep();
  const { W, bias } = weights(H);
  const s = mode.blockStepper({ batch: 1, weight: W, bias });
  const F = k.backend === "wasm" ? Float32Array : Float64Array;
  const frame = frameAt(0, 1, H, new F(H));
  const out = new F(H);
  return {
    name,
    run: () => {
      s.step(frame, out);
    },
    output: () => {
      s.reset();
      const f = new F(H);
      for (let t = 0; t < CHECK_STEPS; t++) s.step(frameAt(t, 1, H, f), out);
      return out;
    },
    dispose: () => {
      s.dispose();
      mode.dispose();
    },
  };
}

export function blockStepCase(H: number, N: number): SuiteCase {
  return {
    params: { H, N, B: 1, what: "block", mode: "s4d" },
    flops: H * (N / 2) * 14 + 2 * H * 2 * H + 20 * H,
    reference: () => {
      // float64: the SSM recurrence directly, then the JS twin's exact GELU, the matvec and GLU.
      const ySSM = reference(stepSystemS4D(s4dParams(H, N / 2), { D: D(H) }), 1);
      const g = new Float64Array(H);
      js.gelu(ySSM, g, H);
      const { W, bias } = weights(H);
      const out = new Float64Array(H);
      for (let h = 0; h < H; h++) {
        let v = bias[h];
        let gate = bias[H + h];
        for (let j = 0; j < H; j++) {
          v += W[h * H + j] * g[j];
          gate += W[(H + h) * H + j] * g[j];
        }
        out[h] = v / (1 + Math.exp(-gate));
      }
      return out;
    },
    contenders: async () => [
      blockContender("s4wasm-wasm", await loadKernels({ backend: "wasm" }), H, N),
      blockContender("s4wasm-js", await loadKernels({ backend: "js" }), H, N),
    ],
  };
}
