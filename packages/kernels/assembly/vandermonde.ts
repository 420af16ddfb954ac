// Vandermonde products on split planes (f32 data, f64 powers).
//
//   vandermonde:          out[h,l] = 2 Re sum_n C[h,n] z[h,n]^l,   z = exp(logz), l = 0..L-1
//                         (official log_vandermonde_naive: the factor 2 + Re adds each mode's conjugate)
//   vandermondeTranspose: out[h,n] = C[h,n] sum_l u[h,l] z[h,n]^l  (complex, no factor 2)
//
// Forward, as a matrix product: write l = BLK a + b (b < BLK). Then
//   K[BLK a + b] = sum_n 2 Re(C z^(BLK a)) Re(z^b) - 2 Im(C z^(BLK a)) Im(z^b) = (P Q)[a, b]
// with P (M x 2N) = [2 Re(C z^(BLK a)) | -2 Im(C z^(BLK a))] and Q (2N x BLK) = [Re z^b ; Im z^b],
// and the (M x BLK) row-major result is the channel's K row itself. Both tables come from f64
// products (z^b by repeated multiplication, z^(BLK a) by stepping with z^BLK: at most
// L/BLK + BLK roundings of 1e-16), rounded once to f32, so the only f32 error is the 2N-term
// dot product (~1e-7 relative to sum |terms|, independent of L). The product runs on the
// register-blocked SIMD matmul of linear.ts: 2 multiply-adds per (mode, l) instead of a complex
// multiply per step, about twice the speed of f32 power chains (measured H=256, N=32, L=4096).
// Table entries below 1e-19 (relative to the mode's anchor for Q, to max |2C| for P) are
// flushed to zero: they are far below f32 resolution of the result and would otherwise reach
// the slow subnormal range. Once every mode of a channel is flushed, the remaining rows of P and
// of K are zero: they are filled, not multiplied (S4D-Lin modes, dt log-uniform in [1e-3, 1e-1]:
// 0.86x the time at L = 4096, 0.58x at 16384, bit-identical).
//
// Transpose: eight consecutive l per iteration in two f32x4 chains, each lane carrying its own
// power and stepping by z^8 in f32; every 256 steps (2048 l) the chains are re-anchored from
// z^l computed in float64 (z = exp(logz) with Math.exp/cos/sin once per mode, then repeated f64
// products), so f32 rounding never accumulates over more than 256 multiplications (~1e-6
// relative, independent of L). A mode stops once its remaining terms are far below f32 resolution
// of the terms already summed, judged with the row's |u| (see liveFor). An absolute cut at
// |z|^l < 1e-30 ignored the size of u: u = 3e38 at l = 7000 with |z|^7000 = 4e-31 then dropped
// the dominant terms (found by fuzzing).
// Shapes: C (H,N) complex f32, logz (H,N) complex **f64** (a phase error of one f32 ulp in logz
// grows to l*ulp: 1e-3 at l = 16384 for |Im logz| ~ 10, so logz stays f64), u (H,L) f32;
// out (H,L) real / (H,N) complex f32.
import { linearScratchFloats, matmulBias } from "./linear";

const SPAN: i32 = 2048; // l per anchor = 256 steps of 8
/** Blocks of a transpose row in UMAX. */
const UBLOCKS: i32 = 64;
/**
 * A transpose row's |u| by blocks of width ceil(L / UBLOCKS): f64 UMAX[b] = max |u| over blocks
 * b.. (suffix maxima), then UMAX[UBLOCKS] = max |u| over block 0 alone.
 */
const UMAX = memory.data(8 * (UBLOCKS + 1), 16);
// Static scratch (data segment, not an allocation): f64 powers z^0..z^7 at BASE + 16j (re, im),
// z^8 at BASE + 128, z^SPAN at BASE + 144; f32 anchor lanes: re[0..7] at LANES, im[0..7] at LANES + 32.
const BASE = memory.data(160, 16);
const LANES = memory.data(64, 16);

/** Fill BASE with z^0..z^8 and z^SPAN in f64 (products of z; ~10 roundings at most). */
function setBase(zr: f64, zi: f64): void {
  setBaseAt(BASE, zr, zi);
}

/** setBase into the block at `base`. */
function setBaseAt(base: usize, zr: f64, zi: f64): void {
  let pr: f64 = 1, pi: f64 = 0;
  for (let j = 0; j <= 8; j++) {
    store<f64>(base + 16 * j, pr);
    store<f64>(base + 16 * j + 8, pi);
    const t = pr * zr - pi * zi;
    pi = pr * zi + pi * zr;
    pr = t;
  }
  // (z^8)^(2^8) = z^2048 by squaring
  let sr = load<f64>(base + 128), si = load<f64>(base + 136);
  for (let k = 0; k < 8; k++) {
    const t = sr * sr - si * si;
    si = 2 * sr * si;
    sr = t;
  }
  store<f64>(base + 144, sr);
  store<f64>(base + 152, si);
}

/** LANES = anchor * z^j, j = 0..7, each rounded once to f32. */
@inline
function anchorLanes(ar: f64, ai: f64): void {
  for (let j = 0; j < 8; j++) {
    const br = load<f64>(BASE + 16 * j), bi = load<f64>(BASE + 16 * j + 8);
    store<f32>(LANES + 4 * j, <f32>(ar * br - ai * bi));
    store<f32>(LANES + 32 + 4 * j, <f32>(ar * bi + ai * br));
  }
}

const BLK = 64; // l per row of the power table P
const FLUSH: f64 = 1e-19;

/** Floats of scratch `vandermonde` needs for N modes and length L: P, Q, matmul panels, a tail row, 4N f64. */
export function vandermondeScratchFloats(N: i32, L: i32): i32 {
  const M = (L + BLK - 1) / BLK;
  return M * 2 * N + 2 * N * BLK + linearScratchFloats(2 * N) + BLK + 8 * N;
}

/** (ar + i ai)(br + i bi) on f64x2 lanes: real part. */
@inline function cmulRe(ar: v128, ai: v128, br: v128, bi: v128): v128 {
  return f64x2.sub(f64x2.mul(ar, br), f64x2.mul(ai, bi));
}
/** (ar + i ai)(br + i bi) on f64x2 lanes: imaginary part. */
@inline function cmulIm(ar: v128, ai: v128, br: v128, bi: v128): v128 {
  return f64x2.add(f64x2.mul(ar, bi), f64x2.mul(ai, br));
}

/**
 * The tables are built mode-pair by mode-pair inside each power step (f64x2 over two modes):
 * each mode's powers are a serial chain of complex products, so walking one mode's chain to the
 * end is latency bound (it took as long as the matrix product); interleaving the N chains is not.
 */
export function vandermonde(
  cRe: usize, cIm: usize, logzRe: usize, logzIm: usize, out: usize, H: i32, N: i32, L: i32, scratch: usize,
): void {
  const M = (L + BLK - 1) / BLK;
  const K2 = 2 * N;
  const P = scratch;
  const Q = P + ((<usize>(M * K2)) << 2);
  const panels = Q + ((<usize>(K2 * BLK)) << 2);
  const tail = panels + ((<usize>linearScratchFloats(K2)) << 2);
  // f64 planes (N each): z (then w = 2 C z^(BLK a)) and the running power p (z^b, then z^BLK)
  const zr = tail + ((<usize>BLK) << 2);
  const zi = zr + ((<usize>N) << 3);
  const pr = zi + ((<usize>N) << 3);
  const pi = pr + ((<usize>N) << 3);
  const ldp = (<usize>K2) << 2;
  const ldq = (<usize>BLK) << 2;
  const qIm = (<usize>N) * ldq; // Q row N + n is Im of row n
  const pIm = (<usize>N) << 2; // P column N + n is -Im of column n
  const N2 = N & ~1;
  const flush2 = f64x2.splat(FLUSH * FLUSH);
  const zero = f64x2.splat(0);
  const full = L / BLK; // rows of K that are whole BLK-runs
  for (let h = 0; h < H; h++) {
    let cMax: f64 = 0;
    for (let n = 0; n < N; n++) {
      const pn = (<usize>(h * N + n)) << 2;
      const mag = Math.exp(load<f64>(logzRe + (pn << 1)));
      const th = load<f64>(logzIm + (pn << 1));
      const o = (<usize>n) << 3;
      store<f64>(zr + o, mag * Math.cos(th));
      store<f64>(zi + o, mag * Math.sin(th));
      store<f64>(pr + o, 1);
      store<f64>(pi + o, 0);
      const cr = <f64>load<f32>(cRe + pn), ci = <f64>load<f32>(cIm + pn);
      const m = Math.sqrt(cr * cr + ci * ci);
      if (m > cMax) cMax = m;
    }
    // Q[n, b] = Re z^b, Q[N + n, b] = Im z^b (0 once |z^b| < FLUSH); p ends at z^BLK
    for (let b = 0; b < BLK; b++) {
      const qb = Q + ((<usize>b) << 2);
      let n = 0;
      for (; n < N2; n += 2) {
        const o = (<usize>n) << 3;
        const ar = v128.load(pr + o), ai = v128.load(pi + o);
        const keep = f64x2.ge(f64x2.add(f64x2.mul(ar, ar), f64x2.mul(ai, ai)), flush2);
        const fr = f32x4.demote_f64x2_zero(v128.and(ar, keep)), fi = f32x4.demote_f64x2_zero(v128.and(ai, keep));
        const q = qb + <usize>n * ldq;
        v128.store32_lane(q, fr, 0);
        v128.store32_lane(q + ldq, fr, 1);
        v128.store32_lane(q + qIm, fi, 0);
        v128.store32_lane(q + qIm + ldq, fi, 1);
        const br = v128.load(zr + o), bi = v128.load(zi + o);
        v128.store(pr + o, cmulRe(ar, ai, br, bi));
        v128.store(pi + o, cmulIm(ar, ai, br, bi));
      }
      for (; n < N; n++) {
        const o = (<usize>n) << 3;
        const ar = load<f64>(pr + o), ai = load<f64>(pi + o);
        const small = ar * ar + ai * ai < FLUSH * FLUSH;
        const q = qb + <usize>n * ldq;
        store<f32>(q, small ? 0 : <f32>ar);
        store<f32>(q + qIm, small ? 0 : <f32>ai);
        const br = load<f64>(zr + o), bi = load<f64>(zi + o);
        store<f64>(pr + o, ar * br - ai * bi);
        store<f64>(pi + o, ar * bi + ai * br);
      }
    }
    // P[a, n] = 2 Re w, P[a, N + n] = -2 Im w, w = C z^(BLK a) (0 once |w| < 2 max|C| FLUSH)
    for (let n = 0; n < N; n++) {
      const pn = (<usize>(h * N + n)) << 2;
      const o = (<usize>n) << 3;
      store<f64>(zr + o, 2 * <f64>load<f32>(cRe + pn));
      store<f64>(zi + o, 2 * <f64>load<f32>(cIm + pn));
    }
    const pFlush = 2 * cMax * FLUSH;
    const pFlushV = f64x2.splat(pFlush);
    let row = P;
    // rows of P that can be nonzero: a flushed w stays 0 (its next power is 0 times z^BLK), so
    // from the first row with every w flushed on, P and the rows of K it makes are all 0, and
    // neither is computed (a mode decayed below 1e-19 of max |2C|; bit-identical results)
    let live = M;
    for (let a = 0; a < M; a++) {
      let kept = v128.splat<i64>(0);
      let keptScalar = false;
      let n = 0;
      for (; n < N2; n += 2) {
        const o = (<usize>n) << 3;
        const keep = v128.not(f64x2.lt(f64x2.add(f64x2.abs(v128.load(zr + o)), f64x2.abs(v128.load(zi + o))), pFlushV));
        kept = v128.or(kept, keep);
        const wr = v128.and(v128.load(zr + o), keep), wi = v128.and(v128.load(zi + o), keep);
        const at = row + ((<usize>n) << 2);
        v128.store64_lane(at, f32x4.demote_f64x2_zero(wr), 0);
        v128.store64_lane(at + pIm, f32x4.demote_f64x2_zero(f64x2.sub(zero, wi)), 0);
        const br = v128.load(pr + o), bi = v128.load(pi + o);
        v128.store(zr + o, cmulRe(wr, wi, br, bi));
        v128.store(zi + o, cmulIm(wr, wi, br, bi));
      }
      for (; n < N; n++) {
        const o = (<usize>n) << 3;
        let wr = load<f64>(zr + o), wi = load<f64>(zi + o);
        if (Math.abs(wr) + Math.abs(wi) < pFlush) {
          wr = 0;
          wi = 0;
        } else keptScalar = true;
        const at = row + ((<usize>n) << 2);
        store<f32>(at, <f32>wr);
        store<f32>(at + pIm, <f32>-wi);
        const br = load<f64>(pr + o), bi = load<f64>(pi + o);
        store<f64>(zr + o, wr * br - wi * bi);
        store<f64>(zi + o, wr * bi + wi * br);
      }
      row += ldp;
      if (!keptScalar && !v128.any_true(kept)) {
        live = a;
        break;
      }
    }
    const kRow = out + ((<usize>(h * L)) << 2);
    const rows = min(full, live);
    if (rows > 0) matmulBias(P, Q, 0, kRow, rows, K2, BLK, 0, panels);
    if (live <= full) memory.fill(kRow + ((<usize>(rows * BLK)) << 2), 0, (<usize>(L - rows * BLK)) << 2);
    else if (full < M) {
      matmulBias(P + <usize>full * ldp, Q, 0, tail, 1, K2, BLK, 0, panels);
      memory.copy(kRow + ((<usize>(full * BLK)) << 2), tail, (<usize>(L - full * BLK)) << 2);
    }
  }
}

/** Fill UMAX for a row of L values (blocks of `width`). */
function rowMaxima(row: usize, L: i32, width: i32): void {
  let m: f64 = 0;
  for (let b = UBLOCKS - 1; b >= 0; b--) {
    const l0 = b * width;
    const l1 = min(L, l0 + width);
    let v = f32x4.splat(0);
    let l = l0;
    for (; l + 4 <= l1; l += 4) v = f32x4.pmax(v, f32x4.abs(v128.load(row + ((<usize>l) << 2))));
    let t: f64 = <f64>max(max(f32x4.extract_lane(v, 0), f32x4.extract_lane(v, 1)), max(f32x4.extract_lane(v, 2), f32x4.extract_lane(v, 3)));
    for (; l < l1; l++) t = max(t, <f64>Mathf.abs(load<f32>(row + ((<usize>l) << 2))));
    if (t > m) m = t;
    store<f64>(UMAX + ((<usize>b) << 3), m);
    if (b == 0) store<f64>(UMAX + ((<usize>UBLOCKS) << 3), t);
  }
}

/**
 * l worth computing for a transpose mode with |z| = mag (a block start, or L), given UMAX of its
 * row: the first block start l = b width with
 *   |z|^l max|u[l..]| / (1 - |z|) <= 2^-40 T,   T = max|u in block 0| |z|^width,
 * a bound on every later term's sum against a lower bound on the largest term already taken
 * (so the rest is far below f32 resolution of the sum's terms, cancellation or not). The left
 * side only falls with l: a mode that fails it at the last block runs to L without a scan.
 */
function liveFor(mag: f64, L: i32, width: i32): i32 {
  if (!(mag < 1)) return L;
  if (mag <= 0) return min(L, width);
  const k = 9.094947017729282e-13 * load<f64>(UMAX + ((<usize>UBLOCKS) << 3)) * Math.pow(mag, <f64>width) * (1 - mag);
  const last = UBLOCKS - 1;
  if (Math.pow(mag, <f64>(last * width)) * load<f64>(UMAX + ((<usize>last) << 3)) > k) return L;
  const step = Math.pow(mag, <f64>width);
  let m = step;
  for (let b = 1; b <= last; b++) {
    if (m * load<f64>(UMAX + ((<usize>b) << 3)) <= k) return min(L, b * width);
    m *= step;
  }
  return L;
}

export function vandermondeTranspose(
  uPtr: usize, cRe: usize, cIm: usize, logzRe: usize, logzIm: usize, outRe: usize, outIm: usize,
  H: i32, N: i32, L: i32,
): void {
  const width = (L + UBLOCKS - 1) / UBLOCKS;
  for (let h = 0; h < H; h++) {
    const row = uPtr + ((<usize>(h * L)) << 2);
    rowMaxima(row, L, width);
    for (let n = 0; n < N; n++) {
      const pn = (<usize>(h * N + n)) << 2;
      const lr = load<f64>(logzRe + (pn << 1)), li = load<f64>(logzIm + (pn << 1));
      const mag = Math.exp(lr);
      const zr = mag * Math.cos(li), zi = mag * Math.sin(li);
      const live = liveFor(mag, L, width);
      setBase(zr, zi);
      const stepR = f32x4.splat(<f32>load<f64>(BASE + 128)), stepI = f32x4.splat(<f32>load<f64>(BASE + 136));
      let ar: f64 = 1, ai: f64 = 0;
      // partial sums per anchor span are folded into f64 totals, so long rows keep precision
      let totR: f64 = 0, totI: f64 = 0;
      for (let l0 = 0; l0 < live; l0 += SPAN) {
        anchorLanes(ar, ai);
        let p0r = v128.load(LANES), p1r = v128.load(LANES + 16);
        let p0i = v128.load(LANES + 32), p1i = v128.load(LANES + 48);
        let s0r = f32x4.splat(0), s0i = f32x4.splat(0), s1r = f32x4.splat(0), s1i = f32x4.splat(0);
        const end = l0 + SPAN < live ? l0 + SPAN : live;
        let l = l0;
        for (; l + 8 <= end; l += 8) {
          const o = row + ((<usize>l) << 2);
          const u0 = v128.load(o), u1 = v128.load(o + 16);
          s0r = f32x4.add(s0r, f32x4.mul(u0, p0r));
          s0i = f32x4.add(s0i, f32x4.mul(u0, p0i));
          s1r = f32x4.add(s1r, f32x4.mul(u1, p1r));
          s1i = f32x4.add(s1i, f32x4.mul(u1, p1i));
          const t0 = f32x4.sub(f32x4.mul(p0r, stepR), f32x4.mul(p0i, stepI));
          p0i = f32x4.add(f32x4.mul(p0r, stepI), f32x4.mul(p0i, stepR));
          p0r = t0;
          const t1 = f32x4.sub(f32x4.mul(p1r, stepR), f32x4.mul(p1i, stepI));
          p1i = f32x4.add(f32x4.mul(p1r, stepI), f32x4.mul(p1i, stepR));
          p1r = t1;
        }
        const rest = end - l;
        if (rest > 0) {
          // zero the lanes past the end, then add as a full group
          v128.store(LANES, p0r); v128.store(LANES + 16, p1r);
          v128.store(LANES + 32, p0i); v128.store(LANES + 48, p1i);
          const o = row + ((<usize>l) << 2);
          for (let j = 0; j < rest; j++) {
            const u = <f64>load<f32>(o + 4 * j);
            totR += u * <f64>load<f32>(LANES + 4 * j);
            totI += u * <f64>load<f32>(LANES + 32 + 4 * j);
          }
        }
        const sr = f32x4.add(s0r, s1r), si = f32x4.add(s0i, s1i);
        totR += <f64>f32x4.extract_lane(sr, 0) + <f64>f32x4.extract_lane(sr, 1) + <f64>f32x4.extract_lane(sr, 2) + <f64>f32x4.extract_lane(sr, 3);
        totI += <f64>f32x4.extract_lane(si, 0) + <f64>f32x4.extract_lane(si, 1) + <f64>f32x4.extract_lane(si, 2) + <f64>f32x4.extract_lane(si, 3);
        const sar = load<f64>(BASE + 144), sai = load<f64>(BASE + 152);
        const t = ar * sar - ai * sai;
        ai = ar * sai + ai * sar;
        ar = t;
      }
      const cr = <f64>load<f32>(cRe + pn), ci = <f64>load<f32>(cIm + pn);
      store<f32>(outRe + pn, <f32>(cr * totR - ci * totI));
      store<f32>(outIm + pn, <f32>(cr * totI + ci * totR));
    }
  }
}
