// Real FFT with numpy semantics on f32, batched over rows.
//   rfft:  X = first n//2+1 bins of fft(x zero-padded / truncated to n), unnormalised
//   irfft: x (n) with rfft(x) = X, 1/n, ignoring Im X[0] and (n even) Im X[n/2]
// Even n: a complex FFT of N = n/2 on z[j] = x[2j] + i x[2j+1] (deinterleaved with shuffles),
// then a SIMD post-processing pass X[k] = E[k] + W^k O[k], X[N-k] = conj(E[k] - W^k O[k]),
// E = (Z[k] + conj Z[N-k])/2, O = (Z[k] - conj Z[N-k])/(2i), W = exp(-2 pi i/n); the inverse runs
// the same steps backwards. Odd n: a complex FFT of n with a zero imaginary plane.
//
// Descriptor (i32 words, pointers are byte offsets):
//   [0] n  [1] complex core descriptor (N = n/2 for even n, n for odd)
//   [2..3] W^k re/im, k = 0..N/2 (+3 padding)  [4..5] z re/im (N)  [6..7] Z re/im (N)
//   [8..9] G[k] = -i W^k / 2 re/im (the post-processing table)
import { transformRow } from "./fft";
import { realInOk, realOutOk, stockhamRealIn, stockhamRealOut } from "./fft-real-io";

@inline function rev(v: v128): v128 {
  return v128.shuffle<f32>(v, v, 3, 2, 1, 0);
}

/** z[j] = x[2j] + i x[2j+1], reading only the first `use` samples of x (zeros after). */
export function packReal(x: usize, use: i32, zr: usize, zi: usize, N: i32): void {
  let j = 0;
  for (; j + 4 <= N && 2 * j + 8 <= use; j += 4) {
    const a = v128.load(x + ((<usize>j) << 3));
    const b = v128.load(x + ((<usize>j) << 3), 16);
    v128.store(zr + ((<usize>j) << 2), v128.shuffle<f32>(a, b, 0, 2, 4, 6));
    v128.store(zi + ((<usize>j) << 2), v128.shuffle<f32>(a, b, 1, 3, 5, 7));
  }
  for (; j < N && 2 * j < use; j++) {
    store<f32>(zr + ((<usize>j) << 2), load<f32>(x + ((<usize>j) << 3)));
    store<f32>(zi + ((<usize>j) << 2), 2 * j + 1 < use ? load<f32>(x + ((<usize>j) << 3), 4) : 0);
  }
  if (j < N) {
    memory.fill(zr + ((<usize>j) << 2), 0, (<usize>(N - j)) << 2);
    memory.fill(zi + ((<usize>j) << 2), 0, (<usize>(N - j)) << 2);
  }
}

/** out[2j] = zr[j], out[2j+1] = zi[j] for the first `count` outputs. */
export function unpackReal(zr: usize, zi: usize, out: usize, count: i32): void {
  let j = 0;
  for (; 2 * j + 8 <= count; j += 4) {
    const a = v128.load(zr + ((<usize>j) << 2));
    const b = v128.load(zi + ((<usize>j) << 2));
    v128.store(out + ((<usize>j) << 3), v128.shuffle<f32>(a, b, 0, 4, 1, 5));
    v128.store(out + ((<usize>j) << 3), v128.shuffle<f32>(a, b, 2, 6, 3, 7), 16);
  }
  for (; 2 * j < count; j++) {
    store<f32>(out + ((<usize>j) << 3), load<f32>(zr + ((<usize>j) << 2)));
    if (2 * j + 1 < count) store<f32>(out + ((<usize>j) << 3), load<f32>(zi + ((<usize>j) << 2)), 4);
  }
}

/** Four pairs (k..k+3, N-k-3..N-k) of the post-processing pass; o, ob: their byte offsets. */
@inline function postBlock(Zr: usize, Zi: usize, Xr: usize, Xi: usize, gr: usize, gi: usize, o: usize, ob: usize, h: v128): void {
  const ar = v128.load(Zr + o), ai = v128.load(Zi + o);
  // b = conj Z[N-k] = (br, -ci)
  const br = rev(v128.load(Zr + ob)), ci = rev(v128.load(Zi + ob));
  const sr = f32x4.add(ar, br), si = f32x4.sub(ai, ci);
  const dr = f32x4.sub(ar, br), di = f32x4.add(ai, ci);
  const wr = v128.load(gr + o), wi = v128.load(gi + o);
  const tr = f32x4.sub(f32x4.mul(dr, wr), f32x4.mul(di, wi));
  const ti = f32x4.add(f32x4.mul(dr, wi), f32x4.mul(di, wr));
  const hr = f32x4.mul(h, sr), hi = f32x4.mul(h, si);
  v128.store(Xr + o, f32x4.add(hr, tr));
  v128.store(Xi + o, f32x4.add(hi, ti));
  v128.store(Xr + ob, rev(f32x4.sub(hr, tr)));
  v128.store(Xi + ob, rev(f32x4.sub(ti, hi)));
}

/**
 * Z (N) -> X (N+1): the split post-processing pass of the real FFT (see the header), written as
 * X[k] = S/2 + G D, X[N-k] = conj(S/2 - G D) with S = Z[k] + conj Z[N-k], D = Z[k] - conj Z[N-k]
 * and the table G[k] = -i W^k / 2 (gr, gi), which saves the halvings of E and O.
 */
export function postProcess(Zr: usize, Zi: usize, Xr: usize, Xi: usize, gr: usize, gi: usize, N: i32): void {
  const z0r = load<f32>(Zr), z0i = load<f32>(Zi);
  const NB = (<usize>N) << 2;
  store<f32>(Xr, z0r + z0i);
  store<f32>(Xi, 0);
  store<f32>(Xr + NB, z0r - z0i);
  store<f32>(Xi + NB, 0);
  const half = N >> 1;
  const h = f32x4.splat(0.5);
  let k = 1;
  // two blocks of four pairs per iteration (more independent work per loop trip)
  for (; k + 7 <= half; k += 8) {
    postBlock(Zr, Zi, Xr, Xi, gr, gi, (<usize>k) << 2, (<usize>(N - k - 3)) << 2, h);
    postBlock(Zr, Zi, Xr, Xi, gr, gi, (<usize>(k + 4)) << 2, (<usize>(N - k - 7)) << 2, h);
  }
  for (; k + 3 <= half; k += 4) postBlock(Zr, Zi, Xr, Xi, gr, gi, (<usize>k) << 2, (<usize>(N - k - 3)) << 2, h);
  if (k <= half && half >= 4) {
    // the last 1..3 pairs as one block ending at k = half: it recomputes up to 3 pairs already
    // written, with the same values (X and Z are distinct buffers), instead of a scalar tail
    k = half - 3;
    postBlock(Zr, Zi, Xr, Xi, gr, gi, (<usize>k) << 2, (<usize>(N - k - 3)) << 2, h);
    return;
  }
  for (; k <= half; k++) {
    const o = (<usize>k) << 2;
    const ob = (<usize>(N - k)) << 2;
    const ar = load<f32>(Zr + o), ai = load<f32>(Zi + o);
    const br = load<f32>(Zr + ob), ci = load<f32>(Zi + ob);
    const sr = ar + br, si = ai - ci, dr = ar - br, di = ai + ci;
    const wr = load<f32>(gr + o), wi = load<f32>(gi + o);
    const tr = dr * wr - di * wi, ti = dr * wi + di * wr;
    const hr: f32 = 0.5 * sr, hi: f32 = 0.5 * si;
    store<f32>(Xr + o, hr + tr);
    store<f32>(Xi + o, hi + ti);
    store<f32>(Xr + ob, hr - tr);
    store<f32>(Xi + ob, ti - hi);
  }
}

/** Four pairs (k..k+3, N-k-3..N-k) of the pre-processing pass; o, ob: their byte offsets. */
@inline function preBlock(Xr: usize, Xi: usize, Zr: usize, Zi: usize, twr: usize, twi: usize, o: usize, ob: usize, cv: v128): void {
  const ar = v128.load(Xr + o), ai = v128.load(Xi + o);
  const br = rev(v128.load(Xr + ob)), bi = f32x4.neg(rev(v128.load(Xi + ob)));
  const er = f32x4.add(ar, br), ei = f32x4.add(ai, bi);
  const dr = f32x4.sub(ar, br), di = f32x4.sub(ai, bi);
  const w = v128.load(twr + o), v = f32x4.neg(v128.load(twi + o));
  const or = f32x4.sub(f32x4.mul(dr, w), f32x4.mul(di, v));
  const oi = f32x4.add(f32x4.mul(dr, v), f32x4.mul(di, w));
  v128.store(Zr + o, f32x4.mul(cv, f32x4.sub(er, oi)));
  v128.store(Zi + o, f32x4.mul(cv, f32x4.add(ei, or)));
  v128.store(Zr + ob, rev(f32x4.mul(cv, f32x4.add(er, oi))));
  v128.store(Zi + ob, rev(f32x4.mul(cv, f32x4.sub(or, ei))));
}

/**
 * X (N+1) -> Z (N), times c: Z[k] = c (E + iO), E = X[k] + conj X[N-k],
 * O = (X[k] - conj X[N-k]) conj(W^k). With c = 1/n an unnormalised inverse FFT of Z gives
 * the even and odd samples. Ignores Im X[0] and Im X[N].
 */
export function preProcess(Xr: usize, Xi: usize, Zr: usize, Zi: usize, twr: usize, twi: usize, N: i32, c: f32): void {
  const NB = (<usize>N) << 2;
  const x0 = load<f32>(Xr), xN = load<f32>(Xr + NB);
  store<f32>(Zr, c * (x0 + xN));
  store<f32>(Zi, c * (x0 - xN));
  const half = N >> 1;
  const cv = f32x4.splat(c);
  let k = 1;
  for (; k + 3 <= half; k += 4) preBlock(Xr, Xi, Zr, Zi, twr, twi, (<usize>k) << 2, (<usize>(N - k - 3)) << 2, cv);
  if (k <= half && half >= 4) {
    // the last 1..3 pairs as one block ending at k = half (see postProcess)
    k = half - 3;
    preBlock(Xr, Xi, Zr, Zi, twr, twi, (<usize>k) << 2, (<usize>(N - k - 3)) << 2, cv);
    return;
  }
  for (; k <= half; k++) {
    const o = (<usize>k) << 2;
    const ob = (<usize>(N - k)) << 2;
    const ar = load<f32>(Xr + o), ai = load<f32>(Xi + o);
    const br = load<f32>(Xr + ob), bi = -load<f32>(Xi + ob);
    const er = ar + br, ei = ai + bi, dr = ar - br, di = ai - bi;
    const w = load<f32>(twr + o), v = -load<f32>(twi + o);
    const or = dr * w - di * v, oi = dr * v + di * w;
    store<f32>(Zr + o, c * (er - oi));
    store<f32>(Zi + o, c * (ei + or));
    store<f32>(Zr + ob, c * (er + oi));
    store<f32>(Zi + ob, c * (or - ei));
  }
}

/**
 * Real forward FFT of `batch` rows. Shapes: x (batch, inLen), each row zero-padded or truncated
 * to n; out (batch, n//2+1) complex planes.
 */
export function rfftRows(rdesc: usize, x: usize, inLen: i32, outRe: usize, outIm: usize, batch: i32): void {
  const n = load<i32>(rdesc);
  const core = <usize>load<i32>(rdesc, 4);
  const twr = <usize>load<i32>(rdesc, 8), twi = <usize>load<i32>(rdesc, 12);
  const zr = <usize>load<i32>(rdesc, 16), zi = <usize>load<i32>(rdesc, 20);
  const Zr = <usize>load<i32>(rdesc, 24), Zi = <usize>load<i32>(rdesc, 28);
  const nb = (n >> 1) + 1;
  const use = inLen < n ? inLen : n;
  for (let r = 0; r < batch; r++) {
    const xo = x + (<usize>r) * ((<usize>inLen) << 2);
    const oo = (<usize>r) * ((<usize>nb) << 2);
    if (n & 1) {
      memory.copy(zr, xo, (<usize>use) << 2);
      if (use < n) memory.fill(zr + ((<usize>use) << 2), 0, (<usize>(n - use)) << 2);
      memory.fill(zi, 0, (<usize>n) << 2);
      transformRow(core, zr, zi, Zr, Zi, false);
      memory.copy(outRe + oo, Zr, (<usize>nb) << 2);
      memory.copy(outIm + oo, Zi, (<usize>nb) << 2);
    } else {
      const N = n >> 1;
      if (use == n && realInOk(core)) stockhamRealIn(core, xo, false, Zr, Zi);
      else {
        packReal(xo, use, zr, zi, N);
        transformRow(core, zr, zi, Zr, Zi, false);
      }
      postProcess(Zr, Zi, outRe + oo, outIm + oo, <usize>load<i32>(rdesc, 32), <usize>load<i32>(rdesc, 36), N);
    }
  }
}

/** Real inverse FFT (1/n) of `batch` rows. Shapes: X (batch, n//2+1) complex -> out (batch, n). */
export function irfftRows(rdesc: usize, XRe: usize, XIm: usize, out: usize, batch: i32): void {
  const n = load<i32>(rdesc);
  const core = <usize>load<i32>(rdesc, 4);
  const twr = <usize>load<i32>(rdesc, 8), twi = <usize>load<i32>(rdesc, 12);
  const zr = <usize>load<i32>(rdesc, 16), zi = <usize>load<i32>(rdesc, 20);
  const Zr = <usize>load<i32>(rdesc, 24), Zi = <usize>load<i32>(rdesc, 28);
  const nb = (n >> 1) + 1;
  const c: f32 = <f32>(1.0 / <f64>n);
  for (let r = 0; r < batch; r++) {
    const io = (<usize>r) * ((<usize>nb) << 2);
    const oo = out + (<usize>r) * ((<usize>n) << 2);
    if (n & 1) {
      // Hermitian extension times 1/n: Z[k] = X[k] / n, Z[n-k] = conj X[k] / n; Im Z[0] ignored.
      // (Scaled before the sums, like the even path's preProcess: after them, spectra near 1e37
      // overflowed although their transform fits.)
      store<f32>(Zr, c * load<f32>(XRe + io));
      store<f32>(Zi, 0);
      for (let k = 1; k < nb; k++) {
        const a = c * load<f32>(XRe + io + ((<usize>k) << 2)), b = c * load<f32>(XIm + io + ((<usize>k) << 2));
        store<f32>(Zr + ((<usize>k) << 2), a);
        store<f32>(Zi + ((<usize>k) << 2), b);
        store<f32>(Zr + ((<usize>(n - k)) << 2), a);
        store<f32>(Zi + ((<usize>(n - k)) << 2), -b);
      }
      transformRow(core, Zr, Zi, zr, zi, true);
      memory.copy(oo, zr, (<usize>n) << 2);
    } else {
      const N = n >> 1;
      preProcess(XRe + io, XIm + io, Zr, Zi, twr, twi, N, c);
      if (realOutOk(core)) stockhamRealOut(core, Zr, Zi, oo, false, 0, 0);
      else {
        transformRow(core, Zr, Zi, zr, zi, true);
        unpackReal(zr, zi, oo, n);
      }
    }
  }
}
