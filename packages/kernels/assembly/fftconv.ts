// Causal FFT convolution with a kept kernel spectrum (official S4 FFTConv, n = 2L), f32:
//   y[b,h,:] = irfft(rfft(u[b,h,:], n) * S[h], n)[:L] + D[h] u[b,h,:]
// Per row: two complex FFTs of N = L (the real FFT of n = 2L through its half-size complex
// FFT), with the real-FFT post-processing, the pointwise multiply by S and the inverse
// real-FFT pre-processing fused into ONE pass over the spectrum.
// S is stored pre-scaled by 1/(2n) (the host does it): the 1/2 of the even/odd split and the
// 1/n of irfft fold into it, so the pass has no extra multiplies.
import { fftScale, transformRow } from "./fft";
import { realInOk, realOutOk, stockhamRealIn, stockhamRealOut } from "./fft-real-io";
import { packReal, postProcess, unpackReal } from "./rfft";

@inline function rev(v: v128): v128 {
  return v128.shuffle<f32>(v, v, 3, 2, 1, 0);
}

/**
 * Z (N, the FFT of the packed input) -> Z2 (N, ready for the inverse FFT): the spectrum of the
 * real input times S, in the packed form of the inverse real FFT. S: (N+1) complex. W^k table
 * as in rfft.ts. Z2 may be Z.
 */
export function convSpectrum(Zr: usize, Zi: usize, Sr: usize, Si: usize, Z2r: usize, Z2i: usize, twr: usize, twi: usize, N: i32): void {
  const NB = (<usize>N) << 2;
  const z0r = load<f32>(Zr), z0i = load<f32>(Zi);
  // Twice X[0] and X[N] (both real); S carries 1/(2n).
  const y0: f32 = <f32>2 * (z0r + z0i) * load<f32>(Sr);
  const yN: f32 = <f32>2 * (z0r - z0i) * load<f32>(Sr + NB);
  store<f32>(Z2r, y0 + yN);
  store<f32>(Z2i, y0 - yN);
  const half = N >> 1;
  let k = 1;
  for (; k + 3 <= half; k += 4) {
    const o = (<usize>k) << 2;
    const ob = (<usize>(N - k - 3)) << 2;
    const ar = v128.load(Zr + o), ai = v128.load(Zi + o);
    const br = rev(v128.load(Zr + ob)), bi = f32x4.neg(rev(v128.load(Zi + ob)));
    // 2E and 2O of the forward split
    const er = f32x4.add(ar, br), ei = f32x4.add(ai, bi);
    const or = f32x4.sub(ai, bi), oi = f32x4.sub(br, ar);
    const w = v128.load(twr + o), v = v128.load(twi + o);
    const tr = f32x4.sub(f32x4.mul(or, w), f32x4.mul(oi, v));
    const ti = f32x4.add(f32x4.mul(or, v), f32x4.mul(oi, w));
    const xkr = f32x4.add(er, tr), xki = f32x4.add(ei, ti);
    const xnr = f32x4.sub(er, tr), xni = f32x4.sub(ti, ei);
    const skr = v128.load(Sr + o), ski = v128.load(Si + o);
    const snr = rev(v128.load(Sr + ob)), sni = rev(v128.load(Si + ob));
    const ykr = f32x4.sub(f32x4.mul(xkr, skr), f32x4.mul(xki, ski));
    const yki = f32x4.add(f32x4.mul(xkr, ski), f32x4.mul(xki, skr));
    const ynr = f32x4.sub(f32x4.mul(xnr, snr), f32x4.mul(xni, sni));
    const yni = f32x4.add(f32x4.mul(xnr, sni), f32x4.mul(xni, snr));
    // inverse split: E' = Y[k] + conj Y[N-k], O' = (Y[k] - conj Y[N-k]) conj(W^k)
    const e2r = f32x4.add(ykr, ynr), e2i = f32x4.sub(yki, yni);
    const dr = f32x4.sub(ykr, ynr), di = f32x4.add(yki, yni);
    const o2r = f32x4.add(f32x4.mul(dr, w), f32x4.mul(di, v));
    const o2i = f32x4.sub(f32x4.mul(di, w), f32x4.mul(dr, v));
    v128.store(Z2r + o, f32x4.sub(e2r, o2i));
    v128.store(Z2i + o, f32x4.add(e2i, o2r));
    v128.store(Z2r + ob, rev(f32x4.add(e2r, o2i)));
    v128.store(Z2i + ob, rev(f32x4.sub(o2r, e2i)));
  }
  for (; k <= half; k++) {
    const o = (<usize>k) << 2;
    const ob = (<usize>(N - k)) << 2;
    const ar = load<f32>(Zr + o), ai = load<f32>(Zi + o);
    const br = load<f32>(Zr + ob), bi = -load<f32>(Zi + ob);
    const er = ar + br, ei = ai + bi, or = ai - bi, oi = br - ar;
    const w = load<f32>(twr + o), v = load<f32>(twi + o);
    const tr = or * w - oi * v, ti = or * v + oi * w;
    const xkr = er + tr, xki = ei + ti, xnr = er - tr, xni = ti - ei;
    const skr = load<f32>(Sr + o), ski = load<f32>(Si + o);
    const snr = load<f32>(Sr + ob), sni = load<f32>(Si + ob);
    const ykr = xkr * skr - xki * ski, yki = xkr * ski + xki * skr;
    const ynr = xnr * snr - xni * sni, yni = xnr * sni + xni * snr;
    const e2r = ykr + ynr, e2i = yki - yni, dr = ykr - ynr, di = yki + yni;
    const o2r = dr * w + di * v, o2i = di * w - dr * v;
    store<f32>(Z2r + o, e2r - o2i);
    store<f32>(Z2i + o, e2i + o2r);
    store<f32>(Z2r + ob, e2r + o2i);
    store<f32>(Z2i + ob, o2r - e2i);
  }
}

/** y[t] += d * u[t], t < L. */
function addSkip(y: usize, u: usize, d: f32, L: i32): void {
  const dv = f32x4.splat(d);
  let t = 0;
  for (; t + 4 <= L; t += 4) {
    const o = (<usize>t) << 2;
    v128.store(y + o, f32x4.add(v128.load(y + o), f32x4.mul(dv, v128.load(u + o))));
  }
  for (; t < L; t++) {
    const o = (<usize>t) << 2;
    store<f32>(y + o, load<f32>(y + o) + d * load<f32>(u + o));
  }
}

/**
 * Z = the N = L point complex FFT of z[j] = x[2j] + i x[2j+1] for the L real samples of x (the
 * upper half of the 2L padding is zero): through the first stage reading x (fastIn: L even and
 * realInOk), or packed into zr/zi and transformed. Shared by the convolution and the kernel spectra.
 */
@inline function forwardHalf(core: usize, fastIn: bool, x: usize, L: i32, zr: usize, zi: usize, Zr: usize, Zi: usize): void {
  if (fastIn) stockhamRealIn(core, x, true, Zr, Zi);
  else {
    packReal(x, L, zr, zi, L);
    transformRow(core, zr, zi, Zr, Zi, false);
  }
}

/**
 * y = causal conv(u, kernel) + D u over `batch * H` rows of L. rdesc: the real-FFT descriptor of
 * n = 2L (rfft.ts). S: (H, L+1) complex, the kernel spectra times 1/(2n). d: D (H) or 0 for none.
 * Shapes: u, y (batch, H, L); y may be u.
 */
export function fftConvRows(rdesc: usize, Sr: usize, Si: usize, u: usize, y: usize, d: usize, batch: i32, H: i32, L: i32): void {
  const core = <usize>load<i32>(rdesc, 4);
  const twr = <usize>load<i32>(rdesc, 8), twi = <usize>load<i32>(rdesc, 12);
  const zr = <usize>load<i32>(rdesc, 16), zi = <usize>load<i32>(rdesc, 20);
  const Zr = <usize>load<i32>(rdesc, 24), Zi = <usize>load<i32>(rdesc, 28);
  const rowB = (<usize>L) << 2;
  const specB = (<usize>(L + 1)) << 2;
  const rows = batch * H;
  // Fused paths: the first stage reads u (upper half of the 2L padding known zero), the last one
  // writes the first L outputs of y with the D skip; they need even L and radix-4/8 end stages.
  const fastIn = (L & 1) == 0 && realInOk(core);
  const fastOut = (L & 1) == 0 && realOutOk(core);
  for (let r = 0; r < rows; r++) {
    const h = r % H;
    const uo = u + rowB * <usize>r, yo = y + rowB * <usize>r;
    const so = specB * <usize>h;
    const dh: f32 = d != 0 ? load<f32>(d + ((<usize>h) << 2)) : 0;
    forwardHalf(core, fastIn, uo, L, zr, zi, Zr, Zi);
    convSpectrum(Zr, Zi, Sr + so, Si + so, zr, zi, twr, twi, L);
    if (fastOut) {
      stockhamRealOut(core, zr, zi, yo, true, uo, dh);
      continue;
    }
    transformRow(core, zr, zi, Zr, Zi, true);
    // y may alias u: read the skip term before the row is overwritten
    if (dh != 0 && yo == uo) {
      memory.copy(zr, uo, rowB);
      unpackReal(Zr, Zi, yo, L);
      addSkip(yo, zr, dh, L);
    } else {
      unpackReal(Zr, Zi, yo, L);
      if (dh != 0) addSkip(yo, uo, dh, L);
    }
  }
}

/**
 * The kept spectra of causal kernels: S[h] = c * rfft(K[h] zero-padded to n = 2L) for h < rows
 * (c = 1/(2n) for fftConvRows). K is read in place and its zero half never touched: the first
 * FFT stage skips it (stockhamRealIn `half`, as fftConvRows does for u), and each row is scaled
 * while it is in L1, so there is no padded copy of K and no extra pass over S.
 * Shapes: K (rows, L); S (rows, L+1) complex planes. Results equal rfftRows of the padded rows.
 */
export function kernelSpectrumRows(rdesc: usize, K: usize, Sr: usize, Si: usize, rows: i32, L: i32, c: f32): void {
  const core = <usize>load<i32>(rdesc, 4);
  const zr = <usize>load<i32>(rdesc, 16), zi = <usize>load<i32>(rdesc, 20);
  const Zr = <usize>load<i32>(rdesc, 24), Zi = <usize>load<i32>(rdesc, 28);
  const gr = <usize>load<i32>(rdesc, 32), gi = <usize>load<i32>(rdesc, 36);
  const rowB = (<usize>L) << 2;
  const specB = (<usize>(L + 1)) << 2;
  const fastIn = (L & 1) == 0 && realInOk(core);
  for (let r = 0; r < rows; r++) {
    const ko = K + rowB * <usize>r;
    const sr = Sr + specB * <usize>r, si = Si + specB * <usize>r;
    forwardHalf(core, fastIn, ko, L, zr, zi, Zr, Zi);
    postProcess(Zr, Zi, sr, si, gr, gi, L);
    fftScale(sr, L + 1, c);
    fftScale(si, L + 1, c);
  }
}
