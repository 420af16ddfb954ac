// Integer power of a conjugate-block complex float64 matrix as a plan (the S4 DPLR C-tilde
// conversion C~ = C (I - dA^L) needs dA^L of every channel's dense 2*N2 x 2*N2 bilinear dA).
// Wasm: assembly/conj-block-power.ts in f64x2 (n % 4 == 0); otherwise the float64 twin.

import { S4ShapeError } from "../errors.js";
import { conjBlockPower } from "../js/cmatmul.js";
import type { WasmBuffer } from "../memory/workspace.js";
import type { WasmRuntime } from "../runtime.js";
import type { Complex } from "../types.js";
import { checkAllFinite, checkComplex, checkInt } from "../validate.js";
import { Plan } from "./plan.js";

/** Shape of a {@link ConjBlockPowerPlan}. */
export interface ConjBlockPowerOptions {
  /** n, the matrix size (even: the form is [[X, Y], [conj Y, conj X]] with X, Y of n/2). */
  size: number;
}

/**
 * a^p for an n x n complex matrix of the conjugate-block form [[X, Y], [conj Y, conj X]] (the
 * full-state dense discrete A of a DPLR layer: its powers keep the form, so every product computes
 * only the top half). Float64 on both backends: the powers feed C-tilde, which must stay exact.
 * a: complex (n, n) row-major split planes.
 */
export class ConjBlockPowerPlan extends Plan {
  /** n. */
  readonly size: number;
  private readonly bufs: {
    a: WasmBuffer<Float64Array>;
    out: WasmBuffer<Float64Array>;
    scratch: WasmBuffer<Float64Array>;
  } | null = null;

  constructor(runtime: WasmRuntime | null, options: ConjBlockPowerOptions) {
    super(runtime);
    const n = checkInt("conjBlockPower(options.size)", options?.size, 2, 4096);
    if (n % 2 !== 0) throw new S4ShapeError(`conjBlockPower(options.size): expected an even size, got ${n}`);
    this.size = n;
    // the SIMD kernel tiles 2 rows x 4 columns of the top half: n % 4 == 0 (else the twin runs)
    if (this.ws && n % 4 === 0) {
      const ws = this.ws;
      this.bufs = { a: ws.f64(2 * n * n), out: ws.f64(2 * n * n), scratch: ws.f64(4 * n * n) };
    }
  }

  /** a^p, p an integer >= 0 (a^0 = I). Returns fresh float64 planes. */
  apply(a: Complex, p: number): Complex<Float64Array> {
    this.assertLive("conjBlockPower.apply");
    const n = this.size;
    const nn = n * n;
    checkComplex("conjBlockPower.apply(a)", a, nn, "size*size");
    checkAllFinite("conjBlockPower.apply(a).re", a.re);
    checkAllFinite("conjBlockPower.apply(a).im", a.im);
    const e = checkInt("conjBlockPower.apply(p)", p, 0, 2 ** 31 - 1);
    if (!this.bufs) return conjBlockPower({ re: Float64Array.from(a.re), im: Float64Array.from(a.im) }, n, e);
    const { a: ab, out, scratch } = this.bufs;
    const v = ab.view;
    v.set(a.re);
    v.set(a.im, nn);
    this.wasm.exports.conjBlockPower64(ab.ptr, ab.ptr + 8 * nn, out.ptr, out.ptr + 8 * nn, n, e, scratch.ptr);
    const o = out.view;
    return { re: o.slice(0, nn), im: o.slice(nn, 2 * nn) };
  }
}
