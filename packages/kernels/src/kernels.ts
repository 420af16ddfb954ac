// The object `loadKernels()` returns: one backend (wasm SIMD or the JS twin) and a factory for
// every primitive's plan. Plans validate and precompute once, then run without allocating.
import { S4StateError } from "./errors.js";
import { ACTIVATION_KINDS, type ActivationName } from "./js/activation.js";
import { Workspace } from "./memory/workspace.js";
import { type CauchyOptions, CauchyPlan } from "./primitives/cauchy.js";
import { type CauchyWoodburyOptions, CauchyWoodburyPlan } from "./primitives/cauchy-woodbury.js";
import { type ComplexMultiplyOptions, ComplexMultiplyPlan } from "./primitives/complex-multiply.js";
import { type ConjBlockPowerOptions, ConjBlockPowerPlan } from "./primitives/conj-block-power.js";
import { type DFTOptions, DFTPlan } from "./primitives/dft.js";
import { type ElementwiseFunction, ElementwisePlan } from "./primitives/elementwise.js";
import { type FFTOptions, FFTPlan } from "./primitives/fft.js";
import { type FFTConvOptions, FFTConvPlan } from "./primitives/fftconv.js";
import { type GLUOptions, GLUPlan } from "./primitives/glu.js";
import { type LayerNormOptions, LayerNormPlan } from "./primitives/layer-norm.js";
import { type LinearOptions, LinearPlan } from "./primitives/linear.js";
import { type MeanPoolOptions, MeanPoolPlan } from "./primitives/mean-pool.js";
import { type RFFTOptions, RFFTPlan } from "./primitives/rfft.js";
import { type LinearScanOptions, LinearScanPlan } from "./primitives/scan.js";
import { type DiagStepOptions, DiagStepPlan } from "./primitives/step.js";
import { type DenseStepOptions, DenseStepPlan } from "./primitives/step-dense.js";
import { type DPLRStepOptions, DPLRStepPlan } from "./primitives/step-dplr.js";
import { type StepLinearOptions, StepLinearPlan } from "./primitives/step-matvec.js";
import { type VandermondeOptions, VandermondePlan } from "./primitives/vandermonde.js";
import { threadsOf, type WasmRuntime } from "./runtime.js";
import type { BackendKind } from "./types.js";
import { checkOneOf } from "./validate.js";

/**
 * The object `loadKernels()` returns: one backend (wasm SIMD in float32, or the float64 JS twin)
 * and a factory for every primitive's plan. Plans validate and precompute once, then run without
 * allocating.
 */
export class Kernels {
  /** `wasm` (float32, SIMD) or `js` (the float64 plain-TypeScript twin). */
  readonly backend: BackendKind;
  /** Element type of results: float32 on wasm, float64 on js. */
  readonly dtype: "float32" | "float64";
  /** @internal the wasm instance (null on the JS backend); layers use it to share memory. */
  readonly runtime: WasmRuntime | null;
  private disposed = false;

  constructor(runtime: WasmRuntime | null) {
    this.runtime = runtime;
    this.backend = runtime ? "wasm" : "js";
    this.dtype = runtime ? "float32" : "float64";
  }

  /** Elementwise complex multiply over `length` values. */
  complexMultiply(options: ComplexMultiplyOptions): ComplexMultiplyPlan {
    return this.build("complexMultiply", (rt) => new ComplexMultiplyPlan(rt, options));
  }

  /** Cauchy sums sum_n v/(z - w), plain or over conjugate pairs, z shared or per channel. */
  cauchy(options: CauchyOptions): CauchyPlan {
    return this.build("cauchy", (rt) => new CauchyPlan(rt, options));
  }

  /** S4 DPLR rank-1 resolvent: four conjugate-pair Cauchy sums + Woodbury, one pass. */
  cauchyWoodbury(options: CauchyWoodburyOptions): CauchyWoodburyPlan {
    return this.build("cauchyWoodbury", (rt) => new CauchyWoodburyPlan(rt, options));
  }

  /** Vandermonde products 2 Re sum_n C z^l and the transpose sum_l u z^l. */
  vandermonde(options: VandermondeOptions): VandermondePlan {
    return this.build("vandermonde", (rt) => new VandermondePlan(rt, options));
  }

  /** Naive O(n^2) DFT of length n (reference; use the FFT plans for speed). */
  dft(n: number, options?: DFTOptions): DFTPlan {
    return this.build("dft", (rt) => new DFTPlan(rt, n, options));
  }

  /** Complex diagonal linear recurrence h_t = a_t h_{t-1} + b_t over (lanes, length), sequential or chunked. */
  linearScan(options: LinearScanOptions): LinearScanPlan {
    return this.build("linearScan", (rt) => new LinearScanPlan(rt, options));
  }

  /** Fused diagonal SSM step (S4D): x = dA x + dB u, y = 2 Re(C x) + D u over (batch, channels, modes). */
  diagStep(options: DiagStepOptions): DiagStepPlan {
    return this.build("diagStep", (rt) => new DiagStepPlan(rt, options));
  }

  /** Dense SSM step (S4 DPLR, full state): x = dA @ x + dB u, y = Re(C x) + D u. */
  denseStep(options: DenseStepOptions): DenseStepPlan {
    return this.build("denseStep", (rt) => new DenseStepPlan(rt, options));
  }

  /** O(N) rank-1 DPLR step (bilinear, Woodbury on the half state): the official S4 "linear" step mode. */
  dplrStep(options: DPLRStepOptions): DPLRStepPlan {
    return this.build("dplrStep", (rt) => new DPLRStepPlan(rt, options));
  }

  /**
   * a^p for a conjugate-block complex float64 matrix [[X, Y], [conj Y, conj X]] (n x n): the
   * dense DPLR dA^L of the C-tilde conversion, in f64x2 wasm (float64 on both backends).
   */
  conjBlockPower(options: ConjBlockPowerOptions): ConjBlockPowerPlan {
    return this.build("conjBlockPower", (rt) => new ConjBlockPowerPlan(rt, options));
  }

  /** Linear(H, O) on ONE frame (streaming block step): y = W x + bias as a SIMD matrix-vector product. */
  stepLinear(options: StepLinearOptions): StepLinearPlan {
    return this.build("stepLinear", (rt) => new StepLinearPlan(rt, options));
  }

  /** Complex FFT of any length n in [1, 2^22], batched over rows (numpy fft / ifft). */
  fft(n: number, options?: FFTOptions): FFTPlan {
    return this.build("fft", (rt) => new FFTPlan(rt, n, options));
  }

  /** Real FFT of any length n in [1, 2^22], batched (numpy rfft / irfft: n//2+1 bins). */
  rfft(n: number, options?: RFFTOptions): RFFTPlan {
    return this.build("rfft", (rt) => new RFFTPlan(rt, n, options));
  }

  /** FFT convolution (official S4 FFTConv, n = 2L) with a kept kernel spectrum and the D skip. */
  fftConv(options: FFTConvOptions): FFTConvPlan {
    return this.build("fftConv", (rt) => new FFTConvPlan(rt, options));
  }

  /** Position-wise Linear(H, O) with its weights in wasm memory (register-blocked SIMD matmul). */
  linear(options: LinearOptions): LinearPlan {
    return this.build("linear", (rt) => new LinearPlan(rt, options));
  }

  /** Exact (erf) GELU, elementwise. */
  gelu(): ElementwisePlan {
    return this.build("gelu", (rt) => new ElementwisePlan(rt, "gelu" satisfies ElementwiseFunction));
  }

  /**
   * One of the official S4 code's other activations, elementwise: tanh, relu, elu (alpha 1),
   * silu, sigmoid, softplus (torch's: x itself above 20).
   */
  activation(name: ActivationName): ElementwisePlan {
    return this.build("activation", (rt) => new ElementwisePlan(rt, checkOneOf("activation(name)", name, ACTIVATION_KINDS)));
  }

  /** erf, elementwise. */
  erf(): ElementwisePlan {
    return this.build("erf", (rt) => new ElementwisePlan(rt, "erf"));
  }

  /** GLU over the channel axis, first half as value. */
  glu(options: GLUOptions): GLUPlan {
    return this.build("glu", (rt) => new GLUPlan(rt, options));
  }

  /** LayerNorm over the channel axis (eps 1e-5, biased variance, gamma/beta). */
  layerNorm(options: LayerNormOptions): LayerNormPlan {
    return this.build("layerNorm", (rt) => new LayerNormPlan(rt, options));
  }

  /** Mean over the length axis: (B, H, L) or (B, L, H) -> (B, H). */
  meanPool(options: MeanPoolOptions): MeanPoolPlan {
    return this.build("meanPool", (rt) => new MeanPoolPlan(rt, options));
  }

  /** A group of buffers in this instance's wasm memory (wasm backend only). */
  workspace(): Workspace {
    const rt = this.live("workspace");
    if (!rt) throw new S4StateError("workspace(): the JS backend has no wasm memory");
    return new Workspace(rt.arena);
  }

  /** Bytes in use and reserved in wasm memory (zeros on the JS backend). */
  memoryStats(): {
    /** Bytes allocated and not yet released. */
    liveBytes: number;
    /** Bytes of wasm linear memory reserved (its current size). */
    capacityBytes: number;
  } {
    const rt = this.runtime;
    return rt ? { liveBytes: rt.arena.liveBytes, capacityBytes: rt.arena.capacityBytes } : { liveBytes: 0, capacityBytes: 0 };
  }

  /** Threads the split primitives use (loadKernels' `threads`; 1 on the JS twin). */
  get threads(): number {
    return threadsOf(this.runtime);
  }

  /** Release the instance and stop its worker threads; plans made from it must not be used afterwards. */
  dispose(): void {
    this.disposed = true;
    this.runtime?.pool?.close();
    this.runtime?.arena.dispose();
  }

  /**
   * Construct a plan; if its constructor throws (a bad option, or wasm memory exhausted half way
   * through its buffers) free the buffers it had already taken, so a refused plan leaks nothing.
   */
  private build<T>(where: string, make: (rt: WasmRuntime | null) => T): T {
    const rt = this.live(where);
    if (!rt) return make(rt);
    const mark = rt.arena.mark();
    try {
      return make(rt);
    } catch (err) {
      rt.arena.releaseSince(mark);
      throw err;
    }
  }

  private live(where: string): WasmRuntime | null {
    if (this.disposed) throw new S4StateError(`${where}(): this kernels instance was disposed`);
    return this.runtime;
  }
}
