// Vandermonde products as a plan.
//   apply:     K[h,l] = 2 Re sum_n C[h,n] exp(logz[h,n] l),  l = 0..L-1   (official log_vandermonde)
//   transpose: vt[h,n] = C[h,n] sum_l u[h,l] exp(logz[h,n] l)           (official ..._transpose)
// Shapes: C, logz complex (H,N); u real (H,L); K real (H,L); vt complex (H,N).
// Wasm: apply is a matrix product of float64-built power tables (see assembly/vandermonde.ts),
// transpose f32 SIMD chains re-anchored from float64 powers every 2048 l; logz is kept in
// float64 in wasm memory because a phase error in logz grows linearly with l. JS twin: float64
// recurrence.
import { vandermonde, vandermondeTranspose } from "../js/vandermonde.js";
import type { WasmBuffer } from "../memory/workspace.js";
import { threadsOf, type WasmRuntime } from "../runtime.js";
import type { Complex, FloatArray } from "../types.js";
import {
  checkAllFinite,
  checkComplex,
  checkFinite32,
  checkFloatArray,
  checkInt,
  checkWasmRange,
  overlapsAny,
} from "../validate.js";
import type { KernelExports } from "../wasm-exports.js";
import { Plan } from "./plan.js";

/** Shape of a {@link VandermondePlan}. */
export interface VandermondeOptions {
  /** H (>= 1) */
  channels: number;
  /** N stored modes (>= 1) */
  modes: number;
  /** L (>= 1) */
  length: number;
}

const LIMIT = 2 ** 26;
/**
 * Fewest terms (channels x modes x L) a run splits across the kernels' threads: 2^20 take
 * ~0.15 ms on one core, where waking a worker and waiting for it costs tens of us.
 */
const SPLIT_MIN_TERMS = 2 ** 20;

/**
 * C and logz finite: a NaN/Infinity would spread through every l of its channel; C within
 * float32's range on wasm (it is stored as float32; logz stays float64).
 */
function checkFinite(where: string, C: Complex, logz: Complex, f32: boolean): void {
  checkFinite32(`${where}(C).re`, C.re, f32);
  checkFinite32(`${where}(C).im`, C.im, f32);
  checkAllFinite(`${where}(logz).re`, logz.re);
  checkAllFinite(`${where}(logz).im`, logz.im);
}

/**
 * Vandermonde products: apply K[h, l] = 2 Re sum_n C[h, n] exp(logz[h, n] l), l = 0..L-1 (official
 * log_vandermonde), and transpose vt[h, n] = C[h, n] sum_l u[h, l] exp(logz[h, n] l). C, logz
 * complex (H, N); u, K real (H, L); vt complex (H, N). On wasm, apply is a register-blocked SIMD
 * matrix product of power tables built in float64 (l = 64a + b: K = P Q), transpose runs f32
 * SIMD chains re-anchored from float64 powers every 2048 l; logz stays float64. The JS twin is
 * float64.
 */
export class VandermondePlan extends Plan {
  /** H, the number of channels. */
  readonly channels: number;
  /** N, stored modes per channel. */
  readonly modes: number;
  /** L, kernel length (elements). */
  readonly length: number;
  private readonly bufs: {
    cr: WasmBuffer<Float32Array>;
    ci: WasmBuffer<Float32Array>;
    lr: WasmBuffer<Float64Array>;
    li: WasmBuffer<Float64Array>;
    out: WasmBuffer<Float32Array>;
    scratch: WasmBuffer<Float32Array>;
  } | null;
  private tBufs: { u: WasmBuffer<Float32Array>; or: WasmBuffer<Float32Array>; oi: WasmBuffer<Float32Array> } | null = null;

  constructor(runtime: WasmRuntime | null, options: VandermondeOptions) {
    super(runtime);
    const o = options ?? ({} as VandermondeOptions);
    this.channels = checkInt("vandermonde(options.channels)", o.channels, 1, LIMIT);
    this.modes = checkInt("vandermonde(options.modes)", o.modes, 1, LIMIT);
    this.length = checkInt("vandermonde(options.length)", o.length, 1, LIMIT);
    const { channels: H, modes: N, length: L } = this;
    checkInt("vandermonde(channels*length)", H * L, 1, LIMIT);
    if (this.ws) {
      const ws = this.ws;
      this.bufs = {
        cr: ws.f32(H * N),
        ci: ws.f32(H * N),
        lr: ws.f64(H * N),
        li: ws.f64(H * N),
        out: ws.f32(H * L),
        // one per thread: a split run's parts build their power tables at once
        scratch: ws.f32(threadsOf(this.wasm) * this.wasm.exports.vandermondeScratchFloats(N, L)),
      };
    } else this.bufs = null;
  }

  /** K = 2 Re sum_n C z^l. C, logz: complex (H,N) -> real (H,L). */
  apply(C: Complex, logz: Complex, out?: FloatArray): FloatArray {
    this.assertLive("vandermonde.apply");
    const { channels: H, modes: N, length: L } = this;
    checkComplex("vandermonde.apply(C)", C, H * N, "channels*modes");
    checkComplex("vandermonde.apply(logz)", logz, H * N, "channels*modes");
    checkFinite("vandermonde.apply", C, logz, this.runtime !== null);
    const o = this.outReal("vandermonde.apply(out)", out, H * L);
    if (!this.bufs) {
      vandermonde(C.re, C.im, logz.re, logz.im, o, H, N, L);
      return o;
    }
    const b = this.bufs;
    this.load(C, logz);
    this.run(b.out.ptr);
    o.set(b.out.view);
    return o;
  }

  /**
   * Low level (wasm only): K = 2 Re sum_n C z^l (H, L) as f32 written at byte offset `outPtr` of
   * this kernels instance's memory, not copied out: for a layer that hands K to the next step
   * (the FFT convolution's spectrum) in wasm memory. C and logz are checked as in apply; the
   * caller owns the H*L floats at outPtr (no check that they are free).
   */
  applyPtr(C: Complex, logz: Complex, outPtr: number): void {
    this.assertLive("vandermonde.applyPtr");
    const rt = this.wasmOnly("vandermonde.applyPtr");
    const { channels: H, modes: N, length: L } = this;
    checkComplex("vandermonde.applyPtr(C)", C, H * N, "channels*modes");
    checkComplex("vandermonde.applyPtr(logz)", logz, H * N, "channels*modes");
    checkFinite("vandermonde.applyPtr", C, logz, true);
    checkWasmRange("vandermonde.applyPtr(outPtr)", rt.exports.memory, outPtr, 4 * H * L);
    this.load(C, logz);
    this.run(outPtr);
  }

  /**
   * The wasm kernel on the loaded C and logz into K at outPtr; with several threads and enough
   * work, each thread takes a range of channels and its own scratch (same bits as one thread).
   */
  private run(outPtr: number): void {
    const { channels: H, modes: N, length: L } = this;
    const b = this.bufs as NonNullable<typeof this.bufs>;
    const rt = this.wasm;
    const part = (h0: number, h1: number, t: number): Parameters<KernelExports["vandermonde"]> => [
      b.cr.ptr + 4 * h0 * N,
      b.ci.ptr + 4 * h0 * N,
      b.lr.ptr + 8 * h0 * N,
      b.li.ptr + 8 * h0 * N,
      outPtr + 4 * h0 * L,
      h1 - h0,
      N,
      L,
      b.scratch.ptr + 4 * t * rt.exports.vandermondeScratchFloats(N, L),
    ];
    if (!rt.pool || H * N * L < SPLIT_MIN_TERMS) {
      rt.exports.vandermonde(...part(0, H, 0));
      return;
    }
    rt.pool.runRows("vandermonde", H, 1, part, rt.exports);
  }

  /** vt = C sum_l u z^l. u: real (H,L); C, logz: complex (H,N) -> complex (H,N). */
  transpose(u: FloatArray, C: Complex, logz: Complex, out?: Complex): Complex {
    this.assertLive("vandermonde.transpose");
    const { channels: H, modes: N, length: L } = this;
    checkFloatArray("vandermonde.transpose(u)", u, H * L, "channels*length");
    checkComplex("vandermonde.transpose(C)", C, H * N, "channels*modes");
    checkComplex("vandermonde.transpose(logz)", logz, H * N, "channels*modes");
    checkFinite32("vandermonde.transpose(u)", u, this.runtime !== null);
    checkFinite("vandermonde.transpose", C, logz, this.runtime !== null);
    const o = this.outComplex("vandermonde.transpose(out)", out, H * N);
    if (!this.bufs) {
      // the twin reads C and logz while writing: an `out` that overlaps an input reads from copies
      const cp = <T extends ArrayLike<number>>(a: T) => (overlapsAny([o.re, o.im], [a as never]) ? Float64Array.from(a) : a);
      vandermondeTranspose(cp(u), cp(C.re), cp(C.im), cp(logz.re), cp(logz.im), o.re, o.im, H, N, L);
      return o;
    }
    if (!this.tBufs) {
      // made on first use (most users only need apply), then reused
      const ws = this.ws as NonNullable<typeof this.ws>;
      this.tBufs = { u: ws.f32(H * L), or: ws.f32(H * N), oi: ws.f32(H * N) };
    }
    const b = this.bufs;
    const t = this.tBufs;
    this.load(C, logz);
    t.u.view.set(u);
    this.wasm.exports.vandermondeTranspose(t.u.ptr, b.cr.ptr, b.ci.ptr, b.lr.ptr, b.li.ptr, t.or.ptr, t.oi.ptr, H, N, L);
    o.re.set(t.or.view);
    o.im.set(t.oi.view);
    return o;
  }

  private load(C: Complex, logz: Complex): void {
    const b = this.bufs as NonNullable<typeof this.bufs>;
    b.cr.view.set(C.re);
    b.ci.view.set(C.im);
    b.lr.view.set(logz.re);
    b.li.view.set(logz.im);
  }
}
