// The FFT planner: factorisation, stage layout, twiddle tables and Bluestein chirp spectra,
// all computed once in float64. Both backends use it: the JS twin runs these tables directly,
// the wasm plan copies them (rounded to float32) into linear memory.
//
// Algorithm: a Stockham autosort (decimation in frequency), so no bit reversal pass. For
// n = r_0 * r_1 * ... * r_{S-1}, stage i has radix r = r_i, stride s = r_0*...*r_{i-1} and
// m = n / (s*r) butterflies; it reads x[q + s*(p + j*m)] and writes
//   y[q + s*(r*p + j)] = (sum_t x[q + s*(p + t*m)] W_r^{jt}) * W_{r*m}^{jp},   j = 0..r-1
// for p < m, q < s. Radices are 4 first (the wasm fast path vectorises the first radix-4 stage
// over p), then 2, 3, 5; a power of two with an odd exponent up to 2^11 has one radix-8 stage
// instead of a radix-4 and a radix-2 pass (one pass fewer over the data); a power of two >= 8
// always ends in a twiddle-free radix-4 or radix-8 stage. Lengths with another prime factor use Bluestein:
// a chirp-z transform through a power-of-two FFT of size M >= 2n-1.
import type { FloatArray as Plane } from "../types.js";

export type Radix = 2 | 3 | 4 | 5 | 8;

/** One Stockham stage. Twiddles are (r-1, m) row-major: tw[(j-1)*m + p] = exp(-2 pi i j p / (r m)). */
export interface FFTStage {
  radix: Radix;
  /** Stride: product of the radices of the earlier stages. */
  s: number;
  /** Butterflies per stride block: n / (s * radix). */
  m: number;
  twRe: Float64Array;
  twIm: Float64Array;
}

/** Chirp-z data of a Bluestein plan for length n through power-of-two size M. */
export interface BluesteinData {
  M: number;
  inner: ComplexFFTPlan;
  /** chirp[k] = exp(-pi i k^2 / n), k < n (forward; the inverse uses its conjugate). */
  chirpRe: Float64Array;
  chirpIm: Float64Array;
  /** FFT_M of the wrapped conjugate chirp, divided by M (forward and inverse directions). */
  specFwdRe: Float64Array;
  specFwdIm: Float64Array;
  specInvRe: Float64Array;
  specInvIm: Float64Array;
}

export interface ComplexFFTPlan {
  n: number;
  /** Empty for n = 1 and for Bluestein plans. */
  stages: FFTStage[];
  bluestein: BluesteinData | null;
}

/** The largest supported transform length (2^22). */
export const FFT_MAX_N = 2 ** 22;

/** Largest power of two that ends in a radix-8 stage. */
const RADIX8_MAX = 4096;

/** Radices for n in stage order (4s, then 2, 3, 5), or null if n has a prime factor > 5. */
export function factorize(n: number): Radix[] | null {
  const out: Radix[] = [];
  if (n >= 8 && (n & (n - 1)) === 0 && Math.log2(n) % 2 === 1) {
    // Odd power of two: ... 4, 8 (a twiddle-free radix-8 last stage; measured faster than
    // ... 8, 4) while its stride stays small (16 streams at a 4 KiB-multiple stride thrash L1
    // sets beyond n = 4096); else ... 4, 2, 4.
    if (n <= RADIX8_MAX) {
      for (let r = n; r > 8; r /= 4) out.push(4);
      out.push(8);
    } else {
      for (let r = n; r > 8; r /= 4) out.push(4);
      out.push(2, 4);
    }
    return out;
  }
  let rest = n;
  while (rest % 4 === 0) {
    out.push(4);
    rest /= 4;
  }
  if (rest % 2 === 0) {
    out.push(2);
    rest /= 2;
  }
  while (rest % 3 === 0) {
    out.push(3);
    rest /= 3;
  }
  while (rest % 5 === 0) {
    out.push(5);
    rest /= 5;
  }
  return rest === 1 ? out : null;
}

/** Smallest power of two >= v. */
export function nextPow2(v: number): number {
  let p = 1;
  while (p < v) p *= 2;
  return p;
}

/** exp(sign * 2 pi i * num / den) with num reduced mod den first (exact angles, float64). */
function unitRoot(num: number, den: number, sign: number): [number, number] {
  const r = num % den;
  const a = (2 * Math.PI * r) / den;
  return [Math.cos(a), sign * Math.sin(a)];
}

function makeStages(n: number, radices: Radix[]): FFTStage[] {
  const stages: FFTStage[] = [];
  let s = 1;
  for (const r of radices) {
    const m = n / (s * r);
    const nCur = r * m;
    const twRe = new Float64Array((r - 1) * m);
    const twIm = new Float64Array((r - 1) * m);
    for (let j = 1; j < r; j++) {
      for (let p = 0; p < m; p++) {
        const [c, sn] = unitRoot(j * p, nCur, -1);
        twRe[(j - 1) * m + p] = c;
        twIm[(j - 1) * m + p] = sn;
      }
    }
    stages.push({ radix: r, s, m, twRe, twIm });
    s *= r;
  }
  return stages;
}

/** Plan a complex FFT of length n >= 1 (validated by the caller). */
export function planComplexFFT(n: number): ComplexFFTPlan {
  const radices = factorize(n);
  if (radices) return { n, stages: makeStages(n, radices), bluestein: null };
  const M = nextPow2(2 * n - 1);
  const inner = planComplexFFT(M);
  const chirpRe = new Float64Array(n);
  const chirpIm = new Float64Array(n);
  for (let k = 0; k < n; k++) {
    // k^2 < 2^44 is exact in float64; reduce mod 2n so the angle keeps full precision.
    const [c, s] = unitRoot((k * k) % (2 * n), 2 * n, -1);
    chirpRe[k] = c;
    chirpIm[k] = s;
  }
  const spec = (sign: number): [Float64Array, Float64Array] => {
    // b[k] = chirp conjugated for the forward direction (sign = +1), wrapped: b[M-k] = b[k].
    const bRe = new Float64Array(M);
    const bIm = new Float64Array(M);
    for (let k = 0; k < n; k++) {
      bRe[k] = chirpRe[k];
      bIm[k] = sign * -chirpIm[k];
      if (k > 0) {
        bRe[M - k] = bRe[k];
        bIm[M - k] = bIm[k];
      }
    }
    const oRe = new Float64Array(M);
    const oIm = new Float64Array(M);
    const work = new ComplexWork(M);
    runComplex(inner, bRe, bIm, oRe, oIm, false, work);
    for (let k = 0; k < M; k++) {
      oRe[k] /= M;
      oIm[k] /= M;
    }
    return [oRe, oIm];
  };
  const [specFwdRe, specFwdIm] = spec(1);
  const [specInvRe, specInvIm] = spec(-1);
  return {
    n,
    stages: [],
    bluestein: { M, inner, chirpRe, chirpIm, specFwdRe, specFwdIm, specInvRe, specInvIm },
  };
}

/** Scratch of one complex plan in float64 (two ping-pong planes pairs, plus Bluestein's). */
export class ComplexWork {
  readonly aRe: Float64Array;
  readonly aIm: Float64Array;
  readonly bRe: Float64Array;
  readonly bIm: Float64Array;
  readonly cRe: Float64Array;
  readonly cIm: Float64Array;
  constructor(size: number) {
    this.aRe = new Float64Array(size);
    this.aIm = new Float64Array(size);
    this.bRe = new Float64Array(size);
    this.bIm = new Float64Array(size);
    this.cRe = new Float64Array(size);
    this.cIm = new Float64Array(size);
  }
}

/** Work size a plan needs (M for Bluestein, else n). */
export function workSize(plan: ComplexFFTPlan): number {
  return plan.bluestein ? plan.bluestein.M : plan.n;
}

const SIN60 = Math.sqrt(3) / 2;
const C1 = Math.cos((2 * Math.PI) / 5);
const C2 = Math.cos((4 * Math.PI) / 5);
const S1 = Math.sin((2 * Math.PI) / 5);
const S2 = Math.sin((4 * Math.PI) / 5);

/** y[o] = (ur + i ui) * (w + i v). */
function twMul(yr: Float64Array, yi: Float64Array, o: number, ur: number, ui: number, w: number, v: number): void {
  yr[o] = ur * w - ui * v;
  yi[o] = ur * v + ui * w;
}

const RSQRT2 = Math.SQRT1_2;
const E8r = new Float64Array(4);
const E8i = new Float64Array(4);
const O8r = new Float64Array(4);
const O8i = new Float64Array(4);

/** 4-point DFT of x[i0 + t*st], t = 0..3, into (outR, outI); sg = -1 forward, +1 inverse. */
function dft4(xr: Plane, xi: Plane, i0: number, st: number, sg: number, outR: Float64Array, outI: Float64Array): void {
  const ar = xr[i0];
  const ai = xi[i0];
  const br = xr[i0 + st];
  const bi = xi[i0 + st];
  const cr = xr[i0 + 2 * st];
  const ci = xi[i0 + 2 * st];
  const dr = xr[i0 + 3 * st];
  const di = xi[i0 + 3 * st];
  const jR = -sg * (bi - di);
  const jI = sg * (br - dr);
  outR[0] = ar + cr + br + dr;
  outI[0] = ai + ci + bi + di;
  outR[1] = ar - cr + jR;
  outI[1] = ai - ci + jI;
  outR[2] = ar + cr - br - dr;
  outI[2] = ai + ci - bi - di;
  outR[3] = ar - cr - jR;
  outI[3] = ai - ci - jI;
}

/**
 * Radix-8 butterfly split 2 x 4 like the wasm kernel: X[k] = E[k] + W8^k O[k],
 * X[k+4] = E[k] - W8^k O[k], E and O the DFT4 of the even and odd inputs; then stage twiddles.
 */
function runDft8(
  xr: Plane,
  xi: Plane,
  yr: Float64Array,
  yi: Float64Array,
  i0: number,
  o0: number,
  s: number,
  m: number,
  p: number,
  twRe: Float64Array,
  twIm: Float64Array,
  sg: number,
  tsg: number,
): void {
  const sm = s * m;
  dft4(xr, xi, i0, 2 * sm, sg, E8r, E8i);
  dft4(xr, xi, i0 + sm, 2 * sm, sg, O8r, O8i);
  for (let k = 0; k < 4; k++) {
    // W8^k = exp(sg * 2 pi i k / 8)
    const c = k === 0 ? 1 : k === 2 ? 0 : k === 1 ? RSQRT2 : -RSQRT2;
    const v = sg * (k === 0 ? 0 : k === 2 ? 1 : RSQRT2);
    const tr = O8r[k] * c - O8i[k] * v;
    const ti = O8r[k] * v + O8i[k] * c;
    const ur = E8r[k] + tr;
    const ui = E8i[k] + ti;
    const lr = E8r[k] - tr;
    const li = E8i[k] - ti;
    if (k === 0) {
      yr[o0] = ur;
      yi[o0] = ui;
    } else twMul(yr, yi, o0 + k * s, ur, ui, twRe[(k - 1) * m + p], tsg * twIm[(k - 1) * m + p]);
    twMul(yr, yi, o0 + (k + 4) * s, lr, li, twRe[(k + 3) * m + p], tsg * twIm[(k + 3) * m + p]);
  }
}

/** The radix-4 stage (the common one) with its twiddles loaded once per p. */
function runStage4(st: FFTStage, xr: Plane, xi: Plane, yr: Float64Array, yi: Float64Array, sg: number): void {
  const { s, m, twRe, twIm } = st;
  const tsg = -sg;
  const sm = s * m;
  for (let p = 0; p < m; p++) {
    const w1 = twRe[p];
    const v1 = tsg * twIm[p];
    const w2 = twRe[m + p];
    const v2 = tsg * twIm[m + p];
    const w3 = twRe[2 * m + p];
    const v3 = tsg * twIm[2 * m + p];
    const ib = s * p;
    const ob = 4 * s * p;
    for (let q = 0; q < s; q++) {
      const i0 = ib + q;
      const o0 = ob + q;
      const ar = xr[i0];
      const ai = xi[i0];
      const br = xr[i0 + sm];
      const bi = xi[i0 + sm];
      const cr = xr[i0 + 2 * sm];
      const ci = xi[i0 + 2 * sm];
      const dr = xr[i0 + 3 * sm];
      const di = xi[i0 + 3 * sm];
      const apcR = ar + cr;
      const apcI = ai + ci;
      const amcR = ar - cr;
      const amcI = ai - ci;
      const bpdR = br + dr;
      const bpdI = bi + di;
      // sg*i*(b-d): forward -i(b-d), inverse +i(b-d)
      const jR = -sg * (bi - di);
      const jI = sg * (br - dr);
      yr[o0] = apcR + bpdR;
      yi[o0] = apcI + bpdI;
      const t1r = amcR + jR;
      const t1i = amcI + jI;
      const t2r = apcR - bpdR;
      const t2i = apcI - bpdI;
      const t3r = amcR - jR;
      const t3i = amcI - jI;
      yr[o0 + s] = t1r * w1 - t1i * v1;
      yi[o0 + s] = t1r * v1 + t1i * w1;
      yr[o0 + 2 * s] = t2r * w2 - t2i * v2;
      yi[o0 + 2 * s] = t2r * v2 + t2i * w2;
      yr[o0 + 3 * s] = t3r * w3 - t3i * v3;
      yi[o0 + 3 * s] = t3r * v3 + t3i * w3;
    }
  }
}

/** One Stockham stage in float64 (see the file header); sg = -1 forward, +1 inverse. */
function runStage(st: FFTStage, xr: Plane, xi: Plane, yr: Float64Array, yi: Float64Array, sg: number): void {
  if (st.radix === 4) {
    runStage4(st, xr, xi, yr, yi, sg);
    return;
  }
  const { radix: r, s, m, twRe, twIm } = st;
  const tsg = -sg; // twiddles are stored for the forward direction; inverse conjugates them
  for (let p = 0; p < m; p++) {
    for (let q = 0; q < s; q++) {
      const i0 = q + s * p;
      const o0 = q + s * r * p;
      if (r === 2) {
        const ar = xr[i0];
        const ai = xi[i0];
        const br = xr[i0 + s * m];
        const bi = xi[i0 + s * m];
        yr[o0] = ar + br;
        yi[o0] = ai + bi;
        const w = twRe[p];
        const v = tsg * twIm[p];
        const dr = ar - br;
        const di = ai - bi;
        yr[o0 + s] = dr * w - di * v;
        yi[o0 + s] = dr * v + di * w;
      } else if (r === 8) {
        runDft8(xr, xi, yr, yi, i0, o0, s, m, p, twRe, twIm, sg, tsg);
      } else if (r === 3) {
        const sm = s * m;
        const ar = xr[i0];
        const ai = xi[i0];
        const br = xr[i0 + sm];
        const bi = xi[i0 + sm];
        const cr = xr[i0 + 2 * sm];
        const ci = xi[i0 + 2 * sm];
        const t1r = br + cr;
        const t1i = bi + ci;
        const t2r = ar - 0.5 * t1r;
        const t2i = ai - 0.5 * t1i;
        // sg*i*sin60*(b-c)
        const jR = -sg * SIN60 * (bi - ci);
        const jI = sg * SIN60 * (br - cr);
        yr[o0] = ar + t1r;
        yi[o0] = ai + t1i;
        const u1r = t2r + jR;
        const u1i = t2i + jI;
        const u2r = t2r - jR;
        const u2i = t2i - jI;
        let w = twRe[p];
        let v = tsg * twIm[p];
        yr[o0 + s] = u1r * w - u1i * v;
        yi[o0 + s] = u1r * v + u1i * w;
        w = twRe[m + p];
        v = tsg * twIm[m + p];
        yr[o0 + 2 * s] = u2r * w - u2i * v;
        yi[o0 + 2 * s] = u2r * v + u2i * w;
      } else {
        const sm = s * m;
        const ar = xr[i0];
        const ai = xi[i0];
        const br = xr[i0 + sm];
        const bi = xi[i0 + sm];
        const cr = xr[i0 + 2 * sm];
        const ci = xi[i0 + 2 * sm];
        const dr = xr[i0 + 3 * sm];
        const di = xi[i0 + 3 * sm];
        const er = xr[i0 + 4 * sm];
        const ei = xi[i0 + 4 * sm];
        const t1r = br + er;
        const t1i = bi + ei;
        const t2r = cr + dr;
        const t2i = ci + di;
        const t3r = br - er;
        const t3i = bi - ei;
        const t4r = cr - dr;
        const t4i = ci - di;
        const r1r = ar + C1 * t1r + C2 * t2r;
        const r1i = ai + C1 * t1i + C2 * t2i;
        const r2r = ar + C2 * t1r + C1 * t2r;
        const r2i = ai + C2 * t1i + C1 * t2i;
        const i1r = S1 * t3r + S2 * t4r;
        const i1i = S1 * t3i + S2 * t4i;
        const i2r = S2 * t3r - S1 * t4r;
        const i2i = S2 * t3i - S1 * t4i;
        // y1 = r1 + sg*i*i1, y4 = r1 - sg*i*i1, y2 = r2 + sg*i*i2, y3 = r2 - sg*i*i2
        const j1r = -sg * i1i;
        const j1i = sg * i1r;
        const j2r = -sg * i2i;
        const j2i = sg * i2r;
        yr[o0] = ar + t1r + t2r;
        yi[o0] = ai + t1i + t2i;
        twMul(yr, yi, o0 + s, r1r + j1r, r1i + j1i, twRe[p], tsg * twIm[p]);
        twMul(yr, yi, o0 + 2 * s, r2r + j2r, r2i + j2i, twRe[m + p], tsg * twIm[m + p]);
        twMul(yr, yi, o0 + 3 * s, r2r - j2r, r2i - j2i, twRe[2 * m + p], tsg * twIm[2 * m + p]);
        twMul(yr, yi, o0 + 4 * s, r1r - j1r, r1i - j1i, twRe[3 * m + p], tsg * twIm[3 * m + p]);
      }
    }
  }
}

/**
 * Unnormalised complex FFT of one row in float64: out = sum_j x[j] exp(-+2 pi i jk/n)
 * (inverse = +, no 1/n). Shapes: x, out (n). `out` may alias `x`.
 */
export function runComplex(
  plan: ComplexFFTPlan,
  xRe: Plane,
  xIm: Plane,
  outRe: Float64Array,
  outIm: Float64Array,
  inverse: boolean,
  work: ComplexWork,
): void {
  const n = plan.n;
  const sg = inverse ? 1 : -1;
  const bs = plan.bluestein;
  if (bs) {
    const { M, chirpRe, chirpIm } = bs;
    const aRe = work.cRe;
    const aIm = work.cIm;
    for (let k = 0; k < n; k++) {
      // forward: the chirp; inverse: its conjugate
      const w = chirpRe[k];
      const vv = inverse ? -chirpIm[k] : chirpIm[k];
      aRe[k] = xRe[k] * w - xIm[k] * vv;
      aIm[k] = xRe[k] * vv + xIm[k] * w;
    }
    aRe.fill(0, n, M);
    aIm.fill(0, n, M);
    runStockham(bs.inner, aRe, aIm, aRe, aIm, -1, work);
    const sRe = inverse ? bs.specInvRe : bs.specFwdRe;
    const sIm = inverse ? bs.specInvIm : bs.specFwdIm;
    for (let k = 0; k < M; k++) {
      const ar = aRe[k];
      const ai = aIm[k];
      aRe[k] = ar * sRe[k] - ai * sIm[k];
      aIm[k] = ar * sIm[k] + ai * sRe[k];
    }
    runStockham(bs.inner, aRe, aIm, aRe, aIm, 1, work);
    for (let k = 0; k < n; k++) {
      const w = chirpRe[k];
      const vv = inverse ? -chirpIm[k] : chirpIm[k];
      const ar = aRe[k];
      const ai = aIm[k];
      outRe[k] = ar * w - ai * vv;
      outIm[k] = ar * vv + ai * w;
    }
    return;
  }
  runStockham(plan, xRe, xIm, outRe, outIm, sg, work);
}

/** The stage chain x -> ... -> out through work.a / work.b (handles x === out). */
function runStockham(
  plan: ComplexFFTPlan,
  xRe: Plane,
  xIm: Plane,
  outRe: Float64Array,
  outIm: Float64Array,
  sg: number,
  work: ComplexWork,
): void {
  const st = plan.stages;
  const S = st.length;
  if (S === 0) {
    outRe[0] = xRe[0];
    outIm[0] = xIm[0];
    return;
  }
  let srcRe: Plane = xRe;
  let srcIm: Plane = xIm;
  for (let i = 0; i < S; i++) {
    // Destinations counted back from the end: out, a, b, a, b, ... so out is written last and
    // never read in the same stage (even when x and out are the same array).
    const back = S - 1 - i;
    const dstRe = back === 0 ? outRe : back % 2 === 1 ? work.aRe : work.bRe;
    const dstIm = back === 0 ? outIm : back % 2 === 1 ? work.aIm : work.bIm;
    runStage(st[i], srcRe, srcIm, dstRe, dstIm, sg);
    srcRe = dstRe;
    srcIm = dstIm;
  }
}
