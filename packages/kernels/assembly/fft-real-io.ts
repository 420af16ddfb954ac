// Stockham chains that read a real signal or write one directly, so the real FFT and the FFT
// convolution need no separate pack / unpack passes:
//   stockhamRealIn:  forward transform of z[j] = x[2j] + i x[2j+1] (N points) read from the real
//                    x by the first radix-4 stage; `half`: z[j] = 0 for j >= N/2 (x zero-padded
//                    to twice its length, as in the S4 convolution), so that stage skips them.
//   stockhamRealOut: inverse transform whose last stage (radix 4 or 8, m = 1) writes
//                    out[2k] = Re z[k], out[2k+1] = Im z[k]; `half`: only k < N/2 (the first L of 2L
//                    outputs of the convolution); with d != 0 it adds d * u (the D skip) as it writes.
// Both need the plan shapes checked by realInOk / realOutOk; callers fall back otherwise.
import { isSmallPlan, planStageAt, stage4s4, stage8, storeT } from "./fft";

@inline function desc0(desc: usize, word: i32): i32 {
  return load<i32>(desc + 32 + ((<usize>word) << 2));
}

/** The first stage is radix 4 with s = 1 and m % 4 == 0 (so it can be vectorised over p). */
export function realInOk(desc: usize): bool {
  const S = load<i32>(desc, 4);
  return S >= 2 && desc0(desc, 0) == 4 && desc0(desc, 1) == 1 && (desc0(desc, 2) & 3) == 0;
}

/** The last stage is radix 4 or 8 with m = 1 and s % 4 == 0 (no twiddles, full vectors). */
export function realOutOk(desc: usize): bool {
  const S = load<i32>(desc, 4);
  if (S < 2) return false;
  const d = desc + 32 + 32 * <usize>(S - 1);
  const r = load<i32>(d);
  return (r == 4 || r == 8) && load<i32>(d, 8) == 1 && (load<i32>(d, 4) & 3) == 0;
}

/** Forward first radix-4 stage (s = 1) reading the real x; see stage4First in fft.ts. */
@inline function first4Real(x: usize, yr: usize, yi: usize, m: i32, twr: usize, twi: usize, half: bool): void {
  const mb = (<usize>m) << 2;
  const mu = <usize>m;
  for (let p = 0; p < m; p += 4) {
    const pu = <usize>p;
    const o = pu << 2;
    let lo = v128.load(x + (pu << 3)), hi = v128.load(x + (pu << 3), 16);
    const ar = v128.shuffle<f32>(lo, hi, 0, 2, 4, 6), ai = v128.shuffle<f32>(lo, hi, 1, 3, 5, 7);
    lo = v128.load(x + ((pu + mu) << 3));
    hi = v128.load(x + ((pu + mu) << 3), 16);
    const br = v128.shuffle<f32>(lo, hi, 0, 2, 4, 6), bi = v128.shuffle<f32>(lo, hi, 1, 3, 5, 7);
    let apcR: v128, apcI: v128, amcR: v128, amcI: v128, bpdR: v128, bpdI: v128, jR: v128, jI: v128;
    if (half) {
      // c = d = 0
      apcR = ar;
      apcI = ai;
      amcR = ar;
      amcI = ai;
      bpdR = br;
      bpdI = bi;
      jR = bi;
      jI = f32x4.neg(br);
    } else {
      lo = v128.load(x + ((pu + 2 * mu) << 3));
      hi = v128.load(x + ((pu + 2 * mu) << 3), 16);
      const cr = v128.shuffle<f32>(lo, hi, 0, 2, 4, 6), ci = v128.shuffle<f32>(lo, hi, 1, 3, 5, 7);
      lo = v128.load(x + ((pu + 3 * mu) << 3));
      hi = v128.load(x + ((pu + 3 * mu) << 3), 16);
      const dr = v128.shuffle<f32>(lo, hi, 0, 2, 4, 6), di = v128.shuffle<f32>(lo, hi, 1, 3, 5, 7);
      apcR = f32x4.add(ar, cr);
      apcI = f32x4.add(ai, ci);
      amcR = f32x4.sub(ar, cr);
      amcI = f32x4.sub(ai, ci);
      bpdR = f32x4.add(br, dr);
      bpdI = f32x4.add(bi, di);
      jR = f32x4.sub(bi, di);
      jI = f32x4.sub(dr, br);
    }
    const t1r = f32x4.add(amcR, jR), t1i = f32x4.add(amcI, jI);
    const t2r = f32x4.sub(apcR, bpdR), t2i = f32x4.sub(apcI, bpdI);
    const t3r = f32x4.sub(amcR, jR), t3i = f32x4.sub(amcI, jI);
    const w1r = v128.load(twr + o), w2r = v128.load(twr + o + mb), w3r = v128.load(twr + o + 2 * mb);
    const w1i = v128.load(twi + o), w2i = v128.load(twi + o + mb), w3i = v128.load(twi + o + 2 * mb);
    const y1r = f32x4.sub(f32x4.mul(t1r, w1r), f32x4.mul(t1i, w1i));
    const y1i = f32x4.add(f32x4.mul(t1r, w1i), f32x4.mul(t1i, w1r));
    const y2r = f32x4.sub(f32x4.mul(t2r, w2r), f32x4.mul(t2i, w2i));
    const y2i = f32x4.add(f32x4.mul(t2r, w2i), f32x4.mul(t2i, w2r));
    const y3r = f32x4.sub(f32x4.mul(t3r, w3r), f32x4.mul(t3i, w3i));
    const y3i = f32x4.add(f32x4.mul(t3r, w3i), f32x4.mul(t3i, w3r));
    storeT(yr + 4 * o, f32x4.add(apcR, bpdR), y1r, y2r, y3r);
    storeT(yi + 4 * o, f32x4.add(apcI, bpdI), y1i, y2i, y3i);
  }
}

/**
 * The full-input first stage of the plans up to SMALL_N with m as a literal (see runSmallStage in
 * fft.ts); false for another m.
 */
function firstRealSmall(x: usize, yr: usize, yi: usize, m: i32, twr: usize, twi: usize): bool {
  if (m == 32) first4Real(x, yr, yi, 32, twr, twi, false);
  else if (m == 64) first4Real(x, yr, yi, 64, twr, twi, false);
  else if (m == 128) first4Real(x, yr, yi, 128, twr, twi, false);
  else if (m == 256) first4Real(x, yr, yi, 256, twr, twi, false);
  else if (m == 512) first4Real(x, yr, yi, 512, twr, twi, false);
  else return false;
  return true;
}

/** Forward FFT of the packed real x (see the header). Needs realInOk(desc). */
export function stockhamRealIn(desc: usize, x: usize, half: bool, yr: usize, yi: usize): void {
  const S = load<i32>(desc, 4);
  const aR = <usize>load<i32>(desc, 8), aI = <usize>load<i32>(desc, 12);
  const bR = <usize>load<i32>(desc, 16), bI = <usize>load<i32>(desc, 20);
  const m = desc0(desc, 2);
  const twr = <usize>desc0(desc, 3), twi = <usize>desc0(desc, 4);
  let back = S - 1;
  let sr = (back & 1) ? aR : bR, si = (back & 1) ? aI : bI;
  const n = load<i32>(desc);
  const small = isSmallPlan(desc);
  if (!half && n == 128 && S == 3 && desc0(desc, 8) == 4 && desc0(desc, 16) == 8) {
    // rfft(256), the smallest plan of the small-plan code: its chain 4 (m = 32), 4 (s = 4, m = 8),
    // 8 (s = 16, m = 1) inline, B -> A -> y, without the per-stage calls (a tenth of its ~180 ns)
    first4Real(x, bR, bI, 32, twr, twi, false);
    stage4s4(bR, bI, aR, aI, 8, <usize>desc0(desc, 11), <usize>desc0(desc, 12), false);
    stage8(aR, aI, yr, yi, 16, 1, <usize>desc0(desc, 19), <usize>desc0(desc, 20), false);
    return;
  }
  if (half) first4Real(x, sr, si, m, twr, twi, true);
  else if (!small || !firstRealSmall(x, sr, si, m, twr, twi)) first4Real(x, sr, si, m, twr, twi, false);
  for (let i = 1; i < S; i++) {
    back = S - 1 - i;
    const dr = back == 0 ? yr : (back & 1) ? aR : bR;
    const di = back == 0 ? yi : (back & 1) ? aI : bI;
    planStageAt(desc, small, i, sr, si, dr, di, false);
    sr = dr;
    si = di;
  }
}

/** Store (re, im) lanes interleaved at out (8 floats), plus dv * u when skip. */
@inline function stIlv(out: usize, re: v128, im: v128, u: usize, dv: v128, skip: bool): void {
  let lo = v128.shuffle<f32>(re, im, 0, 4, 1, 5);
  let hi = v128.shuffle<f32>(re, im, 2, 6, 3, 7);
  if (skip) {
    lo = f32x4.add(lo, f32x4.mul(dv, v128.load(u)));
    hi = f32x4.add(hi, f32x4.mul(dv, v128.load(u, 16)));
  }
  v128.store(out, lo);
  v128.store(out, hi, 16);
}

/** Inverse last radix-4 stage (m = 1, s = N/4) writing the real out; see the header. */
@inline function last4Real(xr: usize, xi: usize, out: usize, s: i32, half: bool, u: usize, dv: v128, skip: bool): void {
  const sb = (<usize>s) << 2;
  for (let q = 0; q < s; q += 4) {
    const o = (<usize>q) << 2;
    const ar = v128.load(xr + o), ai = v128.load(xi + o);
    const br = v128.load(xr + o + sb), bi = v128.load(xi + o + sb);
    const cr = v128.load(xr + o + 2 * sb), ci = v128.load(xi + o + 2 * sb);
    const dr = v128.load(xr + o + 3 * sb), di = v128.load(xi + o + 3 * sb);
    const apcR = f32x4.add(ar, cr), apcI = f32x4.add(ai, ci);
    const amcR = f32x4.sub(ar, cr), amcI = f32x4.sub(ai, ci);
    const bpdR = f32x4.add(br, dr), bpdI = f32x4.add(bi, di);
    // inverse: +i(b-d)
    const jR = f32x4.sub(di, bi), jI = f32x4.sub(br, dr);
    // complex index k = q + s*j sits at float 2k: byte offset 2*(o + j*sb)
    const ob = o << 1;
    stIlv(out + ob, f32x4.add(apcR, bpdR), f32x4.add(apcI, bpdI), u + ob, dv, skip);
    stIlv(out + ob + 2 * sb, f32x4.add(amcR, jR), f32x4.add(amcI, jI), u + ob + 2 * sb, dv, skip);
    if (!half) {
      stIlv(out + ob + 4 * sb, f32x4.sub(apcR, bpdR), f32x4.sub(apcI, bpdI), u + ob + 4 * sb, dv, skip);
      stIlv(out + ob + 6 * sb, f32x4.sub(amcR, jR), f32x4.sub(amcI, jI), u + ob + 6 * sb, dv, skip);
    }
  }
}

const RSQRT2: f32 = 0.7071067811865476;

/** Inverse last radix-8 stage (m = 1, s = N/8) writing the real out; see the header. */
@inline function last8Real(xr: usize, xi: usize, out: usize, s: i32, half: bool, u: usize, dv: v128, skip: bool): void {
  const sb = (<usize>s) << 2;
  const c = f32x4.splat(RSQRT2);
  for (let q = 0; q < s; q += 4) {
    const o = (<usize>q) << 2;
    // E = DFT4(x0, x2, x4, x6), O = DFT4(x1, x3, x5, x7), inverse sign
    let ar = v128.load(xr + o), ai = v128.load(xi + o);
    let br = v128.load(xr + o + 2 * sb), bi = v128.load(xi + o + 2 * sb);
    let cr = v128.load(xr + o + 4 * sb), ci = v128.load(xi + o + 4 * sb);
    let dr = v128.load(xr + o + 6 * sb), di = v128.load(xi + o + 6 * sb);
    let t0r = f32x4.add(ar, cr), t0i = f32x4.add(ai, ci);
    let t1r = f32x4.sub(ar, cr), t1i = f32x4.sub(ai, ci);
    let t2r = f32x4.add(br, dr), t2i = f32x4.add(bi, di);
    let jR = f32x4.sub(di, bi), jI = f32x4.sub(br, dr);
    const e0r = f32x4.add(t0r, t2r), e0i = f32x4.add(t0i, t2i);
    const e1r = f32x4.add(t1r, jR), e1i = f32x4.add(t1i, jI);
    const e2r = f32x4.sub(t0r, t2r), e2i = f32x4.sub(t0i, t2i);
    const e3r = f32x4.sub(t1r, jR), e3i = f32x4.sub(t1i, jI);
    ar = v128.load(xr + o + sb);
    ai = v128.load(xi + o + sb);
    br = v128.load(xr + o + 3 * sb);
    bi = v128.load(xi + o + 3 * sb);
    cr = v128.load(xr + o + 5 * sb);
    ci = v128.load(xi + o + 5 * sb);
    dr = v128.load(xr + o + 7 * sb);
    di = v128.load(xi + o + 7 * sb);
    t0r = f32x4.add(ar, cr);
    t0i = f32x4.add(ai, ci);
    t1r = f32x4.sub(ar, cr);
    t1i = f32x4.sub(ai, ci);
    t2r = f32x4.add(br, dr);
    t2i = f32x4.add(bi, di);
    jR = f32x4.sub(di, bi);
    jI = f32x4.sub(br, dr);
    const o0r = f32x4.add(t0r, t2r), o0i = f32x4.add(t0i, t2i);
    const o1r = f32x4.add(t1r, jR), o1i = f32x4.add(t1i, jI);
    const o2r = f32x4.sub(t0r, t2r), o2i = f32x4.sub(t0i, t2i);
    const o3r = f32x4.sub(t1r, jR), o3i = f32x4.sub(t1i, jI);
    // W8^k O for the inverse: 1, (1+i)/sqrt2, i, (-1+i)/sqrt2
    const w1r = f32x4.mul(c, f32x4.sub(o1r, o1i)), w1i = f32x4.mul(c, f32x4.add(o1r, o1i));
    const w2r = f32x4.neg(o2i), w2i = o2r;
    const w3r = f32x4.mul(c, f32x4.neg(f32x4.add(o3r, o3i))), w3i = f32x4.mul(c, f32x4.sub(o3r, o3i));
    const ob = o << 1;
    stIlv(out + ob, f32x4.add(e0r, o0r), f32x4.add(e0i, o0i), u + ob, dv, skip);
    stIlv(out + ob + 2 * sb, f32x4.add(e1r, w1r), f32x4.add(e1i, w1i), u + ob + 2 * sb, dv, skip);
    stIlv(out + ob + 4 * sb, f32x4.add(e2r, w2r), f32x4.add(e2i, w2i), u + ob + 4 * sb, dv, skip);
    stIlv(out + ob + 6 * sb, f32x4.add(e3r, w3r), f32x4.add(e3i, w3i), u + ob + 6 * sb, dv, skip);
    if (!half) {
      stIlv(out + ob + 8 * sb, f32x4.sub(e0r, o0r), f32x4.sub(e0i, o0i), u + ob + 8 * sb, dv, skip);
      stIlv(out + ob + 10 * sb, f32x4.sub(e1r, w1r), f32x4.sub(e1i, w1i), u + ob + 10 * sb, dv, skip);
      stIlv(out + ob + 12 * sb, f32x4.sub(e2r, w2r), f32x4.sub(e2i, w2i), u + ob + 12 * sb, dv, skip);
      stIlv(out + ob + 14 * sb, f32x4.sub(e3r, w3r), f32x4.sub(e3i, w3i), u + ob + 14 * sb, dv, skip);
    }
  }
}

@inline function lastReal(r: i32, xr: usize, xi: usize, out: usize, s: i32, half: bool, u: usize, d: f32, skip: bool): void {
  const dv = f32x4.splat(d);
  if (r == 4) last4Real(xr, xi, out, s, half, u, dv, skip);
  else last8Real(xr, xi, out, s, half, u, dv, skip);
}

/**
 * lastReal of the whole output without skip (irfft) for the plans up to SMALL_N, with s as a
 * literal (see runSmallStage in fft.ts); false for another shape.
 */
function lastRealSmall(r: i32, xr: usize, xi: usize, out: usize, s: i32): bool {
  if (r == 8 && s == 16) lastReal(8, xr, xi, out, 16, false, 0, 0, false);
  else if (r == 4 && s == 64) lastReal(4, xr, xi, out, 64, false, 0, 0, false);
  else if (r == 8 && s == 64) lastReal(8, xr, xi, out, 64, false, 0, 0, false);
  else if (r == 4 && s == 256) lastReal(4, xr, xi, out, 256, false, 0, 0, false);
  else if (r == 8 && s == 256) lastReal(8, xr, xi, out, 256, false, 0, 0, false);
  else return false;
  return true;
}

/**
 * Unnormalised inverse FFT of Z (N, split planes) written as the real out (see the header).
 * Needs realOutOk(desc). d != 0 adds d * u[t] to each written out[t] (u may be out).
 */
export function stockhamRealOut(desc: usize, xr: usize, xi: usize, out: usize, half: bool, u: usize, d: f32): void {
  const S = load<i32>(desc, 4);
  const aR = <usize>load<i32>(desc, 8), aI = <usize>load<i32>(desc, 12);
  const bR = <usize>load<i32>(desc, 16), bI = <usize>load<i32>(desc, 20);
  const small = isSmallPlan(desc);
  let sr = xr, si = xi;
  for (let i = 0; i < S - 1; i++) {
    const back = S - 1 - i;
    const dr = (back & 1) ? aR : bR;
    const di = (back & 1) ? aI : bI;
    planStageAt(desc, small, i, sr, si, dr, di, true);
    sr = dr;
    si = di;
  }
  const last = desc + 32 + 32 * <usize>(S - 1);
  const r = load<i32>(last), s = load<i32>(last, 4);
  const skip = d != 0;
  if (half) {
    if (skip) lastReal(r, sr, si, out, s, true, u, d, true);
    else lastReal(r, sr, si, out, s, true, u, d, false);
  } else if (skip) lastReal(r, sr, si, out, s, false, u, d, true);
  else if (!small || !lastRealSmall(r, sr, si, out, s)) lastReal(r, sr, si, out, s, false, u, d, false);
}
