// Suite `cmul`: elementwise complex multiply (the first primitive), WASM SIMD vs the JS twin.
import { type Kernels, loadKernels } from "@s4wasm/kernels";
import type { Contender, Suite, SuiteCase } from "./types.js";

function inputs(n: number) {
  const a = { re: new Float64Array(n), im: new Float64Array(n) };
  const b = { re: new Float64Array(n), im: new Float64Array(n) };
  for (let i = 0; i < n; i++) {
    a.re[i] = Math.sin(i);
    a.im[i] = Math.cos(3 * i);
    b.re[i] = Math.cos(i * 0.5);
    b.im[i] = Math.sin(i * 0.25);
  }
  return { a, b };
}

async function contender(name: string, k: Kernels, n: number): Promise<Contender> {
  const { a, b } = inputs(n);
  const plan = k.complexMultiply({ length: n });
  const A = k.backend === "wasm" ? { re: Float32Array.from(a.re), im: Float32Array.from(a.im) } : a;
  const B = k.backend === "wasm" ? { re: Float32Array.from(b.re), im: Float32Array.from(b.im) } : b;
  const out =
    k.backend === "wasm"
      ? { re: new Float32Array(n), im: new Float32Array(n) }
      : { re: new Float64Array(n), im: new Float64Array(n) };
  return {
    name,
    run: () => plan.apply(A, B, out),
    output: () => interleave(out.re, out.im),
    dispose: () => plan.dispose(),
  };
}

function interleave(re: ArrayLike<number>, im: ArrayLike<number>): Float64Array {
  const o = new Float64Array(2 * re.length);
  for (let i = 0; i < re.length; i++) (o[2 * i] = re[i]), (o[2 * i + 1] = im[i]);
  return o;
}

export const cmulSuite: Suite = {
  name: "cmul",
  description: "elementwise complex multiply out = a*b (split planes), including copies in and out of wasm memory",
  cases({ quick, sizes }) {
    const ns = sizes ?? (quick ? [64, 1000] : [1024, 16384, 262144]);
    return ns.map(
      (n): SuiteCase => ({
        params: { n },
        flops: 6 * n,
        reference: () => {
          const { a, b } = inputs(n);
          const re = new Float64Array(n);
          const im = new Float64Array(n);
          for (let i = 0; i < n; i++) {
            re[i] = a.re[i] * b.re[i] - a.im[i] * b.im[i];
            im[i] = a.re[i] * b.im[i] + a.im[i] * b.re[i];
          }
          return interleave(re, im);
        },
        contenders: async () => [
          await contender("s4wasm-wasm", await loadKernels({ backend: "wasm" }), n),
          await contender("s4wasm-js", await loadKernels({ backend: "js" }), n),
        ],
      }),
    );
  },
};
