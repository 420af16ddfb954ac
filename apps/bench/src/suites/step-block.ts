// The `step` suite's full-block case: one streaming step of an S4D block at batch B (1, and 8),
//   u_t (B, H) -> SSM + D u_t -> GELU (erf) -> Linear(H, 2H) -> GLU (first half * sigmoid(second)) -> (B, H)
// Contenders: the layers' BlockStepper (StepMode.blockStepper) on WASM (every stage chained at
// pointer level in wasm memory, one frame copied in and one out; Linear on one frame is
// k.stepLinear, a SIMD matrix-vector product), on the float64 JS twin, and at batch 8 on WASM
// with the frame's rows split across threads.
import { js, type Kernels, loadKernels, type WasmSource } from "@s4wasm/kernels";
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
function blockContender(name: string, k: Kernels, H: number, N: number, B: number, dispose?: () => void): Contender {
  const mode = new StepMode(k, { s4d: s4dParams(H, N / 2), D: D(H) }).setupStep();
  const { W, bias } = weights(H);
  const s = mode.blockStepper({ batch: B, weight: W, bias });
  const F = k.backend === "wasm" ? Float32Array : Float64Array;
  const frame = frameAt(0, B, H, new F(B * H));
  const out = new F(B * H);
  return {
    name,
    run: () => {
      s.step(frame, out);
    },
    output: () => {
      s.reset();
      const f = new F(B * H);
      for (let t = 0; t < CHECK_STEPS; t++) s.step(frameAt(t, B, H, f), out);
      return out;
    },
    dispose: () => {
      s.dispose();
      mode.dispose();
      dispose?.();
    },
  };
}

/**
 * The full block step at batch B. With B >= 2 and `threads` > 1, also the wasm on that many
 * threads (the batch rows of a frame split across them; batch 1 stays on one thread).
 */
export function blockStepCase(H: number, N: number, B = 1, threads = 1, threadsWasm?: WasmSource): SuiteCase {
  return {
    params: { H, N, B, what: "block", mode: "s4d" },
    flops: B * (H * (N / 2) * 14 + 2 * H * 2 * H + 20 * H),
    reference: () => {
      // float64: the SSM recurrence directly, then the JS twin's exact GELU, the matvec and GLU.
      const ySSM = reference(stepSystemS4D(s4dParams(H, N / 2), { D: D(H) }), B);
      const g = new Float64Array(B * H);
      js.gelu(ySSM, g, B * H);
      const { W, bias } = weights(H);
      const out = new Float64Array(B * H);
      for (let b = 0; b < B; b++)
        for (let h = 0; h < H; h++) {
          let v = bias[h];
          let gate = bias[H + h];
          for (let j = 0; j < H; j++) {
            v += W[h * H + j] * g[b * H + j];
            gate += W[(H + h) * H + j] * g[b * H + j];
          }
          out[b * H + h] = v / (1 + Math.exp(-gate));
        }
      return out;
    },
    contenders: async () => {
      const list = [
        blockContender("s4wasm-wasm", await loadKernels({ backend: "wasm" }), H, N, B),
        blockContender("s4wasm-js", await loadKernels({ backend: "js" }), H, N, B),
      ];
      if (B > 1 && threads > 1) {
        const k = await loadKernels({ backend: "wasm", threads, wasm: threadsWasm });
        list.splice(
          1,
          0,
          blockContender(`s4wasm-wasm-${threads}threads`, k, H, N, B, () => k.dispose()),
        );
      }
      return list;
    },
  };
}
