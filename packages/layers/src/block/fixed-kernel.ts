import { type FloatArray, type Kernels, S4ShapeError, validate } from "@s4wasm/kernels";
import { resizeRows } from "../ssm/resize-rows.js";
import type { StepModeSource } from "../step/index.js";
import type { SSMKernelSource } from "./s4-block.js";

/**
 * A kernel K given as numbers (channels, H, Lk), for blocks whose K was computed elsewhere (or
 * saved). Lengths up to Lk are served by truncation, as the official FFTConv does with its
 * l_kernel; a longer L is an error. There is no recurrence behind it, so no step mode.
 */
export class FixedKernel implements SSMKernelSource {
  readonly H: number;
  readonly channels: number;
  /** Lk: the stored kernel length, the longest L served. */
  readonly length: number;
  readonly version = 0;
  private readonly K: FloatArray;

  /** K: (channels, H, length), row-major. */
  constructor(kernels: Kernels, K: ArrayLike<number>, shape: { channels: number; H: number; length: number }) {
    this.channels = validate.checkInt("FixedKernel(shape.channels)", shape.channels, 1, 1024);
    this.H = validate.checkInt("FixedKernel(shape.H)", shape.H, 1, 2 ** 20);
    this.length = validate.checkInt("FixedKernel(shape.length)", shape.length, 1, 2 ** 22);
    const n = this.channels * this.H * this.length;
    if (K.length !== n) throw new S4ShapeError(`FixedKernel(K): expected length ${n} (channels*H*length), got ${K.length}`);
    this.K = kernels.backend === "wasm" ? Float32Array.from(K) : Float64Array.from(K);
  }

  /**
   * K (channels, H, L), L <= length, the stored kernel truncated: into `out` (backend dtype,
   * channels*H*L) when given, else a fresh array. Never the stored array itself: a caller that
   * edited what it got would change this kernel for every later L.
   */
  kernel(L: number, out?: FloatArray): FloatArray {
    validate.checkInt("FixedKernel.kernel(L)", L, 1, this.length);
    const n = this.channels * this.H * L;
    const ctor = this.K.constructor as Float64ArrayConstructor;
    const o = out === undefined ? new ctor(n) : validate.checkOut("FixedKernel.kernel(out)", out, ctor as never, n);
    return resizeRows(this.K, this.channels * this.H, this.length, L, o);
  }

  stepSource(): StepModeSource | null {
    return null;
  }
}
