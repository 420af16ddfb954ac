// Elementwise complex multiply as a plan: out = a * b over `length` complex values.
import { cmul } from "../js/cmul.js";
import type { WasmBuffer } from "../memory/workspace.js";
import type { WasmRuntime } from "../runtime.js";
import type { Complex } from "../types.js";
import { checkComplex, checkFloat32Range, checkInt } from "../validate.js";
import { Plan } from "./plan.js";

/** Shape of a {@link ComplexMultiplyPlan}. */
export interface ComplexMultiplyOptions {
  /** Number of complex values per call (>= 1). */
  length: number;
}

/** Elementwise complex multiply as a plan: out = a * b over `length` complex values (split planes). */
export class ComplexMultiplyPlan extends Plan {
  /** Complex values per call (elements per plane). */
  readonly length: number;
  private readonly bufs: WasmBuffer<Float32Array>[] = [];

  constructor(runtime: WasmRuntime | null, options: ComplexMultiplyOptions) {
    super(runtime);
    this.length = checkInt("complexMultiply(options.length)", options?.length, 1, 2 ** 28);
    if (this.ws) for (let i = 0; i < 6; i++) this.bufs.push(this.ws.f32(this.length));
  }

  /** out = a * b. a, b: complex (length); returns out (fresh unless given). */
  apply(a: Complex, b: Complex, out?: Complex): Complex {
    this.assertLive("complexMultiply.apply");
    const n = this.length;
    checkComplex("complexMultiply.apply(a)", a, n);
    checkComplex("complexMultiply.apply(b)", b, n);
    const o = this.outComplex("complexMultiply.apply(out)", out, n);
    if (!this.runtime) {
      cmul(a.re, a.im, b.re, b.im, o.re, o.im, n);
      return o;
    }
    for (const [name, p] of [
      ["a).re", a.re],
      ["a).im", a.im],
      ["b).re", b.re],
      ["b).im", b.im],
    ] as const) {
      checkFloat32Range(`complexMultiply.apply(${name}`, p);
    }
    const [ar, ai, br, bi, or, oi] = this.bufs;
    ar.view.set(a.re);
    ai.view.set(a.im);
    br.view.set(b.re);
    bi.view.set(b.im);
    this.wasm.exports.cmul(ar.ptr, ai.ptr, br.ptr, bi.ptr, or.ptr, oi.ptr, n);
    o.re.set(or.view);
    o.im.set(oi.view);
    return o;
  }
}
