// Plain-TypeScript twin of assembly/fft.ts and assembly/rfft.ts (float64): complex FFT of any
// length and the real FFT with numpy semantics, batched over contiguous rows.
//   fft:   X[k] = sum_j x[j] exp(-2 pi i jk/n);  inverse: x[j] = (1/n) sum_k X[k] exp(+2 pi i jk/n)
//   rfft:  the first n//2+1 bins of fft(x zero-padded / truncated to n), unnormalised
//   irfft: the real x of length n whose rfft is X (1/n), ignoring Im X[0] and (n even) Im X[n/2]
// Even n runs the real transform through a complex FFT of n/2 on z[j] = x[2j] + i x[2j+1] and a
// post-processing pass (the same split the wasm kernel uses); odd n through a complex FFT of n.

import type { FloatArray as Plane } from "../types.js";
import { type ComplexFFTPlan, ComplexWork, planComplexFFT, runComplex, workSize } from "./fft-plan.js";

export { type ComplexFFTPlan, FFT_MAX_N, factorize, nextPow2, planComplexFFT } from "./fft-plan.js";

/** A complex FFT plan with its float64 scratch (one per plan; not reentrant). */
export interface FFTTwin {
  /** The factorised plan of length n (radix stages or Bluestein). */
  plan: ComplexFFTPlan;
  /** Float64 scratch sized for the plan. */
  work: ComplexWork;
}

/** Make the complex FFT twin of length n: its plan and scratch. */
export function fftTwin(n: number): FFTTwin {
  const plan = planComplexFFT(n);
  return { plan, work: new ComplexWork(workSize(plan)) };
}

/**
 * Complex FFT of `batch` rows of n. Shapes: x, out (batch, n). Inverse scales by 1/n.
 * `out` may alias `x`.
 */
export function fft(
  t: FFTTwin,
  xRe: Plane,
  xIm: Plane,
  outRe: Float64Array,
  outIm: Float64Array,
  batch: number,
  inverse: boolean,
): void {
  const n = t.plan.n;
  const scale = 1 / n;
  for (let r = 0; r < batch; r++) {
    const s = r * n;
    const oRe = outRe.subarray(s, s + n);
    const oIm = outIm.subarray(s, s + n);
    runComplex(t.plan, xRe.subarray(s, s + n), xIm.subarray(s, s + n), oRe, oIm, inverse, t.work);
    if (inverse) {
      for (let k = 0; k < n; k++) {
        oRe[k] *= scale;
        oIm[k] *= scale;
      }
    }
  }
}

/** A real FFT plan: the complex core (n/2 for even n, n for odd) and the split twiddles. */
export interface RFFTTwin {
  /** Real transform length n. */
  n: number;
  /** n is even: the core has n/2 points and the post-processing pass is used. */
  half: boolean;
  /** The complex FFT of N points: N = n/2 (even n) or n (odd n). */
  core: FFTTwin;
  /** W[k] = exp(-2 pi i k/n), k = 0..n/4 (even n; empty otherwise). */
  twRe: Float64Array;
  /** Imaginary parts of W, same length as twRe. */
  twIm: Float64Array;
  /** Scratch: the core's input row, (N) re. */
  zRe: Float64Array;
  /** Scratch: the core's input row, (N) im. */
  zIm: Float64Array;
  /** Scratch: the core's output row, (N) re. */
  ZRe: Float64Array;
  /** Scratch: the core's output row, (N) im. */
  ZIm: Float64Array;
}

/** Make the real FFT twin of length n: complex core, split twiddles and scratch. */
export function rfftTwin(n: number): RFFTTwin {
  const half = n % 2 === 0;
  const N = half ? n / 2 : n;
  const core = fftTwin(N);
  const nt = half ? (N >> 1) + 1 : 0;
  const twRe = new Float64Array(nt);
  const twIm = new Float64Array(nt);
  for (let k = 0; k < nt; k++) {
    const a = (2 * Math.PI * k) / n;
    twRe[k] = Math.cos(a);
    twIm[k] = -Math.sin(a);
  }
  return {
    n,
    half,
    core,
    twRe,
    twIm,
    zRe: new Float64Array(N),
    zIm: new Float64Array(N),
    ZRe: new Float64Array(N),
    ZIm: new Float64Array(N),
  };
}

/**
 * Real forward FFT. Shapes: x (batch, inLen) — each row zero-padded or truncated to n;
 * out (batch, n//2+1) complex.
 */
export function rfft(t: RFFTTwin, x: Plane, inLen: number, outRe: Float64Array, outIm: Float64Array, batch: number): void {
  const { n, zRe, zIm, ZRe, ZIm } = t;
  const nb = (n >> 1) + 1;
  const use = Math.min(inLen, n);
  for (let r = 0; r < batch; r++) {
    const xs = r * inLen;
    const os = r * nb;
    if (!t.half) {
      for (let j = 0; j < n; j++) {
        zRe[j] = j < use ? x[xs + j] : 0;
        zIm[j] = 0;
      }
      runComplex(t.core.plan, zRe, zIm, ZRe, ZIm, false, t.core.work);
      for (let k = 0; k < nb; k++) {
        outRe[os + k] = ZRe[k];
        outIm[os + k] = ZIm[k];
      }
      continue;
    }
    const N = n >> 1;
    for (let j = 0; j < N; j++) {
      zRe[j] = 2 * j < use ? x[xs + 2 * j] : 0;
      zIm[j] = 2 * j + 1 < use ? x[xs + 2 * j + 1] : 0;
    }
    runComplex(t.core.plan, zRe, zIm, ZRe, ZIm, false, t.core.work);
    postProcess(t, ZRe, ZIm, outRe, outIm, os);
  }
}

/**
 * X[k] = E[k] + W^k O[k] from Z = FFT_N(z), with E = (Z[k] + conj Z[N-k])/2 the spectrum of
 * the even samples and O = (Z[k] - conj Z[N-k])/(2i) of the odd ones; X[N-k] = conj(E - W^k O).
 */
function postProcess(
  t: RFFTTwin,
  ZRe: Float64Array,
  ZIm: Float64Array,
  outRe: Float64Array,
  outIm: Float64Array,
  os: number,
): void {
  const N = t.n >> 1;
  outRe[os] = ZRe[0] + ZIm[0];
  outIm[os] = 0;
  outRe[os + N] = ZRe[0] - ZIm[0];
  outIm[os + N] = 0;
  for (let k = 1; k <= N >> 1; k++) {
    const ar = ZRe[k];
    const ai = ZIm[k];
    const br = ZRe[N - k];
    const bi = -ZIm[N - k];
    const er = 0.5 * (ar + br);
    const ei = 0.5 * (ai + bi);
    // O = (a - b) / (2i) = (Im(a-b) - i Re(a-b)) / 2
    const or = 0.5 * (ai - bi);
    const oi = -0.5 * (ar - br);
    const w = t.twRe[k];
    const v = t.twIm[k];
    const tr = or * w - oi * v;
    const ti = or * v + oi * w;
    outRe[os + k] = er + tr;
    outIm[os + k] = ei + ti;
    outRe[os + N - k] = er - tr;
    outIm[os + N - k] = -(ei - ti);
  }
}

/**
 * Real inverse FFT (1/n). Shapes: X (batch, n//2+1) complex -> out (batch, n). The imaginary
 * parts of bin 0 and, for even n, bin n/2 are ignored (Hermitian extension, as numpy).
 */
export function irfft(t: RFFTTwin, XRe: Plane, XIm: Plane, out: Float64Array, batch: number): void {
  const { n, zRe, zIm, ZRe, ZIm } = t;
  const nb = (n >> 1) + 1;
  for (let r = 0; r < batch; r++) {
    const is = r * nb;
    const os = r * n;
    if (!t.half) {
      ZRe[0] = XRe[is];
      ZIm[0] = 0;
      for (let k = 1; k < nb; k++) {
        ZRe[k] = XRe[is + k];
        ZIm[k] = XIm[is + k];
        ZRe[n - k] = XRe[is + k];
        ZIm[n - k] = -XIm[is + k];
      }
      runComplex(t.core.plan, ZRe, ZIm, zRe, zIm, true, t.core.work);
      for (let j = 0; j < n; j++) out[os + j] = zRe[j] / n;
      continue;
    }
    const N = n >> 1;
    preProcess(t, XRe, XIm, is, ZRe, ZIm, 1 / n);
    runComplex(t.core.plan, ZRe, ZIm, zRe, zIm, true, t.core.work);
    for (let j = 0; j < N; j++) {
      out[os + 2 * j] = zRe[j];
      out[os + 2 * j + 1] = zIm[j];
    }
  }
}

/**
 * The inverse of postProcess, times c: Z[k] = c * (E[k] + i O[k]) with
 * E = X[k] + conj X[N-k], O = (X[k] - conj X[N-k]) conj(W^k). With c = 1/n an unnormalised
 * inverse FFT of Z gives the even/odd samples directly.
 */
export function preProcess(
  t: RFFTTwin,
  XRe: Plane,
  XIm: Plane,
  is: number,
  ZRe: Float64Array,
  ZIm: Float64Array,
  c: number,
): void {
  const N = t.n >> 1;
  const x0 = XRe[is];
  const xN = XRe[is + N];
  ZRe[0] = c * (x0 + xN);
  ZIm[0] = c * (x0 - xN);
  for (let k = 1; k <= N >> 1; k++) {
    const ar = XRe[is + k];
    const ai = XIm[is + k];
    const br = XRe[is + N - k];
    const bi = -XIm[is + N - k];
    const er = ar + br;
    const ei = ai + bi;
    const dr = ar - br;
    const di = ai - bi;
    const w = t.twRe[k];
    const v = -t.twIm[k];
    const or = dr * w - di * v;
    const oi = dr * v + di * w;
    // Z[k] = E + iO; Z[N-k] = conj(E) + i conj(O)
    ZRe[k] = c * (er - oi);
    ZIm[k] = c * (ei + or);
    ZRe[N - k] = c * (er + oi);
    ZIm[N - k] = c * (or - ei);
  }
}
