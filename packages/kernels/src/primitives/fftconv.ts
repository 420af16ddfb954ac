// FFT convolution of the official S4 FFTConv (n = 2L), with the kernel spectrum kept:
//   setKernel(K): S[h] = rfft(k[h], 2L), k[h] = K[h] zero-padded (causal, K: (H, L)) or the
//     two-sided kernel pad(K0[h], (0, L)) + pad(flip(K1[h]), (L, 0)) (bidirectional, K: (2, H, L);
//     backward taps shifted by one: y[t] += sum_{s>t} K1[s-t-1] u[s]).
//   apply(u): y = irfft(rfft(u, 2L) * S, 2L)[:L] + D u,  u, y: (B, H, L), D: (H).
// On wasm an apply is two complex FFTs of L per row with the real-FFT split passes and the
// pointwise multiply fused into one pass (assembly/fftconv.ts).
//
// Low-level entry for @s4wasm/layers (wasm only): `applyPtr(uPtr, yPtr, batch, dPtr)` runs on
// f32 buffers that already live in this kernels instance's memory (u, y: (batch, H, L), y may be
// u; D: (H) or 0 for none), with no validation and no copies, so a layer can chain
// kernel -> conv -> activation in wasm memory. `setKernelPtr(kPtr)` takes the kernel the same way.
import { S4StateError } from "../errors.js";
import { FFT_MAX_N } from "../js/fft-plan.js";
import { type FFTConvTwin, fftConvApply, fftConvSetKernel, fftConvTwin, kernelRow } from "../js/fftconv.js";
import { setFinite } from "../memory/set-finite.js";
import type { WasmBuffer } from "../memory/workspace.js";
import { threadsOf, type WasmRuntime } from "../runtime.js";
import type { FloatArray } from "../types.js";
import { checkAllFinite, checkBool, checkFinite32, checkFloatArray, checkInt, checkOptions } from "../validate.js";
import { layoutRealFFT } from "./fft-layout.js";
import { Plan } from "./plan.js";

/** Kernel rows transformed per setKernel step (bounds the scratch to 16 rows of 2L). */
const KERNEL_CHUNK = 16;
/**
 * Fewest samples (channels x L) a call splits across the kernels' threads: 2^15 samples of
 * convolution take ~0.15 ms on one core (~4.6 ns each at L = 4096), where waking a worker and
 * waiting for it costs tens of us.
 */
const SPLIT_MIN_SAMPLES = 2 ** 15;

/** Shape of an {@link FFTConvPlan}. */
export interface FFTConvOptions {
  /** H: channels. */
  channels: number;
  /** L: sequence (and kernel) length; the FFT size is 2L. */
  length: number;
  /** Two-sided kernel (official bidirectional FFTConv); K is then (2, H, L). Default false. */
  bidirectional?: boolean;
  /** Default batch B of `apply` (buffers are sized for it; a larger batch grows them once). */
  batch?: number;
}

/** Per-call options of {@link FFTConvPlan.apply}. */
export interface FFTConvApplyOptions {
  /** The skip D, (H) or (1, H). Default: no skip term. */
  D?: FloatArray;
  /** Batch B of u (default: the plan's batch). */
  batch?: number;
}

/**
 * FFT convolution of the official S4 FFTConv (FFT size n = 2L), with the kernel spectrum kept:
 * setKernel(K) stores S[h] = rfft(k[h], 2L) for a causal K (H, L) or a two-sided K (2, H, L)
 * (bidirectional); apply(u) gives y = irfft(rfft(u, 2L) * S, 2L)[:L] + D u with u, y (B, H, L)
 * and D (H). Low-level wasm entries `applyPtr` / `setKernelPtr` work on f32 buffers already in
 * this kernels instance's memory, with no validation and no copies.
 */
export class FFTConvPlan extends Plan {
  /** H, the number of channels. */
  readonly channels: number;
  /** L, sequence and kernel length (elements); the FFT size is 2L. */
  readonly length: number;
  /** Two-sided kernel (K is (2, H, L)). */
  readonly bidirectional: boolean;
  /** The batch `apply` assumes when its options give none (the `batch` option of the plan). */
  readonly batch: number;
  /** Batches the input buffer has room for (grows past `batch` on a larger call). */
  private batchCap: number;
  private hasKernel = false;
  private readonly twin: FFTConvTwin | null = null;
  /** The real-FFT descriptor of n = 2L, one per thread (each has its own work planes). */
  private readonly rdescs: number[] = [];
  private readonly specRe: WasmBuffer<Float32Array> | null = null;
  private readonly specIm: WasmBuffer<Float32Array> | null = null;
  private readonly dBuf: WasmBuffer<Float32Array> | null = null;
  private readonly kRow: WasmBuffer<Float32Array> | null = null;
  private uBuf: WasmBuffer<Float32Array> | null = null;
  private readonly rowScratch: Float64Array;

  constructor(runtime: WasmRuntime | null, options: FFTConvOptions) {
    super(runtime);
    this.channels = checkInt("fftConv(options.channels)", options?.channels, 1, 2 ** 20);
    this.length = checkInt("fftConv(options.length)", options?.length, 1, FFT_MAX_N / 2);
    this.bidirectional = checkBool("fftConv(options.bidirectional)", options.bidirectional, false);
    this.batch = checkInt("fftConv(options.batch)", options.batch ?? 1, 1, 2 ** 20);
    this.batchCap = this.batch;
    const { channels: H, length: L } = this;
    this.rowScratch = new Float64Array(2 * L);
    if (this.ws && runtime) {
      for (let t = 0; t < threadsOf(runtime); t++) this.rdescs.push(layoutRealFFT(this.ws, runtime.exports.memory, 2 * L));
      this.specRe = this.ws.f32(H * (L + 1));
      this.specIm = this.ws.f32(H * (L + 1));
      this.dBuf = this.ws.f32(H);
      // two-sided kernel rows are assembled here; causal kernels are read in place
      if (this.bidirectional) this.kRow = this.ws.f32(Math.min(H, KERNEL_CHUNK) * 2 * L);
      this.uBuf = this.ws.f32(this.batchCap * H * L);
    } else this.twin = fftConvTwin(H, L);
  }

  /** Elements of K: H*L, or 2*H*L when bidirectional. */
  get kernelLength(): number {
    return (this.bidirectional ? 2 : 1) * this.channels * this.length;
  }

  /** Keep the spectrum of K: (H, L), or (2, H, L) when bidirectional. */
  setKernel(K: FloatArray): void {
    const where = "fftConv.setKernel";
    this.assertLive(where);
    const formula = this.bidirectional ? "2*channels*length" : "channels*length";
    checkFloatArray(`${where}(K)`, K, this.kernelLength, formula);
    if (!this.twin && !this.bidirectional) {
      // wasm, causal: K goes into the input buffer (it has room for H*L; apply refills it) and is
      // checked there in wasm, not by a JS loop over its H*L values (~1.5 ms at H=256, L=4096);
      // the spectrum is only touched once K passed
      const ub = this.uBuf as WasmBuffer<Float32Array>;
      setFinite(this.wasm, `${where}(K)`, ub, K);
      this.causalSpectrum(ub.ptr);
    } else {
      checkFinite32(`${where}(K)`, K, this.twin === null);
      if (this.twin) fftConvSetKernel(this.twin, K, this.bidirectional);
      else this.twoSidedSpectrum(K);
    }
    this.hasKernel = true;
  }

  /** Low level (wasm only): K already in wasm memory at byte offset kPtr (f32, shape as setKernel). */
  setKernelPtr(kPtr: number): void {
    this.assertLive("fftConv.setKernelPtr");
    const rt = this.wasmOnly("fftConv.setKernelPtr");
    if (this.bidirectional) this.twoSidedSpectrum(new Float32Array(rt.exports.memory.buffer, kPtr, this.kernelLength));
    else this.causalSpectrum(kPtr);
    this.hasKernel = true;
  }

  /** Causal K (H, L) f32 at byte offset kPtr in wasm memory -> the kept spectrum, read in place. */
  private causalSpectrum(kPtr: number): void {
    const { channels: H, length: L } = this;
    const sr = this.specRe as WasmBuffer<Float32Array>;
    const si = this.specIm as WasmBuffer<Float32Array>;
    // pre-scaled by 1/(2n), n = 2L, as the fused pass expects (see assembly/fftconv.ts)
    const specB = 4 * (L + 1);
    this.onThreads("kernelSpectrumRows", H, (h0, h1, rdesc) => [
      rdesc,
      kPtr + 4 * h0 * L,
      sr.ptr + h0 * specB,
      si.ptr + h0 * specB,
      h1 - h0,
      L,
      1 / (4 * L),
    ]);
  }

  /** Bidirectional K (2, H, L), any float array: two-sided rows of 2L assembled in float64, then rfft. */
  private twoSidedSpectrum(K: FloatArray): void {
    const { channels: H, length: L } = this;
    const kRow = this.kRow as WasmBuffer<Float32Array>;
    const sr = this.specRe as WasmBuffer<Float32Array>;
    const si = this.specIm as WasmBuffer<Float32Array>;
    const ex = this.wasm.exports;
    for (let h0 = 0; h0 < H; h0 += KERNEL_CHUNK) {
      const rowsHere = Math.min(KERNEL_CHUNK, H - h0);
      const rows = kRow.view;
      // Kernel rows of 2L (float64 assembly of the two-sided kernel, then one f32 rounding).
      for (let r = 0; r < rowsHere; r++) {
        kernelRow(K, H, L, h0 + r, true, this.rowScratch);
        rows.set(this.rowScratch, r * 2 * L);
      }
      const so = h0 * (L + 1) * 4;
      ex.rfftRows(this.rdescs[0], kRow.ptr, 2 * L, sr.ptr + so, si.ptr + so, rowsHere);
    }
    // The fused pass expects S / (2n), n = 2L (see assembly/fftconv.ts).
    const c = 1 / (4 * L);
    ex.fftScale(sr.ptr, H * (L + 1), c);
    ex.fftScale(si.ptr, H * (L + 1), c);
  }

  /** y = conv(u, K) + D u. u: (batch, H, L) -> y (batch, H, L). */
  apply(u: FloatArray, opts: FFTConvApplyOptions | null = {}, out?: FloatArray): FloatArray {
    const options = checkOptions("fftConv.apply(options)", opts);
    const where = "fftConv.apply";
    this.assertLive(where);
    if (!this.hasKernel) throw new S4StateError(`${where}: call setKernel(K) first`);
    const { channels: H, length: L } = this;
    const batch = checkInt(`${where}(options.batch)`, options.batch ?? this.batch, 1, 2 ** 20);
    const total = batch * H * L;
    checkFloatArray(`${where}(u)`, u, total, "batch*channels*length");
    const D = options.D;
    if (D !== undefined) {
      checkFloatArray(`${where}(options.D)`, D, H, "channels");
      checkFinite32(`${where}(options.D)`, D, this.twin === null);
    }
    const o = this.outReal(`${where}(out)`, out, total);
    if (this.twin) {
      checkAllFinite(`${where}(u)`, u);
      fftConvApply(this.twin, u, D ?? null, o as Float64Array, batch);
      return o;
    }
    if (batch > this.batchCap) {
      // Grow once; later calls of this batch reuse the buffer. The new buffer comes first (a
      // refused allocation leaves the plan as it was), then the old one goes back to the arena.
      const grown = (this.ws as NonNullable<typeof this.ws>).f32(batch * H * L);
      this.uBuf?.release();
      this.uBuf = grown;
      this.batchCap = batch;
    }
    const ub = this.uBuf as WasmBuffer<Float32Array>;
    const db = this.dBuf as WasmBuffer<Float32Array>;
    // checked in wasm after the copy, not by a JS loop over every value (a refused u changes nothing kept)
    setFinite(this.wasm, `${where}(u)`, ub, u);
    if (D) db.view.set(D);
    this.convRows(ub.ptr, ub.ptr, D ? db.ptr : 0, batch);
    o.set(ub.head(total));
    return o;
  }

  /**
   * Low level (wasm only): y = conv(u) + D u on f32 buffers already in wasm memory (byte
   * offsets). u, y: (batch, H, L), y may equal u; dPtr: D (H) or 0. No validation, no copies.
   */
  applyPtr(uPtr: number, yPtr: number, batch: number, dPtr = 0): void {
    const where = "fftConv.applyPtr";
    this.assertLive(where);
    this.wasmOnly(where);
    if (!this.hasKernel) throw new S4StateError(`${where}: call setKernel(K) first`);
    this.convRows(uPtr, yPtr, dPtr, batch);
  }

  /** The fused convolution of (batch, H, L) rows, each batch row's channels split over the threads. */
  private convRows(uPtr: number, yPtr: number, dPtr: number, batch: number): void {
    const { channels: H, length: L } = this;
    const sr = (this.specRe as WasmBuffer<Float32Array>).ptr;
    const si = (this.specIm as WasmBuffer<Float32Array>).ptr;
    const specB = 4 * (L + 1);
    if (!this.splits(H)) {
      this.wasm.exports.fftConvRows(this.rdescs[0], sr, si, uPtr, yPtr, dPtr, batch, H, L);
      return;
    }
    for (let b = 0; b < batch; b++) {
      const row = 4 * b * H * L;
      this.onThreads("fftConvRows", H, (h0, h1, rdesc) => [
        rdesc,
        sr + h0 * specB,
        si + h0 * specB,
        uPtr + row + 4 * h0 * L,
        yPtr + row + 4 * h0 * L,
        dPtr && dPtr + 4 * h0,
        1,
        h1 - h0,
        L,
      ]);
    }
  }

  /** True when rows of H channels are worth splitting over the kernels' threads. */
  private splits(H: number): boolean {
    return threadsOf(this.wasm) > 1 && H * this.length >= SPLIT_MIN_SAMPLES && H > 1;
  }

  /**
   * Run `job` on channel ranges [h0, h1) of H, one per thread with that thread's descriptor
   * (`args` builds a range's arguments), or on one thread when the work is too small to split.
   * Every row is computed by the same code either way, so results are identical.
   */
  private onThreads(
    job: "fftConvRows" | "kernelSpectrumRows",
    H: number,
    args: (h0: number, h1: number, rdesc: number) => number[],
  ): void {
    const rt = this.wasm;
    if (!this.splits(H)) {
      (rt.exports[job] as (...a: number[]) => void)(...args(0, H, this.rdescs[0]));
      return;
    }
    (rt.pool as NonNullable<WasmRuntime["pool"]>).runRows(job, H, 1, (h0, h1, t) => args(h0, h1, this.rdescs[t]), rt.exports);
  }
}
