import {
  checkFiniteResult,
  checkFiniteResultAt,
  type ElementwisePlan,
  type FFTConvPlan,
  type FloatArray,
  type GLUPlan,
  GrowingBuffers,
  type Kernels,
  S4ShapeError,
  S4StateError,
  validate,
  type WasmBuffer,
  type WasmRuntime,
  type Workspace,
} from "@s4wasm/kernels";
import { repeatChannels } from "../ssm/repeat-channels.js";
import { resizeRows } from "../ssm/resize-rows.js";
import { StepMode, type StepModeSource } from "../step/index.js";
import { activationPlan, type ConvActivation, checkConvActivation } from "./activation.js";
import { ConvStepper } from "./conv-stepper.js";

/** What FFTConv needs from an SSM kernel generator. */
export interface KernelSource {
  /** H */
  readonly H: number;
  /** Output channels of the kernel (2c when bidirectional: c forward rows, then c backward). */
  readonly channels: number;
  /** Bumped whenever the parameters change (invalidates cached spectra). */
  readonly version: number;
  /**
   * K: (channels, H, L), float32 on wasm, float64 on js. Written into `out` (that length and
   * dtype) when the source can; it may also return an array of its own.
   */
  kernel(L: number, out?: FloatArray): FloatArray;
  /**
   * Optional, wasm: K (channels, H, L) as f32 written at byte offset `ptr` of `target`'s memory,
   * checked finite, returning true; false when this source cannot (it runs on another kernels
   * instance or on the JS backend), and the caller uses kernel(). FFTConv takes the spectrum
   * from there, so K is not copied out of wasm memory and back in.
   */
  kernelToWasm?(L: number, target: Kernels, ptr: number): boolean;
  /** Frees what the generator holds in wasm memory (called by the block that owns it). */
  dispose?(): void;
  /**
   * Optional: the parameters as the step mode takes them (with D), or null when there is no
   * causal recurrence (a fixed K); FFTConv.stepper() needs it.
   */
  stepSource?(D: Float64Array): StepModeSource | null;
}

/** What an FFTConv is made of. */
export interface FFTConvConfig {
  /** The SSM kernel generator K (channels, H, L). */
  kernel: KernelSource;
  /** D: (c, H) skip term, c = the kernel's channels (halved when bidirectional, as the official module). */
  D: FloatArray;
  /**
   * Two-sided kernel: of the kernel's 2c channels, channels [0, c) run forward and [c, 2c)
   * backward in time (the official '(s c) h l' split with s = 2).
   */
  bidirectional: boolean;
  /**
   * Activation after the skip (official FFTConv `activation`); the official default is GELU.
   * "glu": the kernel has 2c channel groups (D (2c, H)) and the GLU halves the 2c*H features,
   * the first c*H the value.
   */
  activation: ConvActivation;
  /**
   * The official FFTConv l_max (null or absent: none): the kernel is computed at
   * l = min(L, lMax) and its taps from l on are zero, as the official forward does.
   */
  lMax?: number | null;
}

/**
 * The official models/s4/s4.py FFTConv inference path on (B, H, L):
 *   y = irfft(rfft(u, 2L) * rfft(K, 2L), 2L)[..., :L] + D u, then the activation (GELU by default).
 * K comes from an SSM kernel (channels, H, L); channels c > 1 gives (B, c*H, L) (the official
 * '(c h)' layout); bidirectional pairs channel i with channel c + i (c = channels/2) as the forward
 * and backward halves of a two-sided kernel. The kernel and its spectrum are cached per L
 * and recomputed only when L or the kernel's `version` changes.
 */
export class FFTConv {
  /** The compute backend (wasm or JS). */
  readonly kernels: Kernels;
  /** The kernel, D, direction and activation this convolution was made with. */
  readonly config: FFTConvConfig;
  /** Features out: channels*H (channels/2*H when bidirectional; half that with the GLU activation). */
  readonly outChannels: number;
  /** Rows the convolution runs and its input is repeated to: outChannels, twice that with the GLU. */
  readonly convRows: number;
  private plan: FFTConvPlan | null = null;
  private planKey = "";
  /** The activation after the skip (null: none). */
  private readonly act: ElementwisePlan | null;
  /** The GLU over the features (activation "glu"), else null. */
  private readonly glu: GLUPlan | null;
  private readonly ws: Workspace | null;
  private readonly io: GrowingBuffers | null;
  /** D per output row (outChannels): float64 for the JS twin, in wasm memory for the wasm path. */
  private readonly dRows: FloatArray;
  private readonly dRowsBuf: WasmBuffer<Float32Array> | null;
  /**
   * Where the kernel source writes K, kept across recomputations: a fresh 4 MB array per
   * recomputation (H = 256, L = 4096) cost up to ~12 ms in page faults on first touch here.
   * kBuf is the same in wasm memory, for a source that writes K there (kernelToWasm).
   */
  private kOut: FloatArray | null = null;
  private kBuf: WasmBuffer<Float32Array> | null = null;
  /** H and the kernel's channels as constructed: a source whose shape changed later is refused. */
  private readonly H: number;
  private readonly kernelChannels: number;
  /** l_max (Infinity: none). */
  private readonly lMax: number;
  private disposed = false;

  constructor(kernels: Kernels, config: FFTConvConfig) {
    this.kernels = kernels;
    this.config = config;
    const { kernel, bidirectional, D } = config;
    const H = kernel.H;
    if (bidirectional && kernel.channels % 2 !== 0) {
      throw new S4ShapeError(
        `FFTConv: a bidirectional kernel needs an even number of channels (forward, then backward), got ${kernel.channels}`,
      );
    }
    this.H = H;
    this.kernelChannels = kernel.channels;
    const lMax = config.lMax ?? null;
    if (lMax !== null) validate.checkInt("FFTConv(lMax)", lMax, 1, 2 ** 22);
    this.lMax = lMax ?? Number.POSITIVE_INFINITY;
    const cOut = bidirectional ? kernel.channels / 2 : kernel.channels;
    const activation = checkConvActivation("FFTConv(activation)", config.activation);
    if (activation === "glu" && cOut % 2 !== 0) {
      throw new S4ShapeError(
        `FFTConv(activation): "glu" halves the channel groups, so it needs an even number of them (the official module doubles them), got ${cOut}`,
      );
    }
    this.convRows = cOut * H;
    this.outChannels = activation === "glu" ? this.convRows / 2 : this.convRows;
    if (D.length !== cOut * H) {
      throw new S4ShapeError(`FFTConv(D): expected length ${cOut * H} (channels*H = ${cOut}*${H}), got ${D.length}`);
    }
    this.dRows = kernels.backend === "wasm" ? Float32Array.from(D) : Float64Array.from(D);
    this.act = activation === "glu" ? null : activationPlan(kernels, activation);
    this.glu = activation === "glu" ? kernels.glu({ channels: this.outChannels }) : null;
    this.ws = kernels.runtime ? kernels.workspace() : null;
    this.io = this.ws ? new GrowingBuffers(this.ws, 1) : null;
    this.dRowsBuf = this.ws ? this.ws.f32(this.dRows.length) : null;
    this.dRowsBuf?.view.set(this.dRows);
  }

  /** The plan for length L with the current kernel's spectrum (recomputed on L or parameter change). */
  private planFor(L: number): FFTConvPlan {
    const { kernel } = this.config;
    if (kernel.H !== this.H || kernel.channels !== this.kernelChannels) {
      // D, the plan and the Linear after this conv are sized for the shape at construction: a
      // K of another shape would be read as that shape (wrong rows, silently)
      throw new S4ShapeError(
        `FFTConv: the kernel source changed shape: expected channels ${this.kernelChannels}, H ${this.H} (as constructed), got channels ${kernel.channels}, H ${kernel.H}; make a new layer for the new shape`,
      );
    }
    const key = `${L}:${kernel.version}`;
    if (this.plan && this.planKey === key) return this.plan;
    const { bidirectional } = this.config;
    if (!this.plan || this.plan.length !== L) {
      // The new plan first (a refused L leaves the old one and its key in place); it has no
      // spectrum yet, so the key is cleared until the kernel below is through.
      // bidirectional: K (2c, H, L) is the plan's (2, c*H, L), forward rows first
      const plan = this.kernels.fftConv({ channels: this.convRows, length: L, bidirectional });
      this.plan?.dispose();
      this.plan = plan;
      this.planKey = "";
    }
    const rows = kernel.channels * kernel.H;
    const lk = Math.min(L, this.lMax);
    if (lk < L) {
      // the official l_max: K at min(L, l_max), zero taps after it (a rare case: a model run
      // past its training length; the copy path is fine for it)
      this.plan.setKernel(resizeRows(kernel.kernel(lk), rows, lk, L, this.kOutFor(rows * L)));
    } else if (!this.kernelIntoWasm(L, rows * L)) {
      this.plan.setKernel(kernel.kernel(L, this.kOutFor(rows * L)));
    }
    this.planKey = key;
    return this.plan;
  }

  /**
   * K straight into wasm memory and the plan's spectrum from there, when the source can write
   * there (kernelToWasm): no 4 MB copy out and back in, no second finite scan (H = 256,
   * L = 4096: ~0.5 ms of a ~7 ms recomputation). False: the caller goes through kernel().
   */
  private kernelIntoWasm(L: number, n: number): boolean {
    const { kernel } = this.config;
    if (!this.ws || !kernel.kernelToWasm || !this.plan) return false;
    if (this.kBuf?.length !== n) {
      this.kBuf?.release();
      this.kBuf = null;
      this.kBuf = this.ws.f32(n);
    }
    if (kernel.kernelToWasm(L, this.kernels, this.kBuf.ptr)) {
      this.plan.setKernelPtr(this.kBuf.ptr);
      return true;
    }
    // a source on another kernels instance: K comes through kernel(), every time
    this.kBuf.release();
    this.kBuf = null;
    return false;
  }

  /** The array kernel() writes K into (n values, backend dtype), kept across recomputations. */
  private kOutFor(n: number): FloatArray {
    if (this.kOut?.length !== n) this.kOut = this.kernels.backend === "wasm" ? new Float32Array(n) : new Float64Array(n);
    return this.kOut;
  }

  /**
   * u: (B, H, L) -> y: (B, outChannels, L) = act(conv(u, K) + D u) (the GLU: over the features).
   * Fresh result unless `out` is given.
   */
  forward(u: FloatArray, batch: number, L: number, out?: FloatArray): FloatArray {
    this.assertLive();
    const { H } = this;
    const plan = this.planFor(L);
    const rows = this.convRows;
    const repeats = rows / H;
    // c > 1 output channel groups: every group convolves the same u.
    const uRows = repeats === 1 ? u : repeatChannels(u, batch, H, L, repeats);
    if (!this.io) {
      const z = plan.apply(uRows, { D: this.dRows, batch }, this.glu ? undefined : out);
      if (this.act) this.act.apply(z, z);
      const y = this.glu ? this.glu.apply(z, { batch, length: L }, out) : z;
      checkFiniteResult("FFTConv.forward", y);
      return y;
    }
    const buf = this.io.get(0, batch * rows * L);
    buf.view.set(uRows);
    this.forwardPtr(buf.ptr, buf.ptr, batch, L);
    const n = batch * this.outChannels * L;
    checkFiniteResultAt(this.kernels.runtime as WasmRuntime, "FFTConv.forward", buf.ptr, n);
    const y = out ?? new Float32Array(n);
    y.set(buf.view.subarray(0, n));
    return y;
  }

  /**
   * Wasm only: the same on f32 buffers in wasm memory. u: (B, convRows, L) (already repeated
   * over channels) -> y (B, outChannels, L); y may equal u and needs room for (B, convRows, L).
   * Used by S4Block to chain without copies.
   */
  forwardPtr(uPtr: number, yPtr: number, batch: number, L: number): void {
    this.assertLive();
    const plan = this.planFor(L);
    plan.applyPtr(uPtr, yPtr, batch, (this.dRowsBuf as WasmBuffer<Float32Array>).ptr);
    this.act?.applyPtr(yPtr, yPtr, batch * this.convRows * L);
    this.glu?.applyPtr(yPtr, yPtr, batch, L);
  }

  /**
   * Streaming: the same convolution one frame (B, H) at a time through its kernel's SSM
   * recurrence, y_t = act(SSM(u_t) + D u_t) (B, outChannels), state kept inside. Needs a causal
   * kernel with a step mode (S4DKernel, DPLRKernel); a bidirectional conv reads the future and a
   * fixed K has no state. With l_max, the stream is the recurrence, equal to forward() for the
   * first l_max samples (the official step mode does not cut it either).
   */
  stepper(opts: { batch?: number } | null = {}): ConvStepper {
    const options = validate.checkOptions("FFTConv.stepper(options)", opts);
    this.assertLive();
    if (this.config.bidirectional) throw new S4StateError("FFTConv.stepper: a bidirectional conv has no causal step mode");
    const D = Float64Array.from(this.config.D);
    const source = this.config.kernel.stepSource?.(D) ?? null;
    if (!source) throw new S4StateError("FFTConv.stepper: this kernel has no step mode (a fixed K has no state)");
    const batch = validate.checkInt("FFTConv.stepper(options.batch)", options.batch ?? 1, 1, 2 ** 20);
    const mode = new StepMode(this.kernels, source).setupStep();
    try {
      return ConvStepper.over(mode, batch, this.config.activation);
    } catch (err) {
      mode.dispose();
      throw err;
    }
  }

  /** Frees the plan and wasm memory (idempotent); later calls throw S4StateError. Not the kernel. */
  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    this.plan?.dispose();
    this.kOut = null;
    this.kBuf = null;
    this.act?.dispose();
    this.glu?.dispose();
    this.ws?.dispose();
  }

  private assertLive(): void {
    if (this.disposed) throw new S4StateError("FFTConv: used after dispose()");
  }
}
