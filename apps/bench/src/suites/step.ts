// Suite `step`: latency of ONE streaming step (batch 1 by default) of the SSM + D skip, at the
// issue's size H=256, N=64 (32 stored modes). Contenders: the layers' Stepper on WASM SIMD (frame
// copied in and y copied out, what users call), the same kernel at pointer level (frames already
// in wasm memory: no copies), and the float64 JS twin. Cases: S4D (diagonal, O(N) per channel)
// and S4 DPLR in the dense step (O(N^2) per channel, full 2*(N/2) state) and in the O(N) rank-1
// "linear" step (Woodbury on the half state; the official code's slow `linear` mode).
// The full S4D block step (SSM + D -> GELU -> Linear(H, 2H) -> GLU) is in step-block.ts.
import { type Kernels, loadKernels, type SSMState, type StepPlan } from "@s4wasm/kernels";
import { type DPLRParams, type S4DParams, StepMode, type StepSystem, stepSystemDPLR, stepSystemS4D } from "@s4wasm/layers";
import { blockStepCase } from "./step-block.js";
import type { Contender, Suite, SuiteCase } from "./types.js";

/** Steps run from the zero state before an output is read (validation only, untimed). */
export const CHECK_STEPS = 8;

export function seeded(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296 - 0.5;
  };
}

/** S4D-Lin-like parameters: A_n = -1/2 + i pi n, B = 1, C random, dt log-uniform in [1e-3, 1e-1]. */
export function s4dParams(H: number, N2: number): S4DParams {
  const r = seeded(H * 1000 + N2);
  const n = H * N2;
  const A = { re: new Float64Array(n).fill(-0.5), im: Float64Array.from({ length: n }, (_, i) => Math.PI * (i % N2)) };
  const B = { re: new Float64Array(n).fill(1), im: new Float64Array(n) };
  const C = { re: Float64Array.from({ length: n }, r), im: Float64Array.from({ length: n }, r) };
  const logDt = Float64Array.from({ length: H }, () => Math.log(1e-3) + (r() + 0.5) * Math.log(100));
  return { H, N2, channels: 1, logDt, A, B, C };
}

/** DPLR parameters of the same spectrum with a random rank-1 term (timing only; not HiPPO). */
function dplrParams(H: number, N2: number): DPLRParams {
  const r = seeded(7 * H + N2);
  const p = s4dParams(H, N2);
  const P = {
    re: Float64Array.from({ length: H * N2 }, () => 0.2 * r()),
    im: Float64Array.from({ length: H * N2 }, () => 0.2 * r()),
  };
  const B = { re: Float64Array.from({ length: H * N2 }, r), im: Float64Array.from({ length: H * N2 }, r) };
  return { H, N2, rank: 1, channels: 1, logDt: p.logDt, Lambda: p.A, P, B, C: p.C, cForm: "C" };
}

export function frameAt(t: number, B: number, H: number, into: Float32Array | Float64Array): Float32Array | Float64Array {
  for (let i = 0; i < B * H; i++) into[i] = Math.sin(0.1 * i + 0.7 * t);
  return into;
}

/** y after CHECK_STEPS steps from zero, float64, directly from the discrete system. */
export function reference(sys: StepSystem, B: number): Float64Array {
  const { H, size: S } = sys;
  const xr = new Float64Array(B * H * S);
  const xi = new Float64Array(B * H * S);
  const nr = new Float64Array(S);
  const ni = new Float64Array(S);
  const u = new Float64Array(B * H);
  const y = new Float64Array(B * H);
  for (let t = 0; t < CHECK_STEPS; t++) {
    frameAt(t, B, H, u);
    for (let bh = 0; bh < B * H; bh++) {
      const h = bh % H;
      const x = bh * S;
      let acc = 0;
      for (let i = 0; i < S; i++) {
        let sr = 0;
        let si = 0;
        if (sys.kind === "diag") {
          const ar = sys.dA.re[h * S + i];
          const ai = sys.dA.im[h * S + i];
          sr = ar * xr[x + i] - ai * xi[x + i];
          si = ar * xi[x + i] + ai * xr[x + i];
        } else {
          for (let j = 0; j < S; j++) {
            const ar = sys.dA.re[(h * S + i) * S + j];
            const ai = sys.dA.im[(h * S + i) * S + j];
            sr += ar * xr[x + j] - ai * xi[x + j];
            si += ar * xi[x + j] + ai * xr[x + j];
          }
        }
        nr[i] = sr + sys.dB.re[h * S + i] * u[bh];
        ni[i] = si + sys.dB.im[h * S + i] * u[bh];
      }
      for (let i = 0; i < S; i++) {
        xr[x + i] = nr[i];
        xi[x + i] = ni[i];
        acc += sys.C.re[h * S + i] * nr[i] - sys.C.im[h * S + i] * ni[i];
      }
      y[bh] = (sys.kind === "diag" ? 2 : 1) * acc + sys.D[h] * u[bh];
    }
  }
  return y;
}

type Source = { s4d: S4DParams } | { dplr: DPLRParams; dplrMode?: "dense" | "linear" | "diagonal" };

export function D(H: number): Float64Array {
  const r = seeded(H);
  return Float64Array.from({ length: H }, r);
}

/** The layers' Stepper: copy the frame in, step, copy y out. */
function stepperContender(name: string, k: Kernels, src: Source, B: number): Contender {
  const H = "s4d" in src ? src.s4d.H : src.dplr.H;
  const mode = new StepMode(k, { ...src, D: D(H) }).setupStep();
  const s = mode.stepper({ batch: B });
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
    },
  };
}

/** The same wasm kernel with the frame already in wasm memory: zero copies per step. */
function pointerContender(k: Kernels, src: Source, B: number): Contender {
  const H = "s4d" in src ? src.s4d.H : src.dplr.H;
  const mode = new StepMode(k, { ...src, D: D(H) }).setupStep();
  const sys = mode.discrete;
  let plan: StepPlan;
  if (sys.kind === "diag")
    plan = k
      .diagStep({ batch: B, channels: H, modes: sys.size, conjugatePairs: !sys.fullState })
      .setParams({ dA: sys.dA, dB: sys.dB, C: sys.C, D: sys.D });
  else if ("dplrMode" in src && src.dplrMode === "linear" && sys.linear) {
    plan = k.dplrStep({ batch: B, channels: H, modes: sys.size / 2 }).setParams({ ...sys.linear, D: sys.D });
  } else plan = k.denseStep({ batch: B, channels: H, size: sys.size }).setParams({ dA: sys.dA, dB: sys.dB, C: sys.C, D: sys.D });
  const st: SSMState = plan.createState();
  const ws = k.workspace();
  const io = ws.f32(B * H);
  frameAt(0, B, H, io.view);
  const u0 = Float32Array.from(io.view);
  return {
    name: "s4wasm-wasm",
    run: () => {
      // y is written over u, so refresh u first: one memcpy of B*H floats, as a real pipeline would.
      io.view.set(u0);
      plan.runPointers(st, io.ptr, io.ptr, 1);
    },
    output: () => {
      st.reset();
      for (let t = 0; t < CHECK_STEPS; t++) {
        frameAt(t, B, H, io.view);
        plan.runPointers(st, io.ptr, io.ptr, 1);
      }
      return Float32Array.from(io.view);
    },
    dispose: () => {
      st.dispose();
      ws.dispose();
      plan.dispose();
      mode.dispose();
    },
  };
}

/**
 * One case per entry point so the table's "x js" column compares like with like: "stepper" (the
 * layers' Stepper, frame copied in and out) has the WASM and JS contenders; "pointers" (frames
 * already in wasm memory, zero copies) is WASM only.
 */
function stepCase(
  model: "s4d" | "dplr-dense" | "dplr-linear" | "dplr-diagonal",
  H: number,
  N: number,
  B: number,
  entry: "stepper" | "pointers",
): SuiteCase {
  const src: Source =
    model === "s4d"
      ? { s4d: s4dParams(H, N / 2) }
      : {
          dplr: dplrParams(H, N / 2),
          dplrMode: model === "dplr-linear" ? "linear" : model === "dplr-diagonal" ? "diagonal" : "dense",
        };
  const S = model === "s4d" ? N / 2 : N;
  return {
    params: { H, N, B, what: "ssm", mode: model, entry },
    // complex MACs: diag 2 per mode (dA x, C x) + dB u; dense S per row.
    flops:
      model === "s4d"
        ? B * H * S * 14
        : model === "dplr-linear"
          ? B * H * (N / 2) * 40
          : model === "dplr-diagonal"
            ? B * H * N * 14
            : B * H * (S * S * 8 + S * 12),
    reference: () => {
      const opts = { D: D(H) }; // the dense recurrence is the reference of both DPLR modes
      return reference("s4d" in src ? stepSystemS4D(src.s4d, opts) : stepSystemDPLR(src.dplr, opts), B);
    },
    contenders: async () => {
      const wasm = await loadKernels({ backend: "wasm" });
      if (entry === "pointers") return [pointerContender(wasm, src, B)];
      const js = await loadKernels({ backend: "js" });
      return [stepperContender("s4wasm-wasm", wasm, src, B), stepperContender("s4wasm-js", js, src, B)];
    },
  };
}

export const stepSuite: Suite = {
  name: "step",
  description:
    "one streaming step y_t = SSM(u_t) + D u_t (state in wasm memory, updated in place); S4D diagonal, S4 DPLR dense (O(N^2)) and DPLR linear (rank-1 Woodbury, O(N)), DPLR diagonalised (O(N), full state); and the full S4D block step (SSM + D -> GELU -> Linear(H, 2H) -> GLU)",
  cases({ quick, sizes, full, threads, threadsWasm }) {
    const Hs = sizes ?? (quick ? [8] : [256]);
    const N = quick ? 8 : 64;
    const out: SuiteCase[] = [];
    // The default run of all suites keeps the user-facing stepper; --full adds the pointer-level
    // entry and batch 8 (each case's setup discretises the dense DPLR system, seconds in JS).
    const entries = quick || full ? (["stepper", "pointers"] as const) : (["stepper"] as const);
    for (const H of Hs) {
      for (const entry of entries) {
        out.push(stepCase("s4d", H, N, 1, entry));
        if (full) out.push(stepCase("s4d", H, N, 8, entry));
        // Dense and diagonalised DPLR set up a (2N x 2N) complex system per channel (seconds of
        // float64 JS at H = 256): --full only; the default keeps the official O(N) linear mode.
        if (full || quick) out.push(stepCase("dplr-dense", H, N, 1, entry));
        out.push(stepCase("dplr-linear", H, N, 1, entry));
        if (full || quick) out.push(stepCase("dplr-diagonal", H, N, 1, entry));
      }
      out.push(blockStepCase(H, N));
      // many streams at once (a server): batch 8, and with threads its rows split across them
      out.push(blockStepCase(H, N, quick ? 2 : 8, threads, threadsWasm));
    }
    return out;
  },
};
