// The complex FFT plan of any length n (1 <= n <= 2^22), batched over rows. numpy conventions:
//   forward: X[k] = sum_j x[j] exp(-2 pi i jk/n)          (unnormalised)
//   inverse: x[j] = (1/n) sum_k X[k] exp(+2 pi i jk/n)
// Powers of two run radix-4 (and one radix-8 or 2) Stockham SIMD stages, 2^a 3^b 5^c mixed radix, anything else
// Bluestein through a power-of-two FFT. Twiddles and chirp spectra are computed in float64
// once, here; calls never allocate on the wasm path (besides a fresh result without `out`).
import { type FFTTwin, fft, fftTwin } from "../js/fft.js";
import { FFT_MAX_N, planComplexFFT } from "../js/fft-plan.js";
import { setFinite } from "../memory/set-finite.js";
import type { WasmBuffer } from "../memory/workspace.js";
import { threadsOf, type WasmRuntime } from "../runtime.js";
import type { Complex } from "../types.js";
import { checkAllFinite, checkComplex, checkInt, checkOptions } from "../validate.js";
import { layoutComplexFFT, splitsRows } from "./fft-layout.js";
import { Plan } from "./plan.js";

/** Options of an {@link FFTPlan}. */
export interface FFTOptions {
  /** Rows transformed per call (default 1). Input and output are (batch, n) row-major. */
  batch?: number;
}

/** Validate a transform length: an integer in [1, 2^22]. */
export function checkFFTLength(where: string, n: unknown): number {
  return checkInt(where, n, 1, FFT_MAX_N);
}

/**
 * The complex FFT of any length n (1 <= n <= 2^22), batched over rows, numpy conventions:
 * forward X[k] = sum_j x[j] exp(-2 pi i jk/n) (unnormalised), inverse with exp(+2 pi i jk/n) and
 * 1/n. Powers of two run radix-4 Stockham SIMD stages, 2^a 3^b 5^c mixed radix, anything else
 * Bluestein. Twiddles are computed in float64 once; calls never allocate on the wasm path
 * (besides a fresh result without `out`).
 */
export class FFTPlan extends Plan {
  /** Transform length n (elements per row). */
  readonly n: number;
  /** Rows per call; input and output are (batch, n) complex, row-major. */
  readonly batch: number;
  private readonly twin: FFTTwin | null = null;
  /** The plan's descriptor, one per thread (each with its own work planes). */
  private readonly descs: number[] = [];
  private readonly re: WasmBuffer<Float32Array> | null = null;
  private readonly im: WasmBuffer<Float32Array> | null = null;

  constructor(runtime: WasmRuntime | null, n: number, opts: FFTOptions | null = {}) {
    const options = checkOptions("fft(options)", opts);
    super(runtime);
    this.n = checkFFTLength("fft(n)", n);
    this.batch = checkInt("fft(options.batch)", options.batch ?? 1, 1, 2 ** 24);
    if (this.ws && runtime) {
      this.re = this.ws.f32(this.n * this.batch);
      this.im = this.ws.f32(this.n * this.batch);
      const plan = planComplexFFT(this.n);
      for (let t = 0; t < threadsOf(runtime); t++) this.descs.push(layoutComplexFFT(this.ws, runtime.exports.memory, plan));
    } else this.twin = fftTwin(this.n);
  }

  /** X = fft(x) per row. x: complex (batch, n) -> complex (batch, n). */
  forward(x: Complex, out?: Complex): Complex {
    return this.run("fft.forward", x, out, false);
  }

  /** x = ifft(X) per row (1/n). X: complex (batch, n) -> complex (batch, n). */
  inverse(X: Complex, out?: Complex): Complex {
    return this.run("fft.inverse", X, out, true);
  }

  private run(where: string, x: Complex, out: Complex | undefined, inverse: boolean): Complex {
    this.assertLive(where);
    const { n, batch } = this;
    const total = n * batch;
    checkComplex(`${where}(x)`, x, total, "batch*n");
    const o = this.outComplex(`${where}(out)`, out, total);
    if (this.twin) {
      checkAllFinite(`${where}(x).re`, x.re);
      checkAllFinite(`${where}(x).im`, x.im);
      fft(this.twin, x.re, x.im, o.re as Float64Array, o.im as Float64Array, batch, inverse);
      return o;
    }
    const re = this.re as WasmBuffer<Float32Array>;
    const im = this.im as WasmBuffer<Float32Array>;
    // checked in wasm after the copy, not by a JS loop over every value
    setFinite(this.wasm, `${where}(x).re`, re, x.re);
    setFinite(this.wasm, `${where}(x).im`, im, x.im);
    this.rows(re.ptr, im.ptr, re.ptr, im.ptr, batch, inverse, inverse ? 1 / n : 1);
    o.re.set(re.view);
    o.im.set(im.view);
    return o;
  }

  /**
   * Low level (wasm only): transform `rows` rows of n already in wasm memory, in place or
   * out of place. Pointers are byte offsets of f32 planes (rows, n); nothing is validated or
   * copied. inverse scales by 1/n unless `scale` is given.
   */
  runPtr(xRe: number, xIm: number, outRe: number, outIm: number, rows: number, inverse: boolean, scale?: number): void {
    this.assertLive("fft.runPtr");
    this.wasmOnly("fft.runPtr");
    this.rows(xRe, xIm, outRe, outIm, rows, inverse, scale ?? (inverse ? 1 / this.n : 1));
  }

  /** fftRows over `rows` rows, split across the kernels' threads when they are many (same bits). */
  private rows(xRe: number, xIm: number, outRe: number, outIm: number, rows: number, inverse: boolean, scale: number): void {
    const rt = this.wasm;
    const inv = inverse ? 1 : 0;
    if (!rt.pool || !splitsRows(rows, this.n)) {
      rt.exports.fftRows(this.descs[0], xRe, xIm, outRe, outIm, rows, inv, scale);
      return;
    }
    const rb = 4 * this.n;
    rt.pool.runRows(
      "fftRows",
      rows,
      1,
      (r0, r1, t) => [this.descs[t], xRe + r0 * rb, xIm + r0 * rb, outRe + r0 * rb, outIm + r0 * rb, r1 - r0, inv, scale],
      rt.exports,
    );
  }
}
