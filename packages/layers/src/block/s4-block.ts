import {
  type BlockLayout,
  checkFiniteResult,
  checkFiniteResultAt,
  type FloatArray,
  GrowingBuffers,
  type Kernels,
  type LinearPlan,
  S4StateError,
  validate,
  type Workspace,
} from "@s4wasm/kernels";
import { repeatChannels } from "../ssm/repeat-channels.js";
import { StepMode, type StepModeSource } from "../step/index.js";
import { BlockStepper } from "./block-stepper.js";
import { FFTConv, type KernelSource } from "./fft-conv.js";
import { ownsKernels } from "./layer-options.js";
import { transpose3 } from "./layout.js";

/** An SSM kernel generator that can also describe its recurrence (for step mode). */
export interface SSMKernelSource extends KernelSource {
  /** The parameters as the step mode takes them (with D), or null when there is no causal recurrence. */
  stepSource(D: Float64Array): StepModeSource | null;
}

/** Everything an S4Block is made of (canonical, float64 where it matters). */
export interface S4BlockParts {
  /** The SSM kernel generator (S4DKernel, DPLRKernel or FixedKernel); the block owns and disposes it. */
  kernel: SSMKernelSource;
  /** D: (c, H) with c = the kernel's channels, or half of them when bidirectional. */
  D: Float64Array;
  /**
   * Two-sided (non-causal) kernel: of the kernel's 2c channels, [0, c) are the forward and
   * [c, 2c) the backward halves (the official bidirectional, any `channels`).
   */
  bidirectional: boolean;
  /** Output Linear weight W: (2H, c*H), row-major (c as for D). */
  weight: Float64Array;
  /** Output Linear bias: (2H). */
  bias: Float64Array;
  /** Activation layout: "BHL" (official transposed=True, the default) or "BLH". */
  layout?: BlockLayout;
  /** The official l_max: the kernel is cut to its first min(L, lMax) taps (default: none). */
  lMax?: number | null;
}

/** The sizes of one forward call. */
export interface ForwardShape {
  /** B */
  batch: number;
  /** L, in time steps (samples). */
  length: number;
}

/**
 * The official models/s4/s4.py S4Block at inference (dropout = identity):
 *   y = GLU(Linear(GELU(FFTConv(u) + D u)))      u, y: (B, H, L) or (B, L, H) per `layout`
 * with exact erf GELU, Linear(channels*H, 2H) and GLU taking the first half as the value:
 * out = z[:H] * sigmoid(z[H:]). The models/s4/s4d.py S4D layer is the same math, its
 * Conv1d(H, 2H, 1) weight being the Linear weight.
 */
export class S4Block {
  /** The compute backend (wasm or JS). */
  readonly kernels: Kernels;
  /** The parameters the block was made from. */
  readonly parts: S4BlockParts;
  /** H (d_model). */
  readonly dModel: number;
  /** Activation layout of forward(): "BHL" = (B, H, L), "BLH" = (B, L, H). */
  readonly layout: BlockLayout;
  /** The SSM convolution + D skip + GELU stage, output (B, channels*H, L). */
  readonly conv: FFTConv;
  /** Linear(channels*H, 2H) with the GLU fused (z never stored in full). */
  private readonly linearGlu: LinearPlan;
  private readonly ws: Workspace | null;
  private readonly io: GrowingBuffers | null;
  private disposed = false;

  constructor(kernels: Kernels, parts: S4BlockParts) {
    this.kernels = kernels;
    this.parts = parts;
    const H = parts.kernel.H;
    this.dModel = H;
    this.layout = validate.checkOneOf("S4Block(layout)", parts.layout ?? "BHL", ["BHL", "BLH"] as const);
    this.conv = new FFTConv(kernels, {
      kernel: parts.kernel,
      D: parts.D,
      bidirectional: parts.bidirectional,
      activation: "gelu",
      lMax: parts.lMax ?? null,
    });
    const inFeatures = this.conv.outChannels;
    try {
      validate.checkFloatArray("S4Block(weight)", parts.weight, 2 * H * inFeatures, "2*H*(channels*H)");
      validate.checkFloatArray("S4Block(bias)", parts.bias, 2 * H, "2*H");
      this.linearGlu = kernels.linear({
        inFeatures,
        outFeatures: 2 * H,
        weight: parts.weight,
        bias: parts.bias,
        layout: "BHL",
        glu: true,
      });
    } catch (err) {
      // a refused block leaves nothing in wasm memory (the kernel stays the caller's)
      this.conv.dispose();
      throw err;
    }
    this.ws = kernels.runtime ? kernels.workspace() : null;
    this.io = this.ws ? new GrowingBuffers(this.ws, 2) : null;
  }

  /** Elements of an input: batch*H*length. */
  inputLength({ batch, length }: ForwardShape): number {
    return batch * this.dModel * length;
  }

  /**
   * x: (B, H, L) (layout BHL) or (B, L, H) (layout BLH) -> y of the same shape.
   * Float32Array on wasm, Float64Array on js; fresh unless `out` is given.
   */
  forward(x: FloatArray, shape: ForwardShape, out?: FloatArray): FloatArray {
    this.assertLive("S4Block.forward");
    const batch = validate.checkInt("S4Block.forward(shape.batch)", shape?.batch, 1, 2 ** 20);
    const L = validate.checkInt("S4Block.forward(shape.length)", shape.length, 1, 2 ** 22);
    const H = this.dModel;
    const n = batch * H * L;
    const dims = this.layout === "BHL" ? "batch*H*length" : "batch*length*H";
    validate.checkFloatArray("S4Block.forward(x)", x, n, dims);
    if (out !== undefined) {
      const ctor = this.kernels.backend === "wasm" ? Float32Array : Float64Array;
      validate.checkOut("S4Block.forward(out)", out, ctor as never, n);
    }
    if (this.io) return this.forwardWasm(x, batch, L, out);
    validate.checkAllFinite("S4Block.forward(x)", x);
    const u = this.layout === "BHL" ? x : transpose3(x, batch, L, H);
    const y = this.forwardJs(u, batch, L);
    checkFiniteResult("S4Block.forward", y);
    if (this.layout === "BHL") {
      if (!out) return y;
      out.set(y);
      return out;
    }
    return transpose3(y, batch, H, L, out);
  }

  private forwardJs(u: FloatArray, batch: number, L: number): FloatArray {
    const g = this.conv.forward(u, batch, L);
    return this.linearGlu.apply(g, { batch, length: L });
  }

  /** x in the block's layout -> y into `out` (or a fresh Float32Array); x checked finite in wasm. */
  private forwardWasm(x: FloatArray, batch: number, L: number, out: FloatArray | undefined): FloatArray {
    const H = this.dModel;
    const n = batch * H * L;
    const rows = this.conv.outChannels;
    const io = this.io as GrowingBuffers;
    const a = io.get(0, batch * Math.max(rows, H) * L);
    const yBuf = io.get(1, n);
    const aPtr = a.ptr;
    const u = this.layout === "BHL" ? x : transpose3(x, batch, L, H);
    const rt = this.kernels.runtime as NonNullable<Kernels["runtime"]>;
    a.view.set(rows === H ? u : repeatChannels(u, batch, H, L, rows / H));
    this.conv.forwardPtr(aPtr, aPtr, batch, L);
    this.linearGlu.applyPtr(aPtr, yBuf.ptr, batch, L);
    if (rt.exports.allFinite(yBuf.ptr, n) !== 1) {
      // x is scanned only now: a NaN, an infinity or a value past float32 in x makes NaN in every
      // output of the layer (each row's FFT spreads it over the row, the Linear over the channels,
      // and 0 * NaN is NaN), so a finite y clears x and one 4 MB pass less runs (H = 256,
      // L = 4096: ~0.13 ms of ~28). x is named first; else y overflowed float32.
      validate.checkFinite32("S4Block.forward(x)", x, true);
      checkFiniteResultAt(rt, "S4Block.forward", yBuf.ptr, n);
    }
    const y = yBuf.view.subarray(0, n);
    if (this.layout === "BLH") return transpose3(y, batch, H, L, out);
    // Into the caller's `out` straight from wasm memory: a fresh 4 MB array costs ~0.5 ms to
    // fill when its pages are warm and ~12 ms when the allocator hands back fresh pages (page
    // faults, measured here), so only a call without `out` pays for one.
    const o = out ?? new Float32Array(n);
    o.set(y);
    return o;
  }

  /**
   * Streaming: the same block one frame at a time (frames (B, H)), state kept inside. Not
   * available for bidirectional blocks (they read the future).
   */
  stepper(opts: { batch?: number } | null = {}): BlockStepper {
    const options = validate.checkOptions("S4Block.stepper(options)", opts);
    this.assertLive("S4Block.stepper");
    if (this.parts.bidirectional) {
      throw new S4StateError("S4Block.stepper: a bidirectional block has no causal step mode");
    }
    const source = this.parts.kernel.stepSource(this.parts.D);
    if (!source) throw new S4StateError("S4Block.stepper: this kernel has no step mode");
    const mode = new StepMode(this.kernels, source).setupStep();
    const batch = validate.checkInt("S4Block.stepper(options.batch)", options.batch ?? 1, 1, 2 ** 20);
    return new BlockStepper(mode, this.parts.weight, this.parts.bias, batch);
  }

  /** Frees the block's wasm memory now; later calls throw S4StateError. */
  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    this.conv.dispose();
    // The block owns its SSM kernel generator (made for it by createS4Block / loadOfficial).
    this.parts.kernel.dispose?.();
    this.linearGlu.dispose();
    this.ws?.dispose();
    if (ownsKernels(this)) this.kernels.dispose();
  }

  private assertLive(where: string): void {
    if (this.disposed) throw new S4StateError(`${where}: this block was disposed`);
  }
}
