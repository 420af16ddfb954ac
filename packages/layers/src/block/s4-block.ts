import {
  type BlockLayout,
  checkFiniteResult,
  checkFiniteResultAt,
  type ElementwisePlan,
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
import { activationPlan, type BlockActivation, type ConvActivation, checkActivation, checkConvActivation } from "./activation.js";
import { BlockStepper } from "./block-stepper.js";
import { ComposedBlockStep } from "./composed-block-step.js";
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
  /**
   * Output Linear weight W: (2H, c*H) row-major (c as for D) for the default GLU output, (H, c*H)
   * for an activation output, empty when finalAct is null.
   */
  weight: Float64Array;
  /** Output Linear bias: (2H), (H), or empty, as the weight. */
  bias: Float64Array;
  /**
   * FFTConv activation after SSM + D u (official `activation`): "gelu" by default; "glu": the
   * kernel and D have 2c channel groups, halved by the GLU (first half the value).
   */
  activation?: ConvActivation;
  /** Activation before the output Linear (official `mult_act`): "id" (none) by default. */
  multActivation?: BlockActivation;
  /**
   * The output (official `final_act`): "glu" (default) Linear(c*H, 2H) + GLU; an activation:
   * Linear(c*H, H) then it ("id": the Linear alone); null: no Linear, the output is (B, c*H, L).
   */
  finalAct?: "glu" | BlockActivation | null;
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
 * Conv1d(H, 2H, 1) weight being the Linear weight. Other activations (parts.activation,
 * multActivation, finalAct) give y = final(Linear(mult(act(FFTConv(u) + D u)))).
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
  /** The SSM convolution + D skip + activation (GELU by default), output (B, channels*H, L). */
  readonly conv: FFTConv;
  /** Output features: H, or channels*H when finalAct is null. */
  readonly outFeatures: number;
  /**
   * Linear(channels*H, 2H) with the GLU fused (z never stored in full) for the GLU output,
   * Linear(channels*H, H) for an activation output, null for none.
   */
  private readonly linear: LinearPlan | null;
  private readonly mult: ElementwisePlan | null;
  private readonly final: ElementwisePlan | null;
  /** GELU -> Linear -> GLU: the official default (fused step, output check clears x). */
  private readonly defaultTail: boolean;
  private readonly tail: {
    activation: ConvActivation;
    multActivation: BlockActivation;
    finalAct: "glu" | BlockActivation | null;
  };
  private readonly ws: Workspace | null;
  private readonly io: GrowingBuffers | null;
  private disposed = false;

  constructor(kernels: Kernels, parts: S4BlockParts) {
    this.kernels = kernels;
    this.parts = parts;
    const H = parts.kernel.H;
    this.dModel = H;
    this.layout = validate.checkOneOf("S4Block(layout)", parts.layout ?? "BHL", ["BHL", "BLH"] as const);
    const activation = checkConvActivation("S4Block(activation)", parts.activation ?? "gelu");
    const multActivation = checkActivation("S4Block(multActivation)", parts.multActivation ?? "id");
    const finalAct =
      parts.finalAct === null
        ? null
        : parts.finalAct === "glu" || parts.finalAct === undefined
          ? "glu"
          : checkActivation("S4Block(finalAct)", parts.finalAct);
    this.tail = { activation, multActivation, finalAct };
    this.defaultTail = activation === "gelu" && multActivation === "id" && finalAct === "glu";
    this.conv = new FFTConv(kernels, {
      kernel: parts.kernel,
      D: parts.D,
      bidirectional: parts.bidirectional,
      activation,
      lMax: parts.lMax ?? null,
    });
    const inFeatures = this.conv.outChannels;
    this.outFeatures = finalAct === null ? inFeatures : H;
    let linear: LinearPlan | null = null;
    try {
      // the Linear's rows and how the errors name its sizes
      const { rows, weight, bias } =
        finalAct === null
          ? { rows: 0, weight: "0 (no output Linear)", bias: "0 (no output Linear)" }
          : finalAct === "glu"
            ? { rows: 2 * H, weight: "2*H*(channels*H)", bias: "2*H" }
            : { rows: H, weight: "H*(channels*H)", bias: "H" };
      validate.checkFloatArray("S4Block(weight)", parts.weight, rows * inFeatures, weight);
      validate.checkFloatArray("S4Block(bias)", parts.bias, rows, bias);
      if (finalAct !== null) {
        linear = kernels.linear({
          inFeatures,
          outFeatures: rows,
          weight: parts.weight,
          bias: parts.bias,
          layout: "BHL",
          glu: finalAct === "glu",
        });
      }
    } catch (err) {
      // a refused block leaves nothing in wasm memory (the kernel stays the caller's)
      this.conv.dispose();
      throw err;
    }
    this.linear = linear;
    this.mult = activationPlan(kernels, multActivation);
    this.final = finalAct === null || finalAct === "glu" ? null : activationPlan(kernels, finalAct);
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
    const nOut = batch * this.outFeatures * L;
    if (out !== undefined) {
      const ctor = this.kernels.backend === "wasm" ? Float32Array : Float64Array;
      validate.checkOut("S4Block.forward(out)", out, ctor as never, nOut);
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
    return transpose3(y, batch, this.outFeatures, L, out);
  }

  private forwardJs(u: FloatArray, batch: number, L: number): FloatArray {
    const g = this.conv.forward(u, batch, L);
    this.mult?.apply(g, g);
    if (!this.linear) return g;
    const z = this.linear.apply(g, { batch, length: L });
    this.final?.apply(z, z);
    return z;
  }

  /** x in the block's layout -> y into `out` (or a fresh Float32Array); x checked finite in wasm. */
  private forwardWasm(x: FloatArray, batch: number, L: number, out: FloatArray | undefined): FloatArray {
    const H = this.dModel;
    const n = batch * this.outFeatures * L;
    // the conv runs convRows (its input repeated over the channel groups) and leaves
    // outChannels (half, with the GLU activation) in place
    const rows = this.conv.convRows;
    const io = this.io as GrowingBuffers;
    const a = io.get(0, batch * Math.max(rows, H) * L);
    const aPtr = a.ptr;
    const u = this.layout === "BHL" ? x : transpose3(x, batch, L, H);
    const rt = this.kernels.runtime as NonNullable<Kernels["runtime"]>;
    // a bounded or one-sided activation (tanh, relu, ...) can turn the NaN or infinity of a bad
    // x into a finite output, so the output check below clears x only for the default block
    if (!this.defaultTail) validate.checkFinite32("S4Block.forward(x)", x, true);
    a.view.set(rows === H ? u : repeatChannels(u, batch, H, L, rows / H));
    this.conv.forwardPtr(aPtr, aPtr, batch, L);
    this.mult?.applyPtr(aPtr, aPtr, batch * this.conv.outChannels * L);
    // no output Linear: the conv's buffer is the output
    const yBuf = this.linear ? io.get(1, n) : a;
    if (this.linear) this.linear.applyPtr(aPtr, yBuf.ptr, batch, L);
    this.final?.applyPtr(yBuf.ptr, yBuf.ptr, n);
    if (rt.exports.allFinite(yBuf.ptr, n) !== 1) {
      // x is scanned only now: a NaN, an infinity or a value past float32 in x makes NaN in every
      // output of the layer (each row's FFT spreads it over the row, the Linear over the channels,
      // and 0 * NaN is NaN), so a finite y clears x and one 4 MB pass less runs (H = 256,
      // L = 4096: ~0.13 ms of ~28). x is named first; else y overflowed float32.
      validate.checkFinite32("S4Block.forward(x)", x, true);
      checkFiniteResultAt(rt, "S4Block.forward", yBuf.ptr, n);
    }
    const y = yBuf.view.subarray(0, n);
    if (this.layout === "BLH") return transpose3(y, batch, this.outFeatures, L, out);
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
    const batch = validate.checkInt("S4Block.stepper(options.batch)", options.batch ?? 1, 1, 2 ** 20);
    const mode = new StepMode(this.kernels, source).setupStep();
    const { weight, bias } = this.parts;
    const t = this.tail;
    try {
      // the default block runs fused in wasm; other activations stage by stage
      const engine = this.defaultTail
        ? mode.blockStepper({ batch, weight, bias })
        : new ComposedBlockStep(mode, batch, { ...t, weight, bias });
      return new BlockStepper(mode, engine, batch);
    } catch (err) {
      mode.dispose();
      throw err;
    }
  }

  /** Frees the block's wasm memory now; later calls throw S4StateError. */
  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    this.conv.dispose();
    // The block owns its SSM kernel generator (made for it by createS4Block / loadOfficial).
    this.parts.kernel.dispose?.();
    this.linear?.dispose();
    this.mult?.dispose();
    this.final?.dispose();
    this.ws?.dispose();
    if (ownsKernels(this)) this.kernels.dispose();
  }

  private assertLive(where: string): void {
    if (this.disposed) throw new S4StateError(`${where}: this block was disposed`);
  }
}
