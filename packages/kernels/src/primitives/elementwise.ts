// Elementwise special functions as plans: exact GELU (erf form, PyTorch nn.GELU() default), erf
// itself, and the official S4 code's other activations (tanh, relu, elu, silu, sigmoid,
// softplus). Any length per call.
//   gelu: y = x/2 (1 + erf(x / sqrt 2))      erf: y = erf(x)
// wasm: float32 vector erf (~2e-7 relative) and GELU (~3e-7), the others within 1e-6 (assembly/
// activation.ts); JS twin: float64 (~1e-15). With threads, long inputs split across them.
import { S4StateError } from "../errors.js";
import { ACTIVATION_KINDS, type ActivationName, activation } from "../js/activation.js";
import { erf, gelu } from "../js/erf.js";
import type { WasmRuntime } from "../runtime.js";
import type { FloatArray } from "../types.js";
import { checkFloat32Range, checkFloatArray, checkInt, checkOneOf } from "../validate.js";
import { GrowingBuffers } from "./block-io.js";
import { Plan } from "./plan.js";

/**
 * Fewest values a call splits across the kernels' threads: 2^15 GELUs take ~70 us on one core
 * (~2.2 ns each), where waking a worker and waiting for it costs tens of us.
 */
const SPLIT_MIN_VALUES = 2 ** 15;

/** The function an {@link ElementwisePlan} applies: exact GELU (erf form), erf, or an activation. */
export type ElementwiseFunction = "gelu" | "erf" | ActivationName;
const FUNCTIONS: readonly ElementwiseFunction[] = ["gelu", "erf", ...ACTIVATION_KINDS];

/**
 * Elementwise special functions as a plan, any length per call: gelu y = x/2 (1 + erf(x / sqrt 2))
 * (PyTorch nn.GELU() default) or erf. wasm: float32 vector code (erf ~2e-7, GELU ~3e-7 relative
 * error); JS twin: float64 (~1e-15).
 */
export class ElementwisePlan extends Plan {
  /** The function applied. */
  readonly fn: ElementwiseFunction;
  private readonly io: GrowingBuffers | null;
  /** The error prefixes of apply and applyPtr, built once (a streaming step calls them every frame). */
  private readonly at: { where: string; x: string; n: string; out: string };
  private readonly ptrWhere: string;
  private readonly ptrNWhere: string;
  /** The wasm `activation` kind of fn (ACTIVATION_KINDS index), -1 for gelu and erf (own exports). */
  private readonly kind: number;

  constructor(runtime: WasmRuntime | null, fn: ElementwiseFunction) {
    super(runtime);
    this.fn = checkOneOf("elementwise(fn)", fn, FUNCTIONS);
    this.io = this.ws ? new GrowingBuffers(this.ws, 1) : null;
    const where = `${this.fn}.apply`;
    this.at = { where, x: `${where}(x)`, n: `${where}(x.length)`, out: `${where}(out)` };
    this.ptrWhere = `${this.fn}.applyPtr`;
    this.ptrNWhere = `${this.fn}.applyPtr(n)`;
    this.kind = this.fn === "gelu" || this.fn === "erf" ? -1 : ACTIVATION_KINDS.indexOf(this.fn);
  }

  /** y[i] = f(x[i]); x any length >= 1; out (same length) may be x itself. */
  apply(x: FloatArray, out?: FloatArray): FloatArray {
    const at = this.at;
    this.assertLive(at.where);
    checkFloatArray(at.x, x, (x as { length?: number } | null)?.length ?? 0);
    const n = checkInt(at.n, x.length, 1, 2 ** 28);
    const y = this.outReal(at.out, out, n);
    if (!this.io) {
      if (this.fn === "gelu") gelu(x, y, n);
      else if (this.fn === "erf") erf(x, y, n);
      else activation(this.fn, x, y, n);
      return y;
    }
    checkFloat32Range(at.x, x);
    const b = this.io.get(0, n);
    b.view.set(x);
    this.applyPtr(b.ptr, b.ptr, n);
    y.set(b.head(n));
    return y;
  }

  /** Wasm only: f over n f32 at byte offset xPtr into outPtr (may equal xPtr). */
  applyPtr(xPtr: number, outPtr: number, n: number): void {
    this.assertLive(this.ptrWhere);
    if (!this.runtime) throw new S4StateError(`${this.ptrWhere}: pointer entry points need the wasm backend`);
    checkInt(this.ptrNWhere, n, 1, 2 ** 28);
    const rt = this.runtime;
    const fn = this.fn;
    const kind = this.kind;
    if (!rt.pool || n < SPLIT_MIN_VALUES) {
      if (kind < 0) rt.exports[fn as "gelu" | "erf"](xPtr, outPtr, n);
      else rt.exports.activation(kind, xPtr, outPtr, n);
      return;
    }
    // elementwise: each thread takes a range (a multiple of 8, the kernel's two vectors a trip)
    if (kind < 0) rt.pool.runRows(fn as "gelu" | "erf", n, 8, (a, b) => [xPtr + 4 * a, outPtr + 4 * a, b - a], rt.exports);
    else rt.pool.runRows("activation", n, 8, (a, b) => [kind, xPtr + 4 * a, outPtr + 4 * a, b - a], rt.exports);
  }
}
