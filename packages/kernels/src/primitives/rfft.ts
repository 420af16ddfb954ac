// The real FFT plan of any length n (1 <= n <= 2^22), batched, numpy semantics:
//   forward: X = rfft(x, n): x (batch, inputLength) zero-padded or truncated to n per row,
//            -> (batch, n//2+1) complex bins, unnormalised
//   inverse: x = irfft(X, n): (batch, n//2+1) -> (batch, n) real, 1/n; the imaginary parts of
//            bin 0 and (n even) bin n/2 are ignored, as numpy and torch do.
// Even n uses a complex FFT of n/2 plus a SIMD split pass; odd n a complex FFT of n.
import { irfft, type RFFTTwin, rfft, rfftTwin } from "../js/fft.js";
import { setFinite } from "../memory/set-finite.js";
import type { WasmBuffer } from "../memory/workspace.js";
import { threadsOf, type WasmRuntime } from "../runtime.js";
import type { Complex, FloatArray } from "../types.js";
import { checkAllFinite, checkComplex, checkFloatArray, checkInt, checkOptions } from "../validate.js";
import { checkFFTLength } from "./fft.js";
import { layoutRealFFT, splitsRows } from "./fft-layout.js";
import { Plan } from "./plan.js";

/** Options of an {@link RFFTPlan}. */
export interface RFFTOptions {
  /** Rows per call (default 1). */
  batch?: number;
  /** Samples per input row of `forward` (default n); shorter rows are zero-padded, longer truncated. */
  inputLength?: number;
}

/**
 * The real FFT of any length n (1 <= n <= 2^22), batched, numpy semantics: forward
 * X = rfft(x, n), x (batch, inputLength) zero-padded or truncated to n -> (batch, n//2+1) complex,
 * unnormalised; inverse x = irfft(X, n), (batch, n//2+1) complex -> (batch, n) real with 1/n (the
 * imaginary parts of bin 0 and, n even, bin n/2 are ignored, as numpy and torch do).
 */
export class RFFTPlan extends Plan {
  /** Transform length n. */
  readonly n: number;
  /** Rows per call. */
  readonly batch: number;
  /** Samples per input row of `forward` (elements); shorter rows are zero-padded, longer truncated. */
  readonly inputLength: number;
  /** n//2 + 1 */
  readonly bins: number;
  private readonly twin: RFFTTwin | null = null;
  /** The real-FFT descriptor, one per thread (each with its own work planes). */
  private readonly descs: number[] = [];
  private readonly real: WasmBuffer<Float32Array> | null = null;
  private readonly re: WasmBuffer<Float32Array> | null = null;
  private readonly im: WasmBuffer<Float32Array> | null = null;

  constructor(runtime: WasmRuntime | null, n: number, opts: RFFTOptions | null = {}) {
    const options = checkOptions("rfft(options)", opts);
    super(runtime);
    this.n = checkFFTLength("rfft(n)", n);
    this.batch = checkInt("rfft(options.batch)", options.batch ?? 1, 1, 2 ** 24);
    this.inputLength = checkInt("rfft(options.inputLength)", options.inputLength ?? this.n, 1, 2 ** 28);
    this.bins = (this.n >> 1) + 1;
    if (this.ws && runtime) {
      this.real = this.ws.f32(this.batch * Math.max(this.n, this.inputLength));
      this.re = this.ws.f32(this.batch * this.bins);
      this.im = this.ws.f32(this.batch * this.bins);
      for (let t = 0; t < threadsOf(runtime); t++) this.descs.push(layoutRealFFT(this.ws, runtime.exports.memory, this.n));
    } else this.twin = rfftTwin(this.n);
  }

  /** X = rfft(x, n). x: real (batch, inputLength) -> complex (batch, n//2+1). */
  forward(x: FloatArray, out?: Complex): Complex {
    const where = "rfft.forward";
    this.assertLive(where);
    const { batch, bins, inputLength } = this;
    checkFloatArray(`${where}(x)`, x, batch * inputLength, "batch*inputLength");
    const o = this.outComplex(`${where}(out)`, out, batch * bins);
    if (this.twin) {
      checkAllFinite(`${where}(x)`, x);
      rfft(this.twin, x, inputLength, o.re as Float64Array, o.im as Float64Array, batch);
      return o;
    }
    const real = this.real as WasmBuffer<Float32Array>;
    const re = this.re as WasmBuffer<Float32Array>;
    const im = this.im as WasmBuffer<Float32Array>;
    // checked in wasm after the copy, not by a JS loop over every value
    setFinite(this.wasm, `${where}(x)`, real, x);
    this.forwardRows(real.ptr, inputLength, re.ptr, im.ptr, batch);
    o.re.set(re.view);
    o.im.set(im.view);
    return o;
  }

  /** x = irfft(X, n). X: complex (batch, n//2+1) -> real (batch, n). */
  inverse(X: Complex, out?: FloatArray): FloatArray {
    const where = "rfft.inverse";
    this.assertLive(where);
    const { batch, bins, n } = this;
    checkComplex(`${where}(X)`, X, batch * bins, "batch*(n//2+1)");
    const o = this.outReal(`${where}(out)`, out, batch * n);
    if (this.twin) {
      checkAllFinite(`${where}(X).re`, X.re);
      checkAllFinite(`${where}(X).im`, X.im);
      irfft(this.twin, X.re, X.im, o as Float64Array, batch);
      return o;
    }
    const real = this.real as WasmBuffer<Float32Array>;
    const re = this.re as WasmBuffer<Float32Array>;
    const im = this.im as WasmBuffer<Float32Array>;
    // checked in wasm after the copy, not by a JS loop over every value
    setFinite(this.wasm, `${where}(X).re`, re, X.re);
    setFinite(this.wasm, `${where}(X).im`, im, X.im);
    this.inverseRows(re.ptr, im.ptr, real.ptr, batch);
    o.set(real.head(batch * n));
    return o;
  }

  /**
   * Low level (wasm only), on buffers already in wasm memory (byte offsets of f32 data, nothing
   * validated or copied): forward x (rows, inputLength) -> X (rows, n//2+1).
   */
  forwardPtr(x: number, outRe: number, outIm: number, rows: number, inputLength = this.inputLength): void {
    this.assertLive("rfft.forwardPtr");
    this.wasmOnly("rfft.forwardPtr");
    this.forwardRows(x, inputLength, outRe, outIm, rows);
  }

  /** Low level (wasm only): inverse X (rows, n//2+1) -> x (rows, n). */
  inversePtr(XRe: number, XIm: number, out: number, rows: number): void {
    this.assertLive("rfft.inversePtr");
    this.wasmOnly("rfft.inversePtr");
    this.inverseRows(XRe, XIm, out, rows);
  }

  /** rfftRows over `rows` rows, split across the kernels' threads when they are many (same bits). */
  private forwardRows(x: number, inLen: number, outRe: number, outIm: number, rows: number): void {
    const rt = this.wasm;
    if (!rt.pool || !splitsRows(rows, this.n)) {
      rt.exports.rfftRows(this.descs[0], x, inLen, outRe, outIm, rows);
      return;
    }
    const ob = 4 * this.bins;
    const args = (r0: number, r1: number, t: number) => [
      this.descs[t],
      x + 4 * r0 * inLen,
      inLen,
      outRe + r0 * ob,
      outIm + r0 * ob,
      r1 - r0,
    ];
    rt.pool.runRows("rfftRows", rows, 1, args, rt.exports);
  }

  /** irfftRows over `rows` rows, split like forwardRows. */
  private inverseRows(XRe: number, XIm: number, out: number, rows: number): void {
    const rt = this.wasm;
    if (!rt.pool || !splitsRows(rows, this.n)) {
      rt.exports.irfftRows(this.descs[0], XRe, XIm, out, rows);
      return;
    }
    const ib = 4 * this.bins;
    const args = (r0: number, r1: number, t: number) => [
      this.descs[t],
      XRe + r0 * ib,
      XIm + r0 * ib,
      out + 4 * r0 * this.n,
      r1 - r0,
    ];
    rt.pool.runRows("irfftRows", rows, 1, args, rt.exports);
  }
}
