// The naive O(n^2) DFT as a plan, batched over rows. numpy conventions: forward unnormalised
// with exp(-2*pi*i*jk/n), inverse with exp(+2*pi*i*jk/n) and 1/n. Reference and pipe check;
// the FFT plans are what to use for speed.
import { dft, twiddleTable } from "../js/dft.js";
import type { WasmBuffer } from "../memory/workspace.js";
import type { WasmRuntime } from "../runtime.js";
import type { Complex } from "../types.js";
import { checkComplex, checkFinite32, checkInt, checkOptions, overlapsAny } from "../validate.js";
import { Plan } from "./plan.js";

/** Options of a {@link DFTPlan}. */
export interface DFTOptions {
  /** Rows transformed per call (default 1). Input and output are (batch, n) row-major. */
  batch?: number;
}

/**
 * The naive O(n^2) DFT as a plan, batched over rows of n (1 <= n <= 2^16), numpy conventions:
 * forward unnormalised with exp(-2 pi i jk/n), inverse with exp(+2 pi i jk/n) and 1/n. A reference
 * and pipe check; use {@link FFTPlan} for speed.
 */
export class DFTPlan extends Plan {
  /** Transform length n (elements per row). */
  readonly n: number;
  /** Rows per call; input and output are (batch, n) complex, row-major. */
  readonly batch: number;
  private readonly fwd: { re: Float64Array; im: Float64Array };
  private readonly inv: { re: Float64Array; im: Float64Array };
  private readonly wasmBufs: Record<"xr" | "xi" | "or" | "oi" | "fr" | "fi" | "ir" | "ii", WasmBuffer<Float32Array>> | null;

  constructor(runtime: WasmRuntime | null, n: number, opts: DFTOptions | null = {}) {
    const options = checkOptions("dft(options)", opts);
    super(runtime);
    this.n = checkInt("dft(n)", n, 1, 2 ** 16);
    this.batch = checkInt("dft(options.batch)", options.batch ?? 1, 1, 2 ** 24);
    this.fwd = twiddleTable(this.n, -1);
    this.inv = twiddleTable(this.n, 1);
    if (this.ws) {
      const ws = this.ws;
      const rows = this.n * this.batch;
      this.wasmBufs = {
        xr: ws.f32(rows),
        xi: ws.f32(rows),
        or: ws.f32(rows),
        oi: ws.f32(rows),
        fr: ws.f32(this.n),
        fi: ws.f32(this.n),
        ir: ws.f32(this.n),
        ii: ws.f32(this.n),
      };
      this.wasmBufs.fr.view.set(this.fwd.re);
      this.wasmBufs.fi.view.set(this.fwd.im);
      this.wasmBufs.ir.view.set(this.inv.re);
      this.wasmBufs.ii.view.set(this.inv.im);
    } else this.wasmBufs = null;
  }

  /** X[k] = sum_j x[j] exp(-2*pi*i*jk/n). x: complex (batch, n) -> (batch, n). */
  forward(x: Complex, out?: Complex): Complex {
    return this.run("dft.forward", x, out, false);
  }

  /** x[j] = (1/n) sum_k X[k] exp(+2*pi*i*jk/n). X: complex (batch, n) -> (batch, n). */
  inverse(X: Complex, out?: Complex): Complex {
    return this.run("dft.inverse", X, out, true);
  }

  private run(where: string, x: Complex, out: Complex | undefined, inverse: boolean): Complex {
    this.assertLive(where);
    const { n, batch } = this;
    const total = n * batch;
    checkComplex(`${where}(x)`, x, total, "batch*n");
    // a NaN/Infinity would spread through every bin of its row (as the FFT plans refuse it)
    checkFinite32(`${where}(x).re`, x.re, this.runtime !== null);
    checkFinite32(`${where}(x).im`, x.im, this.runtime !== null);
    const o = this.outComplex(`${where}(out)`, out, total);
    const scale = inverse ? 1 / n : 1;
    if (!this.wasmBufs) {
      const tw = inverse ? this.inv : this.fwd;
      // the twin reads every input while writing: an `out` that is (or overlaps) x reads from a copy
      const src = overlapsAny([o.re, o.im], [x.re, x.im]) ? { re: Float64Array.from(x.re), im: Float64Array.from(x.im) } : x;
      for (let r = 0; r < batch; r++) {
        const s = r * n;
        const ore = o.re.subarray(s, s + n);
        const oim = o.im.subarray(s, s + n);
        dft(src.re.subarray(s, s + n), src.im.subarray(s, s + n), ore, oim, n, tw.re, tw.im);
        if (inverse) for (let k = 0; k < n; k++) (ore[k] *= scale), (oim[k] *= scale);
      }
      return o;
    }
    const b = this.wasmBufs;
    b.xr.view.set(x.re);
    b.xi.view.set(x.im);
    const twRe = inverse ? b.ir.ptr : b.fr.ptr;
    const twIm = inverse ? b.ii.ptr : b.fi.ptr;
    for (let r = 0; r < batch; r++) {
      const off = r * n * 4;
      this.wasm.exports.dft(b.xr.ptr + off, b.xi.ptr + off, b.or.ptr + off, b.oi.ptr + off, n, twRe, twIm);
    }
    o.re.set(b.or.view);
    o.im.set(b.oi.view);
    if (inverse) for (let k = 0; k < total; k++) (o.re[k] *= scale), (o.im[k] *= scale);
    return o;
  }
}
