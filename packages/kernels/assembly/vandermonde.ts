// Vandermonde products on split planes (f32 data, f64 anchors).
//
//   vandermonde:          out[h,l] = 2 Re sum_n C[h,n] z[h,n]^l,   z = exp(logz), l = 0..L-1
//                         (official log_vandermonde_naive: the factor 2 + Re adds each mode's conjugate)
//   vandermondeTranspose: out[h,n] = C[h,n] sum_l u[h,l] z[h,n]^l  (complex, no factor 2)
//
// Precision scheme: eight consecutive l per iteration in two f32x4 chains (lanes l..l+3 and
// l+4..l+7), each lane carrying its own power and stepping by z^8 in f32. Every 256 steps
// (2048 l) the chains are re-anchored from z^l computed in float64 (z = exp(logz) with
// Math.exp/cos/sin once per mode, then repeated f64 products), so f32 rounding never
// accumulates over more than 256 multiplications (~1e-6 relative, independent of L).
// Decay cut-off: once |z|^l < 1e-30 a mode's remaining terms are below f32 resolution of any
// non-degenerate output; the loop stops there (this also keeps the chains out of the slow
// denormal range).
// Shapes: C (H,N) complex f32, logz (H,N) complex **f64** (a phase error of one f32 ulp in logz
// grows to l*ulp: 1e-3 at l = 16384 for |Im logz| ~ 10, so logz stays f64), u (H,L) f32;
// out (H,L) real / (H,N) complex f32.

const SPAN: i32 = 2048; // l per anchor = 256 steps of 8
const TINY: f64 = 1e-30;
// Forward pass cut-off: a mode whose power |z|^l has fallen below 1e-10 adds less than
// 2e-10 |C| to each later K[l], 600x below float32 resolution of that mode's own scale, so it
// is dropped there (S4 modes with large dt decay within a few hundred steps: at dt = 0.1,
// Re(dt A) = -0.05, the cut is at l ~ 460 instead of L). The transpose keeps TINY: there the
// dropped terms would add up over l.
const TINY_FORWARD: f64 = 1e-10;

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

/** Number of l worth computing for a mode with |z| = mag (a multiple of 8, at most roundUp8(L)). */
@inline
function liveLength(mag: f64, L: i32, tiny: f64 = TINY): i32 {
  if (!(mag < 1)) return L;
  if (mag <= 0) return 1;
  const steps = Math.log(tiny) / Math.log(mag);
  if (steps >= <f64>L) return L;
  const s = <i32>Math.ceil(steps) + 1;
  return s < L ? s : L;
}

// Forward pass: two modes per pass (four f32 chains: 2 modes x 2 lane groups) so the
// multiply latency of one chain hides behind the others and one load/store of the output row
// serves both modes. Each chain carries 2 C z^l itself (C folded in at the anchor, in f64), so
// only its real part is accumulated.
const BASE2 = memory.data(160, 16);
const LANES2 = memory.data(64, 16);

/** LANES (at `lanes`) = 2 C anchor z^j from the powers at `base`, or zeros when `dead`. */
@inline
function scaledLanes(base: usize, lanes: usize, ar: f64, ai: f64, cr: f64, ci: f64, dead: bool): void {
  const sr = 2 * (ar * cr - ai * ci), si = 2 * (ar * ci + ai * cr);
  for (let j = 0; j < 8; j++) {
    const br = load<f64>(base + 16 * j), bi = load<f64>(base + 16 * j + 8);
    store<f32>(lanes + 4 * j, dead ? 0 : <f32>(sr * br - si * bi));
    store<f32>(lanes + 32 + 4 * j, dead ? 0 : <f32>(sr * bi + si * br));
  }
}

export function vandermonde(
  cRe: usize, cIm: usize, logzRe: usize, logzIm: usize, out: usize, H: i32, N: i32, L: i32,
): void {
  for (let h = 0; h < H; h++) {
    const row = out + ((<usize>(h * L)) << 2);
    memory.fill(row, 0, (<usize>L) << 2);
    for (let n = 0; n < N; n += 2) {
      const two = n + 1 < N;
      const pa = (<usize>(h * N + n)) << 2;
      const pb = two ? pa + 4 : pa;
      const magA = Math.exp(load<f64>(logzRe + (pa << 1)));
      const thA = load<f64>(logzIm + (pa << 1));
      setBaseAt(BASE, magA * Math.cos(thA), magA * Math.sin(thA));
      const liveA = liveLength(magA, L, TINY_FORWARD);
      const magB = Math.exp(load<f64>(logzRe + (pb << 1)));
      const thB = load<f64>(logzIm + (pb << 1));
      setBaseAt(BASE2, magB * Math.cos(thB), magB * Math.sin(thB));
      const liveB = two ? liveLength(magB, L, TINY_FORWARD) : 0;
      const live = liveA > liveB ? liveA : liveB;
      const caR = <f64>load<f32>(cRe + pa), caI = <f64>load<f32>(cIm + pa);
      const cbR = <f64>load<f32>(cRe + pb), cbI = <f64>load<f32>(cIm + pb);
      const sAr = f32x4.splat(<f32>load<f64>(BASE + 128)), sAi = f32x4.splat(<f32>load<f64>(BASE + 136));
      const sBr = f32x4.splat(<f32>load<f64>(BASE2 + 128)), sBi = f32x4.splat(<f32>load<f64>(BASE2 + 136));
      let aAr: f64 = 1, aAi: f64 = 0, aBr: f64 = 1, aBi: f64 = 0;
      for (let l0 = 0; l0 < live; l0 += SPAN) {
        scaledLanes(BASE, LANES, aAr, aAi, caR, caI, l0 >= liveA);
        scaledLanes(BASE2, LANES2, aBr, aBi, cbR, cbI, l0 >= liveB);
        let a0r = v128.load(LANES), a1r = v128.load(LANES + 16), a0i = v128.load(LANES + 32), a1i = v128.load(LANES + 48);
        let b0r = v128.load(LANES2), b1r = v128.load(LANES2 + 16), b0i = v128.load(LANES2 + 32), b1i = v128.load(LANES2 + 48);
        const end = l0 + SPAN < live ? l0 + SPAN : live;
        let l = l0;
        for (; l + 8 <= end; l += 8) {
          const o = row + ((<usize>l) << 2);
          v128.store(o, f32x4.add(v128.load(o), f32x4.add(a0r, b0r)));
          v128.store(o + 16, f32x4.add(v128.load(o + 16), f32x4.add(a1r, b1r)));
          let t = f32x4.sub(f32x4.mul(a0r, sAr), f32x4.mul(a0i, sAi));
          a0i = f32x4.add(f32x4.mul(a0r, sAi), f32x4.mul(a0i, sAr));
          a0r = t;
          t = f32x4.sub(f32x4.mul(a1r, sAr), f32x4.mul(a1i, sAi));
          a1i = f32x4.add(f32x4.mul(a1r, sAi), f32x4.mul(a1i, sAr));
          a1r = t;
          t = f32x4.sub(f32x4.mul(b0r, sBr), f32x4.mul(b0i, sBi));
          b0i = f32x4.add(f32x4.mul(b0r, sBi), f32x4.mul(b0i, sBr));
          b0r = t;
          t = f32x4.sub(f32x4.mul(b1r, sBr), f32x4.mul(b1i, sBi));
          b1i = f32x4.add(f32x4.mul(b1r, sBi), f32x4.mul(b1i, sBr));
          b1r = t;
        }
        // ragged end (fewer than 8 l left): lanes already hold 2 C z^(l+j)
        const rest = end - l;
        if (rest > 0) {
          const k0 = f32x4.add(a0r, b0r), k1 = f32x4.add(a1r, b1r);
          const o = row + ((<usize>l) << 2);
          store<f32>(o, load<f32>(o) + f32x4.extract_lane(k0, 0));
          if (rest > 1) store<f32>(o + 4, load<f32>(o + 4) + f32x4.extract_lane(k0, 1));
          if (rest > 2) store<f32>(o + 8, load<f32>(o + 8) + f32x4.extract_lane(k0, 2));
          if (rest > 3) store<f32>(o + 12, load<f32>(o + 12) + f32x4.extract_lane(k0, 3));
          if (rest > 4) store<f32>(o + 16, load<f32>(o + 16) + f32x4.extract_lane(k1, 0));
          if (rest > 5) store<f32>(o + 20, load<f32>(o + 20) + f32x4.extract_lane(k1, 1));
          if (rest > 6) store<f32>(o + 24, load<f32>(o + 24) + f32x4.extract_lane(k1, 2));
        }
        let sr = load<f64>(BASE + 144), si = load<f64>(BASE + 152);
        let t = aAr * sr - aAi * si;
        aAi = aAr * si + aAi * sr;
        aAr = t;
        sr = load<f64>(BASE2 + 144);
        si = load<f64>(BASE2 + 152);
        t = aBr * sr - aBi * si;
        aBi = aBr * si + aBi * sr;
        aBr = t;
      }
    }
  }
}

export function vandermondeTranspose(
  uPtr: usize, cRe: usize, cIm: usize, logzRe: usize, logzIm: usize, outRe: usize, outIm: usize,
  H: i32, N: i32, L: i32,
): void {
  for (let h = 0; h < H; h++) {
    const row = uPtr + ((<usize>(h * L)) << 2);
    for (let n = 0; n < N; n++) {
      const pn = (<usize>(h * N + n)) << 2;
      const lr = load<f64>(logzRe + (pn << 1)), li = load<f64>(logzIm + (pn << 1));
      const mag = Math.exp(lr);
      const zr = mag * Math.cos(li), zi = mag * Math.sin(li);
      const live = liveLength(mag, L);
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
