// The complex diagonal linear recurrence as a plan:
//   h[l, t] = a[l, t] * h[l, t-1] + b[l, t],   h[l, -1] = h0[l] (zeros unless given)
// over `lanes` independent rows (e.g. channels x modes) of `length` steps, layout (lanes, T)
// split planes. Two schedules, same numbers up to rounding: "sequential" (4 lanes per v128) and
// "chunked" (the associative S5 scan, reduce-then-scan over chunks; 4 chunks per v128, the one
// for few lanes and long sequences).
import { linearScan, linearScanChunked, scanScratchFloats } from "../js/scan.js";
import { setFinite } from "../memory/set-finite.js";
import type { WasmBuffer } from "../memory/workspace.js";
import type { WasmRuntime } from "../runtime.js";
import type { Complex } from "../types.js";
import { checkAllFinite, checkComplex, checkInt, checkOneOf, checkOptions } from "../validate.js";
import { Plan } from "./plan.js";

/**
 * Schedule of a {@link LinearScanPlan}: "sequential" (4 lanes per v128) or "chunked" (the
 * associative S5 scan over chunks, for few lanes and long sequences). Same numbers up to rounding.
 */
export type ScanMethod = "sequential" | "chunked";

/** Shape and schedule of a {@link LinearScanPlan}. */
export interface LinearScanOptions {
  /** Independent recurrences (rows), >= 1. */
  lanes: number;
  /** Steps per row (T), >= 1. */
  length: number;
  /** Schedule (default "sequential"). */
  method?: ScanMethod;
  /** Chunk length of the chunked scan (default 64; clamped to length). */
  chunk?: number;
}

/** Optional initial state and output buffers of one {@link LinearScanPlan} call. */
export interface LinearScanCall {
  /** Initial state h[:, -1] (lanes); zeros when absent. */
  h0?: Complex;
  /** Where to write h (lanes, T); fresh when absent. */
  out?: Complex;
  /** Where to write the final state h[:, T-1] (lanes); fresh when absent. */
  last?: Complex;
}

/** What a {@link LinearScanPlan} call returns. */
export interface LinearScanResult {
  /** Every state, (lanes, T). */
  h: Complex;
  /** The final state h[:, T-1], (lanes): the h0 of the next chunk. */
  last: Complex;
}

type Bufs = Record<"ar" | "ai" | "br" | "bi" | "hr" | "hi" | "h0r" | "h0i" | "lr" | "li", WasmBuffer<Float32Array>>;

/**
 * The complex diagonal linear recurrence h[l, t] = a[l, t] * h[l, t-1] + b[l, t], h[l, -1] = h0[l]
 * (zeros unless given), over `lanes` independent rows (e.g. channels x modes) of `length` steps;
 * a, b, h are (lanes, T) complex split planes, row-major.
 */
export class LinearScanPlan extends Plan {
  /** Independent recurrences (rows). */
  readonly lanes: number;
  /** T, steps per row. */
  readonly length: number;
  /** The schedule. */
  readonly method: ScanMethod;
  /** Chunk length (steps) of the chunked scan, clamped to length. */
  readonly chunk: number;
  private readonly bufs: Bufs | null = null;
  private readonly scratchBuf: WasmBuffer<Float32Array> | null = null;
  private readonly scratch: Float64Array | null = null;
  private readonly zeros: Float64Array;

  constructor(runtime: WasmRuntime | null, options: LinearScanOptions) {
    super(runtime);
    this.lanes = checkInt("linearScan(options.lanes)", options?.lanes, 1, 2 ** 26);
    this.length = checkInt("linearScan(options.length)", options.length, 1, 2 ** 26);
    checkInt("linearScan(options.lanes*options.length)", this.lanes * this.length, 1, 2 ** 27);
    this.method = checkOneOf("linearScan(options.method)", options.method ?? "sequential", ["sequential", "chunked"] as const);
    this.chunk = Math.min(this.length, checkInt("linearScan(options.chunk)", options.chunk ?? 64, 1, 2 ** 26));
    this.zeros = new Float64Array(this.lanes);
    const n = this.lanes * this.length;
    const nScratch = scanScratchFloats(this.lanes, this.length, this.chunk);
    if (this.ws) {
      const ws = this.ws;
      this.bufs = {
        ar: ws.f32(n),
        ai: ws.f32(n),
        br: ws.f32(n),
        bi: ws.f32(n),
        hr: ws.f32(n),
        hi: ws.f32(n),
        h0r: ws.f32(this.lanes),
        h0i: ws.f32(this.lanes),
        lr: ws.f32(this.lanes),
        li: ws.f32(this.lanes),
      };
      if (this.method === "chunked") this.scratchBuf = ws.f32(nScratch);
    } else if (this.method === "chunked") this.scratch = new Float64Array(nScratch);
  }

  /** Run the recurrence. a, b: complex (lanes, T). Returns every state and the final one. */
  forward(a: Complex, b: Complex, callOptions: LinearScanCall | null = {}): LinearScanResult {
    const call = checkOptions("linearScan.forward(options)", callOptions);
    this.assertLive("linearScan.forward");
    const { lanes, length: T } = this;
    const n = lanes * T;
    checkComplex("linearScan.forward(a)", a, n, "lanes*length");
    checkComplex("linearScan.forward(b)", b, n, "lanes*length");
    if (call.h0 !== undefined) checkComplex("linearScan.forward(h0)", call.h0, lanes, "lanes");
    const inputs = [
      ["a", a],
      ["b", b],
      ["h0", call.h0],
    ] as const;
    const h = this.outComplex("linearScan.forward(out)", call.out, n);
    const last = this.outComplex("linearScan.forward(last)", call.last, lanes);
    const h0: Complex = call.h0 ?? { re: this.zeros, im: this.zeros };
    if (!this.bufs) {
      // a NaN/Infinity would spread through the rest of its row
      for (const [name, c] of inputs) {
        if (!c) continue;
        checkAllFinite(`linearScan.forward(${name}).re`, c.re);
        checkAllFinite(`linearScan.forward(${name}).im`, c.im);
      }
      if (this.method === "chunked") {
        linearScanChunked(
          a.re,
          a.im,
          b.re,
          b.im,
          h0.re,
          h0.im,
          h.re,
          h.im,
          last.re,
          last.im,
          lanes,
          T,
          this.chunk,
          this.scratch as Float64Array,
        );
      } else linearScan(a.re, a.im, b.re, b.im, h0.re, h0.im, h.re, h.im, last.re, last.im, lanes, T);
      return { h, last };
    }
    const B = this.bufs;
    // copied in, then checked in wasm (SIMD): a JS finite loop over the 4 input planes took longer
    // than the scan itself; float64 values beyond float32 range are refused, not made Infinity.
    // A refused input leaves nothing behind: the buffers are this call's scratch.
    const rt = this.wasm;
    const into = { a: [B.ar, B.ai], b: [B.br, B.bi], h0: [B.h0r, B.h0i] } as const;
    for (const [name, c] of inputs) {
      const [re, im] = into[name];
      setFinite(rt, `linearScan.forward(${name}).re`, re, (c ?? h0).re);
      setFinite(rt, `linearScan.forward(${name}).im`, im, (c ?? h0).im);
    }
    const ex = this.wasm.exports;
    if (this.method === "chunked") {
      const s = this.scratchBuf as WasmBuffer<Float32Array>;
      ex.linearScanChunked(
        B.ar.ptr,
        B.ai.ptr,
        B.br.ptr,
        B.bi.ptr,
        B.h0r.ptr,
        B.h0i.ptr,
        B.hr.ptr,
        B.hi.ptr,
        B.lr.ptr,
        B.li.ptr,
        lanes,
        T,
        this.chunk,
        s.ptr,
      );
    } else {
      ex.linearScan(
        B.ar.ptr,
        B.ai.ptr,
        B.br.ptr,
        B.bi.ptr,
        B.h0r.ptr,
        B.h0i.ptr,
        B.hr.ptr,
        B.hi.ptr,
        B.lr.ptr,
        B.li.ptr,
        lanes,
        T,
      );
    }
    h.re.set(B.hr.view);
    h.im.set(B.hi.view);
    last.re.set(B.lr.view);
    last.im.set(B.li.view);
    return { h, last };
  }

  /**
   * Pointer-level run (wasm backend): every argument is the byte offset of an f32 plane in this
   * kernels instance's memory, a, b, h (lanes, T), h0, last (lanes). No copies; h must not alias a
   * or b for the chunked schedule (the sequential one allows h = b).
   */
  forwardPointers(
    aRe: number,
    aIm: number,
    bRe: number,
    bIm: number,
    h0Re: number,
    h0Im: number,
    hRe: number,
    hIm: number,
    lastRe: number,
    lastIm: number,
  ): void {
    this.assertLive("linearScan.forwardPointers");
    const ex = this.wasmOnly("linearScan.forwardPointers").exports;
    if (this.method === "chunked") {
      const s = this.scratchBuf as WasmBuffer<Float32Array>;
      ex.linearScanChunked(aRe, aIm, bRe, bIm, h0Re, h0Im, hRe, hIm, lastRe, lastIm, this.lanes, this.length, this.chunk, s.ptr);
    } else ex.linearScan(aRe, aIm, bRe, bIm, h0Re, h0Im, hRe, hIm, lastRe, lastIm, this.lanes, this.length);
  }

  /** Convenience: the states only, (lanes, T). */
  apply(a: Complex, b: Complex, h0?: Complex, out?: Complex): Complex {
    return this.forward(a, b, { h0, out }).h;
  }
}
