import {
  checkFiniteResult,
  checkFiniteResultAt,
  type FloatArray,
  type Kernels,
  type VandermondePlan,
  validate,
} from "@s4wasm/kernels";
import { discretizeS4D } from "../ssm/discretize.js";
import { type Complex64, complex64, copyParams, type Discretization, type S4DParams } from "../ssm/params.js";
import { checkLength, checkS4DParams } from "../ssm/validate.js";
import { SSMKernel } from "./ssm-kernel.js";

/** Options of S4DKernel and s4dKernel. */
export interface S4DKernelOptions {
  /** discretisation (default "zoh", the official s4d.py default) */
  disc?: Discretization;
}

/**
 * S4D convolution kernel (annotated-s4 `kernel_DPLR`'s diagonal sibling):
 *   dA, dB = discretize(dt A, dt B)   (ZOH or bilinear, ssm/discretize.ts, float64)
 *   K[c,h,l] = 2 Re sum_n C[c,h,n] dB[h,n] dA[h,n]^l = Vandermonde(C dB, log dA)[l],  l = 0..L-1
 * Shapes: params as S4DParams (H, N2 = N/2, channels); K (channels, H, L), Float32Array on the
 * wasm backend (SIMD Vandermonde), Float64Array on the JS twin. log dA is formed in float64
 * (ZOH: exactly dt A; bilinear: the complex log of dA) and stays float64 inside the kernel.
 */
export class S4DKernel extends SSMKernel<S4DParams> {
  /** The discretisation used for dA, dB. */
  readonly disc: Discretization;
  private logz!: Complex64;
  /** (channels, H, N2): C dB */
  private cdB!: Complex64;
  private plan: VandermondePlan | null = null;
  /** max over rows of 2 sum_n |C dB|: a bound on |K| (see the constructor). */
  private sumBound = 0;

  constructor(kernels: Kernels, params: S4DParams, options: S4DKernelOptions = {}) {
    super(kernels, params);
    this.disc = validate.checkOneOf("S4DKernel(options.disc)", options.disc ?? "zoh", ["zoh", "bilinear"] as const);
    this.setParams(params);
  }

  /** Replace the parameters (validated); cached spectra keyed on `version` become stale. */
  setParams(params: S4DParams): void {
    checkS4DParams("S4DKernel(params)", params);
    this.params = copyParams(params);
    const { H, N2, channels } = params;
    const { dA, dB } = discretizeS4D(params, this.disc);
    this.logz = complex64(H * N2);
    for (let h = 0; h < H; h++) {
      const dt = Math.exp(params.logDt[h]);
      for (let n = 0; n < N2; n++) {
        const i = h * N2 + n;
        if (this.disc === "zoh") {
          this.logz.re[i] = dt * params.A.re[i];
          this.logz.im[i] = dt * params.A.im[i];
        } else {
          this.logz.re[i] = Math.log(Math.hypot(dA.re[i], dA.im[i]));
          this.logz.im[i] = Math.atan2(dA.im[i], dA.re[i]);
        }
      }
    }
    this.cdB = complex64(channels * H * N2);
    for (let c = 0; c < channels; c++)
      for (let i = 0; i < H * N2; i++) {
        const j = c * H * N2 + i;
        const cr = params.C.re[j];
        const ci = params.C.im[j];
        this.cdB.re[j] = cr * dB.re[i] - ci * dB.im[i];
        this.cdB.im[j] = cr * dB.im[i] + ci * dB.re[i];
      }
    // |K[c, h, l]| <= 2 sum_n |C dB| |z|^l <= 2 sum_n |C dB| (|z| <= 1 for the stable A checked
    // above): below float32's max no partial sum can overflow, and kernel() skips its result check
    let bound = 0;
    for (let r = 0; r < channels * H; r++) {
      let s = 0;
      for (let n = 0; n < N2; n++) s += 2 * Math.hypot(this.cdB.re[r * N2 + n], this.cdB.im[r * N2 + n]);
      if (!(s <= bound)) bound = s;
    }
    this.sumBound = bound;
    this.bumpVersion();
  }

  /** K: (channels, H, L). Fresh array unless `out` (backend dtype) is given. */
  kernel(L: number, out?: FloatArray): FloatArray {
    this.assertLive("S4DKernel.kernel");
    checkLength("S4DKernel.kernel(L)", L);
    const { H, channels } = this.params;
    const plan = this.planFor(L);
    const n = channels * H * L;
    const ctor = this.kernels.backend === "wasm" ? Float32Array : Float64Array;
    const K = out === undefined ? new ctor(n) : validate.checkOut("S4DKernel.kernel(out)", out, ctor as never, n);
    for (let c = 0; c < channels; c++) plan.apply(this.channelC(c), this.logz, K.subarray(c * H * L, (c + 1) * H * L));
    if (!this.boundFits()) checkFiniteResult("S4DKernel.kernel", K);
    return K;
  }

  /**
   * Wasm: K (channels, H, L) as f32 at byte offset `ptr` of `target`'s memory (checked finite);
   * false when `target` is not this kernel's wasm instance (use kernel() then). For FFTConv.
   */
  kernelToWasm(L: number, target: Kernels, ptr: number): boolean {
    this.assertLive("S4DKernel.kernelToWasm");
    checkLength("S4DKernel.kernelToWasm(L)", L);
    const rt = this.kernels.runtime;
    if (target !== this.kernels || !rt) return false;
    const { H, channels } = this.params;
    const plan = this.planFor(L);
    validate.checkWasmRange("S4DKernel.kernelToWasm(ptr)", rt.exports.memory, ptr, 4 * channels * H * L);
    for (let c = 0; c < channels; c++) plan.applyPtr(this.channelC(c), this.logz, ptr + 4 * c * H * L);
    if (!this.boundFits()) checkFiniteResultAt(rt, "S4DKernel.kernel", ptr, channels * H * L);
    return true;
  }

  /**
   * The Vandermonde plan for length L, remade when L or the shape changes (keyed on L alone, a
   * setParams() that kept H * N2 but swapped H and N2 reused the old plan: kernel() refused its
   * shapes, but kernelToWasm wrote the old layout, wrong numbers and rows past the buffer).
   */
  private planFor(L: number): VandermondePlan {
    const { H, N2 } = this.params;
    const p = this.plan;
    if (p && p.length === L && p.channels === H && p.modes === N2) return p;
    // the new plan first: a refused shape (too long an L) leaves the kernel as it was
    const next = this.kernels.vandermonde({ channels: H, modes: N2, length: L });
    p?.dispose();
    this.plan = next;
    return next;
  }

  /** C dB of output channel c: views (H, N2). */
  private channelC(c: number): Complex64 {
    const per = this.params.H * this.params.N2;
    return { re: this.cdB.re.subarray(c * per, (c + 1) * per), im: this.cdB.im.subarray(c * per, (c + 1) * per) };
  }

  /**
   * Whether the bound on |K| (see setParams) is inside the backend's range, so that K needs no
   * finite scan (a scan only for parameters whose bound fails: ~1 ms on 1M values).
   */
  private boundFits(): boolean {
    return this.sumBound < (this.kernels.backend === "wasm" ? 3.4e38 : 1.7e308);
  }

  /** For step mode: the same parameters and discretisation, with skip `D` (H). */
  stepSource(D: Float64Array): {
    /** This kernel's parameters. */
    s4d: S4DParams;
    /** Skip term (H). */
    D: Float64Array;
    /** This kernel's discretisation. */
    disc: Discretization;
  } {
    return { s4d: this.params, D, disc: this.disc };
  }

  /** Free the Vandermonde plan; kernel() then throws S4StateError. */
  dispose(): void {
    this.markDisposed();
    this.plan?.dispose();
    this.plan = null;
  }
}

/** One-shot S4D kernel K (channels, H, L). */
export function s4dKernel(kernels: Kernels, params: S4DParams, L: number, options: S4DKernelOptions = {}): FloatArray {
  const k = new S4DKernel(kernels, params, options);
  try {
    return k.kernel(L);
  } finally {
    k.dispose();
  }
}
