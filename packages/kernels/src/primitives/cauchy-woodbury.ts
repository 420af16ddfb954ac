// The public plan of assembly/cauchy-woodbury.ts (the S4 DPLR rank-1 resolvent): validates once,
// prepares the kernel's coefficient layouts in float64, runs it whole or in blocks of channels.
import { S4ValueError } from "../errors.js";
import { cauchyWoodbury1 } from "../js/cauchy-woodbury.js";
import type { WasmBuffer } from "../memory/workspace.js";
import { threadsOf, type WasmRuntime } from "../runtime.js";
import type { Complex } from "../types.js";
import { checkComplex, checkFinite32, checkInt, F32_MAX } from "../validate.js";
import type { KernelExports } from "../wasm-exports.js";
import { checkCauchyResult, LIMIT } from "./cauchy.js";
import { Plan } from "./plan.js";

/** Shape of a {@link CauchyWoodburyPlan}. */
export interface CauchyWoodburyOptions {
  /** H */
  channels: number;
  /** N: conjugate-pair terms per sum */
  modes: number;
  /** M: shared nodes */
  nodes: number;
}

type WBufs = Record<"ab" | "wq" | "y" | "fr" | "fi" | "or" | "oi" | "qs", WasmBuffer<Float32Array>>;

/**
 * Smallest run (channels x modes x nodes) split across the kernels' threads: 2^16 pole-node
 * pairs take ~70 us on one core (~1.1 ns a pair), where waking a worker and waiting for it costs
 * tens of us. (DPLRKernel runs the resolvent in L2-sized blocks of channels, each split on its own.)
 */
const SPLIT_MIN_PAIRS = 2 ** 16;

/**
 * The S4 DPLR rank-1 resolvent in one call: four conjugate-pair Cauchy sums sharing one
 * denominator per (n, node), combined by the Woodbury identity, times f.
 */
export class CauchyWoodburyPlan extends Plan {
  /** H, the number of channels. */
  readonly channels: number;
  /** N, conjugate-pair terms per sum (the N/2 stored modes of a DPLR layer). */
  readonly modes: number;
  /** M, shared nodes. */
  readonly nodes: number;
  private readonly bufs: WBufs | null;
  /** A channel's pole order by |w|^2 and the keys (wasm path), kept from channel to channel. */
  private readonly sortScratch: { order: Int32Array; keys: Float64Array } | null;

  constructor(runtime: WasmRuntime | null, options: CauchyWoodburyOptions) {
    super(runtime);
    const o = options ?? ({} as CauchyWoodburyOptions);
    this.channels = checkInt("cauchyWoodbury(options.channels)", o.channels, 1, LIMIT);
    this.modes = checkInt("cauchyWoodbury(options.modes)", o.modes, 1, LIMIT);
    this.nodes = checkInt("cauchyWoodbury(options.nodes)", o.nodes, 1, LIMIT);
    const { channels: H, modes: N, nodes: M } = this;
    checkInt("cauchyWoodbury(channels*nodes)", H * M, 1, LIMIT);
    if (this.ws) {
      const ws = this.ws;
      // z and f are padded to a multiple of 4: the kernel reads whole lane groups
      const Mp = (M + 3) & ~3;
      // prepared coefficient layouts of assembly/cauchy-woodbury.ts
      this.bufs = {
        ab: ws.f32(8 * H * N),
        wq: ws.f32(4 * H * N),
        y: ws.f32(2 * Mp),
        fr: ws.f32(Mp),
        fi: ws.f32(Mp),
        or: ws.f32(H * M),
        oi: ws.f32(H * M),
        // the kernel's per-pole scratch, one per thread (a split run's parts use theirs at once)
        qs: ws.f32((threadsOf(this.runtime) * (this.runtime as WasmRuntime).exports.cauchyWoodburyScratchBytes(N)) / 4),
      };
      this.sortScratch = { order: new Int32Array(N), keys: new Float64Array(N) };
    } else {
      this.bufs = null;
      this.sortScratch = null;
    }
  }

  /**
   * v: complex (4,H,N), the numerator sets [r0, r1, r2, r3] (for S4: dt*B*C~, dt*B*Q,
   * dt*P*C~, dt*P*Q); z, f: complex (M), z purely imaginary; w: complex (H,N) -> complex (H,M).
   */
  apply(v: Complex, z: Complex, w: Complex, f: Complex, out?: Complex): Complex {
    this.assertLive("cauchyWoodbury.apply");
    this.check("cauchyWoodbury.apply", v, z, w, f);
    const o = this.outComplex("cauchyWoodbury.apply(out)", out, this.channels * this.nodes);
    if (!this.bufs) {
      const { channels: H, modes: N, nodes: M } = this;
      cauchyWoodbury1(v.re, v.im, z.re, z.im, w.re, w.im, f.re, f.im, o.re, o.im, H, N, M);
      return o;
    }
    const b = this.bufs;
    this.run("cauchyWoodbury.apply", v, z, w, f);
    checkCauchyResult(this.wasm, "cauchyWoodbury.apply", b.or.ptr, b.oi.ptr, this.channels * this.nodes);
    o.re.set(b.or.view);
    o.im.set(b.oi.view);
    return o;
  }

  /**
   * Low level (wasm only): like apply, but the result stays in this plan's wasm buffers; returns
   * their byte offsets (re, im planes of (H, M) f32), valid until the next call or dispose.
   * Lets a caller chain the resolvent into the inverse FFT without copying it out. Unlike apply,
   * the result is not checked for float32 overflow: the caller checks what it makes of it.
   */
  applyToWasm(
    v: Complex,
    z: Complex,
    w: Complex,
    f: Complex,
  ): {
    /** Byte offset of the re plane, (H, M) f32. */
    re: number;
    /** Byte offset of the im plane, (H, M) f32. */
    im: number;
  } {
    this.assertLive("cauchyWoodbury.applyToWasm");
    this.wasmOnly("cauchyWoodbury.applyToWasm");
    this.check("cauchyWoodbury.applyToWasm", v, z, w, f);
    this.run("cauchyWoodbury.applyToWasm", v, z, w, f);
    const b = this.bufs as WBufs;
    return { re: b.or.ptr, im: b.oi.ptr };
  }

  /**
   * Low level (wasm only): applyToWasm run in blocks of `rowsPerBlock` channels, calling
   * `onRows(h0, h1, re, im)` after each block while its rows h0..h1 of the planes (byte offsets
   * re, im of the whole (H, M) planes) are still in cache: a caller that chains the resolvent into
   * the inverse FFT block by block reads it from L2, not from memory (the whole planes of
   * H = 256, M = 2049 are 4 MB).
   */
  applyToWasmInBlocks(
    v: Complex,
    z: Complex,
    w: Complex,
    f: Complex,
    rowsPerBlock: number,
    onRows: (h0: number, h1: number, re: number, im: number) => void,
  ): void {
    this.assertLive("cauchyWoodbury.applyToWasmInBlocks");
    this.wasmOnly("cauchyWoodbury.applyToWasmInBlocks");
    const rows = checkInt("cauchyWoodbury.applyToWasmInBlocks(rowsPerBlock)", rowsPerBlock, 1, LIMIT);
    this.check("cauchyWoodbury.applyToWasmInBlocks", v, z, w, f);
    const negative = this.prepare("cauchyWoodbury.applyToWasmInBlocks", v, z, w, f);
    const b = this.bufs as WBufs;
    for (let h0 = 0; h0 < this.channels; h0 += rows) {
      const h1 = Math.min(this.channels, h0 + rows);
      this.runRows(h0, h1, z, negative);
      onRows(h0, h1, b.or.ptr, b.oi.ptr);
    }
  }

  private check(where: string, v: Complex, z: Complex, w: Complex, f: Complex): void {
    const { channels: H, modes: N, nodes: M } = this;
    checkComplex(`${where}(v)`, v, 4 * H * N, "4*channels*modes");
    checkComplex(`${where}(z)`, z, M, "nodes");
    checkComplex(`${where}(w)`, w, H * N, "channels*modes");
    checkComplex(`${where}(f)`, f, M, "nodes");
    // v and w bound for wasm are checked while prepare() reads them (one pass, not two: ~0.1 ms
    // of a DPLR kernel at H = 256, N = 64)
    const pairs = this.bufs
      ? ([
          ["z", z],
          ["f", f],
        ] as const)
      : ([
          ["v", v],
          ["z", z],
          ["w", w],
          ["f", f],
        ] as const);
    for (const [name, c] of pairs) {
      checkFinite32(`${where}(${name}).re`, c.re, this.runtime !== null);
      checkFinite32(`${where}(${name}).im`, c.im, this.runtime !== null);
    }
    for (let m = 0; m < M; m++) {
      if (z.re[m] !== 0) {
        throw new S4ValueError(
          `${where}(z): expected purely imaginary nodes (the bilinear nodes 2i tan(pi k/L)), got re = ${z.re[m]} at index ${m}`,
        );
      }
    }
  }

  /** Prepare the coefficient layouts in wasm memory and run the kernel (wasm backend). */
  private run(where: string, v: Complex, z: Complex, w: Complex, f: Complex): void {
    this.runRows(0, this.channels, z, this.prepare(where, v, z, w, f));
  }

  /**
   * The coefficient layouts of assembly/cauchy-woodbury.ts; true when some node has y < 0.
   * Refuses (S4ValueError, naming the value) a v or w that is not finite or not within float32's
   * range, before anything runs.
   */
  private prepare(where: string, v: Complex, z: Complex, w: Complex, f: Complex): boolean {
    const { channels: H, modes: N, nodes: M } = this;
    const b = this.bufs as WBufs;
    // numerators a z - b of each conjugate pair as real coefficients [a_s | -b_s] per (h, n),
    // and the pole terms [|w|^2, 2 wr, |wi| hi, |wi| lo], formed in float64 (a pair is unchanged
    // by (v, w) -> conj, which leaves a and b alone). Each channel's rows go in ascending |w|^2
    // (the kernel finds the poles near a node group as one run); a sum's order is free.
    const ab = b.ab.view;
    const wq = b.wq.view;
    const HN = H * N;
    const { order, keys } = this.sortScratch as { order: Int32Array; keys: Float64Array };
    let largest = 0; // max |v|, |w| (NaN once one is NaN)
    for (let h = 0; h < H; h++) {
      for (let n = 0; n < N; n++) keys[n] = w.re[h * N + n] ** 2 + w.im[h * N + n] ** 2;
      if (h === 0) for (let n = 0; n < N; n++) order[n] = n;
      sortByKeys(order, keys);
      for (let j = 0; j < N; j++) {
        const i = h * N + order[j];
        const r = h * N + j;
        const wr = w.re[i];
        const wi = w.im[i];
        largest = Math.max(largest, Math.abs(wr), Math.abs(wi));
        for (let s = 0; s < 4; s++) {
          const vr = v.re[s * HN + i];
          const vi = v.im[s * HN + i];
          largest = Math.max(largest, Math.abs(vr), Math.abs(vi));
          ab[8 * r + s] = 2 * vr;
          ab[8 * r + 4 + s] = -2 * (vr * wr + vi * wi);
        }
        const awi = Math.abs(wi);
        const hi = Math.fround(awi);
        wq[4 * r] = keys[order[j]];
        wq[4 * r + 1] = 2 * wr;
        wq[4 * r + 2] = hi;
        wq[4 * r + 3] = awi - hi;
      }
    }
    if (!(largest <= F32_MAX)) {
      // name the first bad value
      for (const [name, c] of [
        ["v", v],
        ["w", w],
      ] as const) {
        checkFinite32(`${where}(${name}).re`, c.re, true);
        checkFinite32(`${where}(${name}).im`, c.im, true);
      }
    }
    // The kernel needs y >= 0. A pair's sum at -y is the conjugate of its sum at y, so a node
    // with y < 0 runs at |y| with conj(f), and its outputs are conjugated afterwards.
    const Mp = (M + 3) & ~3;
    const y = b.y.view;
    const fr = b.fr.view;
    const fi = b.fi.view;
    let negative = false;
    for (let m = 0; m < M; m++) {
      const ym = Math.abs(z.im[m]);
      const neg = z.im[m] < 0;
      negative ||= neg;
      const hi = Math.fround(ym);
      y[m] = hi;
      y[Mp + m] = ym - hi;
      fr[m] = f.re[m];
      fi[m] = neg ? -f.im[m] : f.im[m];
    }
    // the padding lanes of the last group repeat its last node: the kernel picks a group's poles
    // by its smallest and largest y (their results are dropped)
    for (let m = M; m < Mp; m++) {
      y[m] = y[M - 1];
      y[Mp + m] = y[Mp + M - 1];
    }
    return negative;
  }

  /**
   * The kernel for channels h0..h1 (their rows of the coefficient layouts and of the output), on
   * the kernels' threads when there are several and the run is large enough: each takes a range
   * of channels with its own scratch, so every output is computed as on one thread.
   */
  private runRows(h0: number, h1: number, z: Complex, negative: boolean): void {
    const { modes: N, nodes: M } = this;
    const b = this.bufs as WBufs;
    const rt = this.wasm;
    const qsBytes = rt.exports.cauchyWoodburyScratchBytes(N);
    const part = (a: number, c: number, t: number): Parameters<KernelExports["cauchyWoodbury1"]> => [
      b.ab.ptr + 32 * a * N,
      b.wq.ptr + 16 * a * N,
      b.y.ptr,
      b.fr.ptr,
      b.fi.ptr,
      b.or.ptr + 4 * a * M,
      b.oi.ptr + 4 * a * M,
      c - a,
      N,
      M,
      b.qs.ptr + t * qsBytes,
    ];
    if (rt.pool && (h1 - h0) * N * M >= SPLIT_MIN_PAIRS) {
      rt.pool.runRows("cauchyWoodbury1", h1 - h0, 1, (a, c, t) => part(h0 + a, h0 + c, t), rt.exports);
    } else {
      rt.exports.cauchyWoodbury1(...part(h0, h1, 0));
    }
    if (negative) {
      const oi = b.oi.view;
      for (let m = 0; m < M; m++) if (z.im[m] < 0) for (let h = h0; h < h1; h++) oi[h * M + m] = -oi[h * M + m];
    }
  }
}

/**
 * Insertion sort of `order` (indices into keys) by ascending key, in place, no allocation. It
 * starts from the order it holds: the previous channel's, which for an S4 layer's poles (w = dt
 * Lambda, channels share Lambda's order) is already sorted, so a channel costs O(N) checks.
 */
function sortByKeys(order: Int32Array, keys: Float64Array): void {
  for (let i = 1; i < order.length; i++) {
    const k = order[i];
    const key = keys[k];
    let j = i;
    for (; j > 0 && keys[order[j - 1]] > key; j--) order[j] = order[j - 1];
    order[j] = k;
  }
}
