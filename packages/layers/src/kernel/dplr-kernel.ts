import {
  type CauchyPlan,
  type CauchyWoodburyPlan,
  type ConjBlockPowerPlan,
  checkFiniteResult,
  checkFiniteResultAt,
  type FloatArray,
  type Kernels,
  type RFFTPlan,
  validate,
  type WasmBuffer,
  type Workspace,
} from "@s4wasm/kernels";
import { type ConjBlockPower, cFromCTilde, cTildeFromC, discretizeDPLRDense } from "../ssm/discretize.js";
import { cSolve } from "../ssm/linalg.js";
import { type Complex64, complex64, copyComplex64, copyParams, type DPLRParams } from "../ssm/params.js";
import { resizeRows } from "../ssm/resize-rows.js";
import { checkDPLRParams, checkLength } from "../ssm/validate.js";
import { SSMKernel } from "./ssm-kernel.js";

/**
 * Bytes per block of channels in the wasm rank-1 kernel, ~12 L per channel (K_freq 8 per bin,
 * K 4 per sample in wasm and 4 in its copy out): half of a 1 MB L2, so a block is still there
 * when the inverse FFT and the copy-out read it (10 channels at L = 4096).
 */
const KERNEL_BLOCK_BYTES = 2 ** 19;

/** Options of DPLRKernel. */
export interface DPLRKernelOptions {
  /**
   * Woodbury path: "auto" (fused SIMD rank-1 pass when rank = 1, else general), or force
   * "general" (S = (1+R)(channels+R) Cauchy sums, then an R x R solve per node).
   */
  woodbury?: "auto" | "general";
}

/**
 * S4 (DPLR) convolution kernel, the official SSMKernelDPLR algorithm (annotated-s4 `kernel_DPLR`):
 *   C~ = C (I - dA^L)                                   (ssm/discretize.ts; or given as stored)
 *   omega_k = exp(-2 pi i k/L), z_k = 2(1-omega)/(1+omega) = 2i tan(pi k/L), k = 0..L//2
 *   r_xy(z) = dt sum over conjugate pairs x_n y_n / (z - dt Lambda_n),  x in {B, P_j}, y in {C~, Q_i = conj P_i}
 *   K^(z) = r_{B,C~} - r_{B,Q} (I + r_{P,Q})^-1 r_{P,C~}          (Woodbury; rank 1 fused in SIMD)
 *   K_freq = 2/(1+omega) K^ = (1 + i tan(pi k/L)) K^
 *   K = irfft(K_freq, n = L)                            (any L, no power of two needed)
 * Nyquist (L even, omega = -1, z infinite): the closed-form limit K_freq = dt Re sum_n C~_n B_n
 * (the Woodbury term vanishes), computed in float64.
 * Shapes: DPLRParams (H, N2, rank R, channels); K (channels, H, L). Wasm backend: float32 SIMD
 * Cauchy + FFT; JS backend: the float64 twin. Nodes, factors, numerators in float64 on the host.
 */
export class DPLRKernel extends SSMKernel<DPLRParams> {
  /** The Woodbury path chosen in the options. */
  readonly woodbury: "auto" | "general";
  private denseCache: { N: number; dA: Complex64; dB: Complex64 } | null = null;
  private readonly cTildeCache = new Map<number, Complex64>();
  private cauchyPlan: CauchyPlan | null = null;
  private fusedPlan: CauchyWoodburyPlan | null = null;
  private fftPlan: RFFTPlan | null = null;
  private arrays: { z: Complex64; f: Complex64; dt: Float64Array; w: Complex64; v: Complex64 } | null = null;
  /** wasm: dA^L of the C~ conversions in f64x2 (the float64 twin runs on the JS backend) */
  private powerPlan: ConjBlockPowerPlan | null = null;
  /** wasm: one output channel of K (H, Lc), the inverse FFT's destination */
  private kws: Workspace | null = null;
  private kbuf: WasmBuffer<Float32Array> | null = null;

  constructor(kernels: Kernels, params: DPLRParams, options: DPLRKernelOptions = {}) {
    super(kernels, params);
    this.woodbury = validate.checkOneOf("DPLRKernel(options.woodbury)", options.woodbury ?? "auto", ["auto", "general"] as const);
    this.setParams(params);
  }

  /** Replace the parameters (validated); drops the cached dense system and C~, bumps `version`. */
  setParams(params: DPLRParams): void {
    checkDPLRParams("DPLRKernel(params)", params);
    this.params = copyParams(params);
    this.denseCache = null;
    this.cTildeCache.clear();
    this.bumpVersion();
  }

  /** Dense discrete system (H, N, N), N = 2 N2 (a copy: editing it changes nothing here). */
  denseDiscrete(): {
    /** Full state size N = 2 N2. */
    N: number;
    /** Discrete state matrix (H, N, N), row-major. */
    dA: Complex64;
    /** Discrete input matrix (H, N). */
    dB: Complex64;
  } {
    const d = this.dense();
    return { N: d.N, dA: copyComplex64(d.dA), dB: copyComplex64(d.dB) };
  }

  /** The original C (channels, H, N2) (a copy). */
  originalC(): Complex64 {
    return copyComplex64(this.originalCOf());
  }

  /** C~ = C (I - dA^L) (channels, H, N2) (a copy: the kernel keeps its own per L). */
  cTilde(L: number): Complex64 {
    checkLength("DPLRKernel.cTilde(L)", L);
    return copyComplex64(this.cTildeOf(L));
  }

  /** The dense discrete system, made on first need (C~ conversions) and kept until setParams. */
  private dense(): { N: number; dA: Complex64; dB: Complex64 } {
    this.denseCache ??= discretizeDPLRDense(this.params);
    return this.denseCache;
  }

  /** The original C: the parameters' own, or recovered from C~ (the kernel's arrays, not copied). */
  private originalCOf(): Complex64 {
    const p = this.params;
    if (p.cForm === "C") return p.C;
    return cFromCTilde(this.dense().dA, p.C, p.H, p.N2, p.tildeLength as number, this.power());
  }

  /** C~ at L, cached per L (the kernel's arrays, not copied). */
  private cTildeOf(L: number): Complex64 {
    const p = this.params;
    if (p.cForm === "CTilde" && p.tildeLength === L) return p.C;
    let Ct = this.cTildeCache.get(L);
    if (!Ct) {
      Ct = cTildeFromC(this.dense().dA, this.originalCOf(), p.H, p.N2, L, this.power());
      this.cTildeCache.set(L, Ct);
    }
    return Ct;
  }

  /**
   * The length the spectrum is evaluated at for a requested L: a stored C~ at tildeLength T
   * serves every L <= T by truncation (as the official module); otherwise L itself.
   */
  computeLength(L: number): number {
    const p = this.params;
    return p.cForm === "CTilde" && L <= (p.tildeLength as number) ? (p.tildeLength as number) : L;
  }

  /** K_freq (channels, H, L//2+1) at length L (C~ at that L). Backend dtype. */
  kernelFreq(L: number): {
    /** Real parts, (channels, H, L//2+1). */
    re: FloatArray;
    /** Imaginary parts, (channels, H, L//2+1). */
    im: FloatArray;
  } {
    this.assertLive("DPLRKernel.kernelFreq");
    checkLength("DPLRKernel.kernelFreq(L)", L);
    return this.freq(L, this.cTildeOf(L));
  }

  /** K (channels, H, L). */
  kernel(L: number, out?: FloatArray): FloatArray {
    this.assertLive("DPLRKernel.kernel");
    checkLength("DPLRKernel.kernel(L)", L);
    const { H, channels } = this.params;
    const Lc = this.computeLength(L);
    const n = channels * H * L;
    if (out !== undefined) {
      validate.checkOut("DPLRKernel.kernel(out)", out, (this.kernels.runtime ? Float32Array : Float64Array) as never, n);
    }
    if (this.fused()) {
      const K = (out as Float32Array | undefined) ?? new Float32Array(n);
      this.kernelWasmFused(L, Lc, K);
      return K;
    }
    const Kf = this.freq(Lc, this.cTildeOf(Lc));
    const rows = channels * H;
    const fft = this.fftFor(Lc, rows);
    const full = fft.inverse(Kf, Lc === L ? out : undefined);
    checkFiniteResult("DPLRKernel.kernel", full);
    if (Lc === L) return full;
    const K = out ?? (this.kernels.backend === "wasm" ? new Float32Array(n) : new Float64Array(n));
    resizeRows(full, rows, Lc, L, K);
    return K;
  }

  /**
   * Wasm, rank 1: K (channels, H, L) as f32 at byte offset `ptr` of `target`'s memory (checked
   * finite), written there by the inverse FFT; false when `target` is not this kernel's wasm
   * instance or the kernel takes the general path (use kernel() then). For FFTConv.
   */
  kernelToWasm(L: number, target: Kernels, ptr: number): boolean {
    this.assertLive("DPLRKernel.kernelToWasm");
    checkLength("DPLRKernel.kernelToWasm(L)", L);
    const rt = this.kernels.runtime;
    if (target !== this.kernels || !rt || !this.fused()) return false;
    const { H, channels } = this.params;
    validate.checkWasmRange("DPLRKernel.kernelToWasm(ptr)", rt.exports.memory, ptr, 4 * channels * H * L);
    this.kernelWasmFused(L, this.computeLength(L), ptr);
    return true;
  }

  /** Whether kernel() runs the fused wasm rank-1 path (kernelWasmFused). */
  private fused(): boolean {
    return this.kernels.runtime !== null && this.params.rank === 1 && this.woodbury === "auto";
  }

  private fftFor(Lc: number, rows: number): RFFTPlan {
    if (!this.fftPlan || this.fftPlan.n !== Lc || this.fftPlan.batch !== rows) {
      const plan = this.kernels.rfft(Lc, { batch: rows });
      this.fftPlan?.dispose();
      this.fftPlan = plan;
    }
    return this.fftPlan;
  }

  /**
   * Wasm, rank 1: per output channel, the fused Cauchy + Woodbury leaves K_freq (H, L//2+1) in
   * wasm memory, the Nyquist bin is written there, and the inverse FFT reads it in place (DESIGN
   * principle 2: no copy in / copy out between the steps). K goes to `dst`: a Float32Array
   * (copied out), or a byte offset in wasm memory, which the inverse FFT writes directly when
   * Lc = L. The channels go in blocks of KERNEL_BLOCK_BYTES so that each block's K_freq and K
   * are still in L2 when the inverse FFT and the copy-out read them (H = 256, L = 4096: the
   * inverse FFT of the whole 4 MB K_freq took 1.36 ms, of L2-resident blocks 1.1 ms; the kernel
   * ~1 % less time).
   */
  private kernelWasmFused(L: number, Lc: number, dst: Float32Array | number): void {
    const { H, channels } = this.params;
    const rt = this.kernels.runtime as NonNullable<Kernels["runtime"]>;
    const M = Math.floor(Lc / 2) + 1;
    const nodes = this.nodes(Lc);
    const fused = this.fusedFor(M);
    const fft = this.fftFor(Lc, H);
    const rows = Math.max(1, Math.min(H, Math.floor(KERNEL_BLOCK_BYTES / (12 * Lc))));
    if (!this.kbuf || this.kbuf.length !== rows * Lc) {
      this.kws ??= this.kernels.workspace();
      // the new buffer first: a refused size leaves the old one in place
      const buf = this.kws.f32(rows * Lc);
      this.kbuf?.release();
      this.kbuf = buf;
    }
    const kbuf = this.kbuf;
    const Ct = this.cTildeOf(Lc);
    const v = nodes.v;
    this.sharedNumerators(v, nodes.dt);
    for (let c = 0; c < channels; c++) {
      this.channelNumerators(v, nodes.dt, Ct, c);
      fused.applyToWasmInBlocks(v, nodes.z, nodes.w, nodes.f, rows, (h0, h1, re, im) => {
        if (nodes.nyquist) {
          const mem = rt.exports.memory.buffer;
          const r = new Float32Array(mem, re, H * M);
          const i = new Float32Array(mem, im, H * M);
          for (let h = h0; h < h1; h++) {
            r[h * M + M - 1] = this.nyquistValue(Ct, c, h, nodes.dt[h]);
            i[h * M + M - 1] = 0;
          }
        }
        const row0 = (c * H + h0) * L;
        const direct = typeof dst === "number" && Lc === L;
        const at = direct ? dst + 4 * row0 : kbuf.ptr;
        fft.inversePtr(re + 4 * h0 * M, im + 4 * h0 * M, at, h1 - h0);
        // poles on the nodes (|z - w| ~ 1e-20) or absurd parameters can overflow float32 here
        checkFiniteResultAt(rt, "DPLRKernel.kernel", at, (h1 - h0) * Lc);
        if (direct) return;
        const K = typeof dst === "number" ? new Float32Array(rt.exports.memory.buffer, dst, channels * H * L) : dst;
        const view = kbuf.view;
        resizeRows(view, h1 - h0, Lc, L, K.subarray(row0, row0 + (h1 - h0) * L));
      });
    }
  }

  /** The matrix power of the C~ conversions: wasm f64x2 on the wasm backend, else the twin. */
  private power(): ConjBlockPower | undefined {
    if (!this.kernels.runtime) return undefined;
    const N = 2 * this.params.N2;
    if (this.powerPlan?.size !== N) {
      const plan = this.kernels.conjBlockPower({ size: N });
      this.powerPlan?.dispose();
      this.powerPlan = plan;
    }
    const plan = this.powerPlan;
    return (a, _n, p) => plan.apply(a, p);
  }

  /** For step mode: the same parameters, with skip `D` (H). */
  stepSource(D: Float64Array): {
    /** This kernel's parameters. */
    dplr: DPLRParams;
    /** Skip term (H). */
    D: Float64Array;
  } {
    return { dplr: this.params, D };
  }

  /** Free the Cauchy, FFT plans and wasm buffers; kernel() then throws S4StateError. */
  dispose(): void {
    this.markDisposed();
    this.cauchyPlan?.dispose();
    this.fusedPlan?.dispose();
    this.fftPlan?.dispose();
    this.powerPlan?.dispose();
    this.cauchyPlan = this.fusedPlan = this.fftPlan = this.powerPlan = null;
    this.kws?.dispose();
    this.kws = null;
    this.kbuf = null;
  }

  /**
   * Nodes z = 2i tan(pi k/L) and factors f = 2/(1+omega) = 1 + i tan(pi k/L), k = 0..L//2, exact
   * in float64 (the Nyquist node, L even, is left 0: it is filled in closed form), dt (H) and
   * poles w = dt Lambda (H, N2).
   */
  private nodes(L: number) {
    const { H, N2 } = this.params;
    const p = this.params;
    const M = Math.floor(L / 2) + 1;
    const nyquist = L % 2 === 0;
    // the arrays are kept between calls (their values are rewritten below): a fresh ~0.7 MB per
    // kernel(L) cost ~1.5 ms in allocation and collection here (H = 256, N = 64, L = 4096)
    const a = this.arraysFor(M);
    const { z, f, dt, w } = a;
    for (let k = 0; k < M; k++) {
      const t = nyquist && k === M - 1 ? 0 : Math.tan((Math.PI * k) / L);
      z.im[k] = 2 * t;
      f.re[k] = nyquist && k === M - 1 ? 0 : 1;
      f.im[k] = t;
    }
    for (let h = 0; h < H; h++) dt[h] = Math.exp(p.logDt[h]);
    for (let h = 0; h < H; h++)
      for (let n = 0; n < N2; n++) {
        w.re[h * N2 + n] = dt[h] * p.Lambda.re[h * N2 + n];
        w.im[h * N2 + n] = dt[h] * p.Lambda.im[h * N2 + n];
      }
    return { M, nyquist, z, f, dt, w, v: a.v };
  }

  /**
   * The node, pole and numerator arrays of one kernel(L) (for M nodes), kept while the shapes
   * stay: nodes z, factors f (M); dt (H); poles w (H, N2); the fused path's numerators v (4, H, N2).
   */
  private arraysFor(M: number) {
    const { H, N2 } = this.params;
    const a = this.arrays;
    // dt is per channel: H * N2 alone missed an H change that kept H * N2 (dt kept its old length)
    if (a && a.z.re.length === M && a.w.re.length === H * N2 && a.dt.length === H) return a;
    this.arrays = { z: complex64(M), f: complex64(M), dt: new Float64Array(H), w: complex64(H * N2), v: complex64(4 * H * N2) };
    return this.arrays;
  }

  private fusedFor(M: number): CauchyWoodburyPlan {
    const { H, N2 } = this.params;
    if (!this.fusedPlan || this.fusedPlan.nodes !== M || this.fusedPlan.channels !== H || this.fusedPlan.modes !== N2) {
      const plan = this.kernels.cauchyWoodbury({ channels: H, modes: N2, nodes: M });
      this.fusedPlan?.dispose();
      this.fusedPlan = plan;
    }
    return this.fusedPlan;
  }

  /** out[oo + (h, n)] = dt_h x y (y conjugated when yConj); planes (H, N2) at offsets. */
  private prod(out: Complex64, oo: number, x: Complex64, xo: number, y: Complex64, yo: number, yConj: boolean, dt: Float64Array) {
    const { H, N2 } = this.params;
    // the planes in locals: read through the objects on every element this ran ~3x slower
    // (0.2 ms of a kernel's ~0.8 ms of JS at H = 256, N = 64)
    const [or, oi, xre, xim, yre, yim] = [out.re, out.im, x.re, x.im, y.re, y.im];
    const sign = yConj ? -1 : 1;
    for (let h = 0; h < H; h++) {
      const d = dt[h];
      for (let n = 0; n < N2; n++) {
        const i = h * N2 + n;
        const xr = xre[xo + i];
        const xi = xim[xo + i];
        const yr = yre[yo + i];
        const yi = sign * yim[yo + i];
        or[oo + i] = d * (xr * yr - xi * yi);
        oi[oo + i] = d * (xr * yi + xi * yr);
      }
    }
  }

  /** Rank 1: the channel-independent sets r1 = r(B, Q), r3 = r(P, Q) of the fused kernel. */
  private sharedNumerators(v: Complex64, dt: Float64Array): void {
    const p = this.params;
    const HN = p.H * p.N2;
    this.prod(v, HN, p.B, 0, p.P, 0, true, dt);
    this.prod(v, 3 * HN, p.P, 0, p.P, 0, true, dt);
  }

  /** Rank 1: r0 = r(B, C~_c), r2 = r(P, C~_c). */
  private channelNumerators(v: Complex64, dt: Float64Array, Ct: Complex64, c: number): void {
    const p = this.params;
    const HN = p.H * p.N2;
    this.prod(v, 0, p.B, 0, Ct, c * HN, false, dt);
    this.prod(v, 2 * HN, p.P, 0, Ct, c * HN, false, dt);
  }

  /** K_freq at the Nyquist bin (omega = -1): the limit dt Re sum_n C~_n B_n. */
  private nyquistValue(Ct: Complex64, c: number, h: number, dt: number): number {
    const { H, N2 } = this.params;
    const B = this.params.B;
    let s = 0;
    for (let n = 0; n < N2; n++) {
      const i = h * N2 + n;
      const j = c * H * N2 + i;
      s += Ct.re[j] * B.re[i] - Ct.im[j] * B.im[i];
    }
    return dt * s;
  }

  /** K_freq at length L from C~ (channels, H, N2). */
  private freq(L: number, Ct: Complex64): { re: FloatArray; im: FloatArray } {
    const { H, N2, rank: R, channels } = this.params;
    const p = this.params;
    const { M, nyquist, z, f, dt, w, v: v4 } = this.nodes(L);
    const HN = H * N2;
    const rows = channels * H;
    const wasm = this.kernels.backend === "wasm";
    const Kf = wasm
      ? { re: new Float32Array(rows * M), im: new Float32Array(rows * M) }
      : { re: new Float64Array(rows * M), im: new Float64Array(rows * M) };
    if (R === 1 && this.woodbury === "auto") {
      const fused = this.fusedFor(M);
      const v = v4;
      this.sharedNumerators(v, dt);
      for (let c = 0; c < channels; c++) {
        this.channelNumerators(v, dt, Ct, c);
        const o = { re: Kf.re.subarray(c * H * M, (c + 1) * H * M), im: Kf.im.subarray(c * H * M, (c + 1) * H * M) };
        fused.apply(v, z, w, f, o);
      }
    } else {
      const nb = 1 + R; // x in {B, P_0..P_{R-1}}
      const nc = channels + R; // y in {C~_0.., Q_0..}
      const S = nb * nc;
      if (
        !this.cauchyPlan ||
        this.cauchyPlan.nodes !== M ||
        this.cauchyPlan.numerators !== S ||
        this.cauchyPlan.channels !== H ||
        this.cauchyPlan.modes !== N2
      ) {
        const plan = this.kernels.cauchy({ channels: H, modes: N2, nodes: M, conjugatePairs: true, numerators: S });
        this.cauchyPlan?.dispose();
        this.cauchyPlan = plan;
      }
      const v = complex64(S * HN);
      for (let b = 0; b < nb; b++)
        for (let c = 0; c < nc; c++) {
          const [x, xo] = b === 0 ? [p.B, 0] : [p.P, (b - 1) * HN];
          const [y, yo, yc] = c < channels ? [Ct, c * HN, false] : [p.P, (c - channels) * HN, true];
          this.prod(v, (b * nc + c) * HN, x, xo, y, yo, yc, dt);
        }
      const r = this.cauchyPlan.apply(v, z, w);
      const at = (b: number, c: number, h: number, k: number) => ((b * nc + c) * H + h) * M + k;
      const Mat = complex64(R * R);
      const rhs = complex64(R);
      for (let h = 0; h < H; h++)
        for (let k = 0; k < M; k++) {
          if (nyquist && k === M - 1) continue;
          // I + r(P_a, Q_b)
          for (let a = 0; a < R; a++)
            for (let bq = 0; bq < R; bq++) {
              const i = at(1 + a, channels + bq, h, k);
              Mat.re[a * R + bq] = (a === bq ? 1 : 0) + r.re[i];
              Mat.im[a * R + bq] = r.im[i];
            }
          for (let c = 0; c < channels; c++) {
            for (let a = 0; a < R; a++) {
              rhs.re[a] = r.re[at(1 + a, c, h, k)];
              rhs.im[a] = r.im[at(1 + a, c, h, k)];
            }
            const y = cSolve(Mat, rhs, R, 1);
            let kr = r.re[at(0, c, h, k)];
            let ki = r.im[at(0, c, h, k)];
            for (let j = 0; j < R; j++) {
              const ar = r.re[at(0, channels + j, h, k)];
              const ai = r.im[at(0, channels + j, h, k)];
              kr -= ar * y.re[j] - ai * y.im[j];
              ki -= ar * y.im[j] + ai * y.re[j];
            }
            const o = (c * H + h) * M + k;
            Kf.re[o] = kr * f.re[k] - ki * f.im[k];
            Kf.im[o] = kr * f.im[k] + ki * f.re[k];
          }
        }
    }
    if (nyquist) {
      for (let c = 0; c < channels; c++)
        for (let h = 0; h < H; h++) {
          Kf.re[(c * H + h) * M + M - 1] = this.nyquistValue(Ct, c, h, dt[h]);
          Kf.im[(c * H + h) * M + M - 1] = 0;
        }
    }
    return Kf;
  }
}

/** One-shot DPLR kernel K (channels, H, L). */
export function dplrKernel(kernels: Kernels, params: DPLRParams, L: number, options: DPLRKernelOptions = {}): FloatArray {
  const k = new DPLRKernel(kernels, params, options);
  try {
    return k.kernel(L);
  } finally {
    k.dispose();
  }
}
