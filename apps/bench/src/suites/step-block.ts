// The `step` suite's full-block case: one streaming step of an S4D block at batch 1,
//   u_t (H) -> SSM + D u_t -> GELU (erf) -> Linear(H, 2H) -> GLU (first half * sigmoid(second)) -> (H)
// Linear(H, 2H) on one frame is k.stepLinear (a SIMD matrix-vector product).
// WASM: every stage chained at pointer level in wasm memory (one frame copied in, one copied
// out); JS: the same plans on the float64 twin, written into preallocated arrays.
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

function wasmBlock(k: Kernels, H: number, N: number): Contender {
  const p = s4dParams(H, N / 2);
  const mode = new StepMode(k, { s4d: p, D: D(H) }).setupStep();
  const sys = mode.discrete;
  const ssm = k.diagStep({ batch: 1, channels: H, modes: N / 2 }).setParams({ dA: sys.dA, dB: sys.dB, C: sys.C, D: sys.D });
  const st = ssm.createState();
  const { W, bias } = weights(H);
  const gelu = k.gelu();
  // One frame: the matrix-vector plan (k.linear is tuned for many positions).
  const lin = k.stepLinear({ inFeatures: H, outFeatures: 2 * H, weight: W, bias });
  const glu = k.glu({ channels: H });
  const ws = k.workspace();
  const io = ws.f32(H);
  const z = ws.f32(2 * H);
  const frame = frameAt(0, 1, H, new Float32Array(H)) as Float32Array;
  const out = new Float32Array(H);
  const step = (f: Float32Array) => {
    io.view.set(f);
    ssm.runPointers(st, io.ptr, io.ptr, 1);
    gelu.applyPtr(io.ptr, io.ptr, H);
    lin.applyPtr(io.ptr, z.ptr);
    glu.applyPtr(z.ptr, z.ptr, 1, 1);
    out.set(z.view.subarray(0, H));
  };
  return {
    name: "s4wasm-wasm",
    run: () => step(frame),
    output: () => {
      st.reset();
      const f = new Float32Array(H);
      for (let t = 0; t < CHECK_STEPS; t++) step(frameAt(t, 1, H, f) as Float32Array);
      return out;
    },
    dispose: () => {
      for (const x of [st, ssm, gelu, lin, glu, ws, mode]) x.dispose();
    },
  };
}

function jsBlock(k: Kernels, H: number, N: number): Contender {
  const mode = new StepMode(k, { s4d: s4dParams(H, N / 2), D: D(H) }).setupStep();
  const s = mode.stepper({ batch: 1 });
  const { W, bias } = weights(H);
  const gelu = k.gelu();
  const lin = k.stepLinear({ inFeatures: H, outFeatures: 2 * H, weight: W, bias });
  const glu = k.glu({ channels: H });
  const y = new Float64Array(H);
  const z = new Float64Array(2 * H);
  const out = new Float64Array(H);
  const frame = frameAt(0, 1, H, new Float64Array(H));
  const shape = { batch: 1, length: 1 };
  const step = (f: Float64Array) => {
    s.step(f, y);
    gelu.apply(y, y);
    lin.apply(y, z);
    glu.apply(z, shape, out);
  };
  return {
    name: "s4wasm-js",
    run: () => step(frame as Float64Array),
    output: () => {
      s.reset();
      const f = new Float64Array(H);
      for (let t = 0; t < CHECK_STEPS; t++) step(frameAt(t, 1, H, f) as Float64Array);
      return out;
    },
    dispose: () => {
      for (const x of [s, gelu, lin, glu, mode]) x.dispose();
    },
  };
}

export function blockStepCase(H: number, N: number): SuiteCase {
  return {
    params: { model: "s4d-block", H, N, batch: 1 },
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
      wasmBlock(await loadKernels({ backend: "wasm" }), H, N),
      jsBlock(await loadKernels({ backend: "js" }), H, N),
    ],
  };
}
