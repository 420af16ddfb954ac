// Suite `scan`: the complex diagonal linear recurrence h_t = a_t h_{t-1} + b_t over (lanes, T),
// sequential (4 lanes per v128) and chunked associative (S5 operator, 4 chunks per v128), WASM
// SIMD vs the float64 JS twin. Sizes: an S4D layer's H*N/2 = 256*32 lanes over T = 256 steps
// (lanes-parallel), and 4 lanes over T = 65536 (time-parallel, where the chunked scan is the
// only way to fill the SIMD lanes). s4wasm-wasm includes copying a, b in (with the finite check)
// and h out of wasm memory; s4wasm-wasm-pointers runs on data already there (forwardPointers).
import { type Kernels, loadKernels, type ScanMethod } from "@s4wasm/kernels";
import type { Contender, Suite, SuiteCase } from "./types.js";

function inputs(lanes: number, T: number) {
  const n = lanes * T;
  const a = { re: new Float64Array(n), im: new Float64Array(n) };
  const b = { re: new Float64Array(n), im: new Float64Array(n) };
  for (let i = 0; i < n; i++) {
    // |a| in [0.9, 1): long memory, stable.
    const r = 0.9 + 0.0999 * (0.5 + 0.5 * Math.sin(1.3 * i));
    const th = 0.37 * (i % 97);
    a.re[i] = r * Math.cos(th);
    a.im[i] = r * Math.sin(th);
    b.re[i] = Math.sin(0.01 * i);
    b.im[i] = Math.cos(0.03 * i);
  }
  return { a, b };
}

function contender(name: string, k: Kernels, lanes: number, T: number, method: ScanMethod): Contender {
  const { a, b } = inputs(lanes, T);
  const F = k.backend === "wasm" ? Float32Array : Float64Array;
  const A = { re: F.from(a.re), im: F.from(a.im) };
  const B = { re: F.from(b.re), im: F.from(b.im) };
  const out = { re: new F(lanes * T), im: new F(lanes * T) };
  const last = { re: new F(lanes), im: new F(lanes) };
  const plan = k.linearScan({ lanes, length: T, method, chunk: 64 });
  return {
    name,
    run: () => {
      plan.forward(A, B, { out, last });
    },
    output: () => concat(out.re, out.im),
    dispose: () => plan.dispose(),
  };
}

/**
 * The same scan at pointer level (wasm): a, b, h0 already in wasm memory, h and the final state
 * written there (forwardPointers: no copies, no checks), so the kernel's own speed shows beside
 * the copying `forward`.
 */
function pointerContender(k: Kernels, lanes: number, T: number, method: ScanMethod): Contender {
  const { a, b } = inputs(lanes, T);
  const n = lanes * T;
  const ws = k.workspace();
  const [ar, ai, br, bi, hr, hi] = [a.re, a.im, b.re, b.im, null, null].map((v) => {
    const buf = ws.f32(n);
    if (v) buf.view.set(v);
    return buf;
  });
  const [h0r, h0i, lr, li] = [0, 1, 2, 3].map(() => {
    const buf = ws.f32(lanes);
    buf.view.fill(0);
    return buf;
  });
  const plan = k.linearScan({ lanes, length: T, method, chunk: 64 });
  return {
    name: "s4wasm-wasm-pointers",
    run: () => plan.forwardPointers(ar.ptr, ai.ptr, br.ptr, bi.ptr, h0r.ptr, h0i.ptr, hr.ptr, hi.ptr, lr.ptr, li.ptr),
    output: () => concat(hr.view, hi.view),
    dispose: () => {
      plan.dispose();
      ws.dispose();
    },
  };
}

function concat(re: ArrayLike<number>, im: ArrayLike<number>): Float64Array {
  const o = new Float64Array(2 * re.length);
  o.set(re as ArrayLike<number>);
  o.set(im as ArrayLike<number>, re.length);
  return o;
}

/**
 * One case per schedule so "x js" compares WASM and JS on the same schedule. An S4D layer's scan
 * runs H channels x N/2 stored modes as independent lanes over L steps: lanes = H * N / 2, T = L.
 */
function scanCase(H: number, N: number, L: number, method: ScanMethod): SuiteCase {
  const lanes = (H * N) / 2;
  const T = L;
  return {
    params: { H, N, L, method },
    flops: 8 * lanes * T,
    reference: () => {
      const { a, b } = inputs(lanes, T);
      const re = new Float64Array(lanes * T);
      const im = new Float64Array(lanes * T);
      for (let l = 0; l < lanes; l++) {
        let xr = 0;
        let xi = 0;
        for (let t = l * T; t < (l + 1) * T; t++) {
          const nr = a.re[t] * xr - a.im[t] * xi + b.re[t];
          xi = a.re[t] * xi + a.im[t] * xr + b.im[t];
          xr = nr;
          re[t] = xr;
          im[t] = xi;
        }
      }
      return concat(re, im);
    },
    contenders: async () => {
      const wasm = await loadKernels({ backend: "wasm" });
      const js = await loadKernels({ backend: "js" });
      return [
        contender("s4wasm-wasm", wasm, lanes, T, method),
        pointerContender(wasm, lanes, T, method),
        contender("s4wasm-js", js, lanes, T, method),
      ];
    },
  };
}

export const scanSuite: Suite = {
  name: "scan",
  description:
    "complex diagonal linear recurrence h_t = a_t h_{t-1} + b_t over (lanes, T): sequential vs chunked associative scan",
  cases({ quick, sizes }) {
    const methods: ScanMethod[] = ["sequential", "chunked"];
    // [H, N, L]: sizes given with --sizes are L at H = 256, N = 64.
    const shapes: [number, number, number][] = quick
      ? [
          [1, 16, 64],
          [1, 4, 300],
        ]
      : sizes
        ? sizes.map((L): [number, number, number] => [256, 64, L])
        : [
            [256, 64, 256],
            [1, 8, 65536],
          ];
    return shapes.flatMap(([H, N, L]) => methods.map((m) => scanCase(H, N, L, m)));
  },
};
