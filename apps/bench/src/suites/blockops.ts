// Suite `blockops`: the position-wise ops of an S4 block, one at a time, WASM SIMD vs the JS twin:
//   linear: Linear(H, 2H) over L positions, layout (B, H, L) (the register-blocked matmul;
//           2*H*2H*L flops: 1.07 GFLOP at H = 256, L = 4096)
//   linear+glu: the same followed by GLU: fused in one pass (k.linear({ glu: true })) vs the
//           two plans chained ("s4wasm-wasm-2pass") vs the twin
//   gelu:   exact erf GELU over H*L values (standard-normal inputs: both erf branches)
//   gelu-tiny: the same over magnitudes spread log-uniformly over [1e-30, 1e-2] (a block's
//           activations decaying into silence; GELU once ran 2.6x slower there, on subnormal
//           intermediates)
//   glu:    (B, 2H, L) -> (B, H, L), first half * sigmoid(second half)
//   tanh, silu, softplus: three of the official code's other activations (k.activation), over
//           H*L standard-normal values
//   layernorm: LayerNorm over H at each of L positions, layout (B, H, L)
// WASM runs the pointer entry points on buffers kept in wasm memory (how a layer chains them);
// JS runs the float64 twin into preallocated arrays.
import { js, type Kernels, loadKernels } from "@s4wasm/kernels";
import type { Contender, Suite, SuiteCase } from "./types.js";

type Activation = "tanh" | "silu" | "softplus";
type Op = "linear" | "linear+glu" | "gelu" | "gelu-tiny" | "glu" | "layernorm" | Activation;
const ACTIVATIONS: readonly Op[] = ["tanh", "silu", "softplus"];
const isActivation = (op: Op): op is Activation => ACTIVATIONS.includes(op);

/** Seeded standard-normal values (Box-Muller on a small LCG). */
function normals(n: number, seed: number): Float64Array {
  let s = seed >>> 0 || 1;
  const u = () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return (s + 0.5) / 4294967296;
  };
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) out[i] = Math.sqrt(-2 * Math.log(u())) * Math.cos(2 * Math.PI * u());
  return out;
}

interface Inputs {
  x: Float64Array;
  W: Float64Array;
  bias: Float64Array;
  gamma: Float64Array;
  beta: Float64Array;
}

function inputs(op: Op, H: number, L: number): Inputs {
  const nIn = inLength(op, H, L);
  const s = 1 / Math.sqrt(H);
  const x = normals(nIn, 11);
  if (op === "gelu-tiny") {
    // the normal's sign, magnitude 10^(-2 - 28 u), u = frac(i / golden ratio): evenly spread
    for (let i = 0; i < nIn; i++) x[i] = Math.sign(x[i]) * 10 ** (-2 - 28 * ((i * 0.6180339887498949) % 1));
  }
  return {
    x,
    W: normals(2 * H * H, 12).map((v) => v * s),
    bias: normals(2 * H, 13).map((v) => v * s),
    gamma: normals(H, 14),
    beta: normals(H, 15),
  };
}

function outLength(op: Op, H: number, L: number): number {
  return op === "linear" ? 2 * H * L : H * L;
}

function inLength(op: Op, H: number, L: number): number {
  return op === "glu" ? 2 * H * L : H * L;
}

/** float64 result via the JS twin (the reference and the JS contender share it). */
function runTwin(op: Op, H: number, L: number, inp: Inputs, out: Float64Array): void {
  if (op === "linear") js.linearBHL(inp.x, inp.W, inp.bias, out, 1, H, 2 * H, L);
  else if (op === "linear+glu") js.linearGluBHL(inp.x, inp.W, inp.bias, out, 1, H, H, L);
  else if (op === "gelu" || op === "gelu-tiny") js.gelu(inp.x, out, H * L);
  else if (op === "glu") js.glu(inp.x, out, 1, H * L);
  else if (isActivation(op)) js.activation(op, inp.x, out, H * L);
  else js.layerNormStrided(inp.x, inp.gamma, inp.beta, out, 1, H, L, 1e-5);
}

function wasmContender(k: Kernels, op: Op, H: number, L: number, twoPass = false): Contender {
  const inp = inputs(op, H, L);
  const ws = k.workspace();
  const x = ws.f32(inp.x.length);
  const y = ws.f32(outLength(op, H, L));
  x.view.set(inp.x);
  let run: () => void;
  let dispose: () => void;
  if (op === "linear" || (op === "linear+glu" && !twoPass)) {
    const p = k.linear({ inFeatures: H, outFeatures: 2 * H, weight: inp.W, bias: inp.bias, glu: op === "linear+glu" });
    run = () => p.applyPtr(x.ptr, y.ptr, 1, L);
    dispose = () => p.dispose();
  } else if (op === "linear+glu") {
    const p = k.linear({ inFeatures: H, outFeatures: 2 * H, weight: inp.W, bias: inp.bias });
    const g = k.glu({ channels: H });
    const z = ws.f32(2 * H * L);
    run = () => {
      p.applyPtr(x.ptr, z.ptr, 1, L);
      g.applyPtr(z.ptr, y.ptr, 1, L);
    };
    dispose = () => {
      p.dispose();
      g.dispose();
    };
  } else if (op === "gelu" || op === "gelu-tiny") {
    const p = k.gelu();
    run = () => p.applyPtr(x.ptr, y.ptr, H * L);
    dispose = () => p.dispose();
  } else if (isActivation(op)) {
    const p = k.activation(op);
    run = () => p.applyPtr(x.ptr, y.ptr, H * L);
    dispose = () => p.dispose();
  } else if (op === "glu") {
    const p = k.glu({ channels: H });
    run = () => p.applyPtr(x.ptr, y.ptr, 1, L);
    dispose = () => p.dispose();
  } else {
    const p = k.layerNorm({ channels: H, weight: inp.gamma, bias: inp.beta });
    run = () => p.applyPtr(x.ptr, y.ptr, 1, L);
    dispose = () => p.dispose();
  }
  return {
    name: twoPass ? "s4wasm-wasm-2pass" : "s4wasm-wasm",
    run,
    output: () => y.view,
    dispose: () => {
      dispose();
      ws.dispose();
    },
  };
}

function jsContender(op: Op, H: number, L: number): Contender {
  const inp = inputs(op, H, L);
  const out = new Float64Array(outLength(op, H, L));
  return { name: "s4wasm-js", run: () => runTwin(op, H, L, inp, out), output: () => out };
}

export const blockOpsSuite: Suite = {
  name: "blockops",
  description:
    "S4 block position-wise ops: Linear(H, 2H) (register-blocked SIMD matmul), erf GELU (standard-normal and tiny inputs), GLU, LayerNorm, and the tanh, silu and softplus activations; H = 256, layout (B, H, L), B = 1",
  cases({ quick, sizes, full }) {
    const H = quick ? 8 : 256;
    const Ls = sizes ?? (quick ? [33] : full ? [1024, 4096] : [4096]);
    const ops: Op[] = ["linear", "linear+glu", "gelu", "gelu-tiny", "glu", "layernorm", ...ACTIVATIONS];
    return Ls.flatMap((L) =>
      ops.map(
        (op): SuiteCase => ({
          params: { op, H, L },
          flops: op === "linear" || op === "linear+glu" ? 2 * H * 2 * H * L : undefined,
          reference: () => {
            const out = new Float64Array(outLength(op, H, L));
            runTwin(op, H, L, inputs(op, H, L), out);
            return out;
          },
          contenders: async () => {
            const k = await loadKernels({ backend: "wasm" });
            const list = [wasmContender(k, op, H, L)];
            if (op === "linear+glu") list.push(wasmContender(k, op, H, L, true));
            return [...list, jsContender(op, H, L)];
          },
        }),
      ),
    );
  },
};
