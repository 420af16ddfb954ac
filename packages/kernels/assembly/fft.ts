// Complex FFT of any length on split f32 planes: Stockham autosort (no bit reversal), radix
// 4/8/2/3/5 stages vectorised over 4 consecutive q (the first radix-4 stage, s = 1, over 4
// consecutive p with a register transpose), Bluestein for other lengths.
//
// The host (src/primitives/fft-layout.ts) writes a plan descriptor of i32 words into linear
// memory; every pointer in it is a byte offset. Twiddles are computed in float64 on the host
// (src/js/fft-plan.ts) and stored as f32; the inverse conjugates them on the fly.
//
// Stockham descriptor (S >= 0 stages):
//   [0] n  [1] S  [2..3] work A re/im  [4..5] work B re/im  (n f32 each)
//   stage i at word 8 + 8i: [radix, s, m, twRe, twIm, -, -, -]
//   stage i reads x[q + s*(p + j*m)] and writes y[q + s*(r*p + j)] = (DFT_r of the j-th
//   inputs) * tw[(j-1)*m + p], tw = exp(-2 pi i j p / (r*m)); p < m, q < s.
// Bluestein descriptor: [0] n  [1] -1  [2] inner Stockham descriptor (size M)  [3] M
//   [4..5] chirp re/im (n)  [6..7] forward chirp spectrum / M  [8..9] inverse one  [10..11] scratch (M)
//
// Kernels never allocate; x and out may be the same planes.

const SIN60: f32 = 0.8660254037844386;
const C1: f32 = 0.30901699437494745; // cos(2 pi/5)
const C2: f32 = -0.8090169943749473; // cos(4 pi/5)
const S1: f32 = 0.9510565162951535; // sin(2 pi/5)
const S2: f32 = 0.5877852522924732; // sin(4 pi/5)

@inline function ld(p: usize, wide: bool): v128 {
  return wide ? v128.load(p) : v128.load32_zero(p);
}

@inline function st(p: usize, v: v128, wide: bool): void {
  if (wide) v128.store(p, v);
  else v128.store32_lane(p, v, 0);
}

/** Store (ur + i ui) * (wr + i wi). */
@inline function stMul(yr: usize, yi: usize, ur: v128, ui: v128, wr: v128, wi: v128, wide: bool): void {
  st(yr, f32x4.sub(f32x4.mul(ur, wr), f32x4.mul(ui, wi)), wide);
  st(yi, f32x4.add(f32x4.mul(ur, wi), f32x4.mul(ui, wr)), wide);
}

@inline function twSplat(tw: usize, idx: i32, neg: bool): v128 {
  const v = v128.load32_splat(tw + ((<usize>idx) << 2));
  return neg ? f32x4.neg(v) : v;
}

// ---- radix 2 ---------------------------------------------------------------------------------

@inline function bf2(xr: usize, xi: usize, yr: usize, yi: usize, sm: usize, sb: usize, wr: v128, wi: v128, tw: bool, wide: bool): void {
  const ar = ld(xr, wide), ai = ld(xi, wide);
  const br = ld(xr + sm, wide), bi = ld(xi + sm, wide);
  st(yr, f32x4.add(ar, br), wide);
  st(yi, f32x4.add(ai, bi), wide);
  const dr = f32x4.sub(ar, br), di = f32x4.sub(ai, bi);
  if (tw) stMul(yr + sb, yi + sb, dr, di, wr, wi, wide);
  else {
    st(yr + sb, dr, wide);
    st(yi + sb, di, wide);
  }
}

@inline function stage2(xr: usize, xi: usize, yr: usize, yi: usize, s: i32, m: i32, twr: usize, twi: usize, inv: bool): void {
  const sb = (<usize>s) << 2;
  const sm = sb * <usize>m;
  for (let p = 0; p < m; p++) {
    const wr = twSplat(twr, p, false), wi = twSplat(twi, p, inv);
    const ib = sb * <usize>p, ob = sb * 2 * <usize>p;
    let q = 0;
    for (; q + 4 <= s; q += 4) {
      const o = (<usize>q) << 2;
      bf2(xr + ib + o, xi + ib + o, yr + ob + o, yi + ob + o, sm, sb, wr, wi, m > 1, true);
    }
    for (; q < s; q++) {
      const o = (<usize>q) << 2;
      bf2(xr + ib + o, xi + ib + o, yr + ob + o, yi + ob + o, sm, sb, wr, wi, true, false);
    }
  }
}

// ---- radix 4 ---------------------------------------------------------------------------------

@inline function bf4(
  xr: usize, xi: usize, yr: usize, yi: usize, sm: usize, sb: usize,
  w1r: v128, w1i: v128, w2r: v128, w2i: v128, w3r: v128, w3i: v128, tw: bool, inv: bool, wide: bool,
): void {
  const ar = ld(xr, wide), ai = ld(xi, wide);
  const br = ld(xr + sm, wide), bi = ld(xi + sm, wide);
  const cr = ld(xr + 2 * sm, wide), ci = ld(xi + 2 * sm, wide);
  const dr = ld(xr + 3 * sm, wide), di = ld(xi + 3 * sm, wide);
  const apcR = f32x4.add(ar, cr), apcI = f32x4.add(ai, ci);
  const amcR = f32x4.sub(ar, cr), amcI = f32x4.sub(ai, ci);
  const bpdR = f32x4.add(br, dr), bpdI = f32x4.add(bi, di);
  // j = -i(b-d) forward, +i(b-d) inverse
  const jR = inv ? f32x4.sub(di, bi) : f32x4.sub(bi, di);
  const jI = inv ? f32x4.sub(br, dr) : f32x4.sub(dr, br);
  st(yr, f32x4.add(apcR, bpdR), wide);
  st(yi, f32x4.add(apcI, bpdI), wide);
  const t1r = f32x4.add(amcR, jR), t1i = f32x4.add(amcI, jI);
  const t2r = f32x4.sub(apcR, bpdR), t2i = f32x4.sub(apcI, bpdI);
  const t3r = f32x4.sub(amcR, jR), t3i = f32x4.sub(amcI, jI);
  if (tw) {
    stMul(yr + sb, yi + sb, t1r, t1i, w1r, w1i, wide);
    stMul(yr + 2 * sb, yi + 2 * sb, t2r, t2i, w2r, w2i, wide);
    stMul(yr + 3 * sb, yi + 3 * sb, t3r, t3i, w3r, w3i, wide);
  } else {
    st(yr + sb, t1r, wide);
    st(yi + sb, t1i, wide);
    st(yr + 2 * sb, t2r, wide);
    st(yi + 2 * sb, t2i, wide);
    st(yr + 3 * sb, t3r, wide);
    st(yi + 3 * sb, t3i, wide);
  }
}

@inline function stage4(xr: usize, xi: usize, yr: usize, yi: usize, s: i32, m: i32, twr: usize, twi: usize, inv: bool): void {
  const sb = (<usize>s) << 2;
  const sm = sb * <usize>m;
  const useTw = m > 1;
  for (let p = 0; p < m; p++) {
    const w1r = twSplat(twr, p, false), w1i = twSplat(twi, p, inv);
    const w2r = twSplat(twr, m + p, false), w2i = twSplat(twi, m + p, inv);
    const w3r = twSplat(twr, 2 * m + p, false), w3i = twSplat(twi, 2 * m + p, inv);
    const ib = sb * <usize>p, ob = sb * 4 * <usize>p;
    let q = 0;
    if (useTw) {
      for (; q + 4 <= s; q += 4) {
        const o = (<usize>q) << 2;
        bf4(xr + ib + o, xi + ib + o, yr + ob + o, yi + ob + o, sm, sb, w1r, w1i, w2r, w2i, w3r, w3i, true, inv, true);
      }
    } else {
      for (; q + 4 <= s; q += 4) {
        const o = (<usize>q) << 2;
        bf4(xr + ib + o, xi + ib + o, yr + ob + o, yi + ob + o, sm, sb, w1r, w1i, w2r, w2i, w3r, w3i, false, inv, true);
      }
    }
    for (; q < s; q++) {
      const o = (<usize>q) << 2;
      bf4(xr + ib + o, xi + ib + o, yr + ob + o, yi + ob + o, sm, sb, w1r, w1i, w2r, w2i, w3r, w3i, true, inv, false);
    }
  }
}

/**
 * stage4 for s = 4 (the second stage of every power of two >= 64): exactly one vector per p, so
 * no inner loop; pointers advance instead of being recomputed, twiddles are splat loads.
 */
@inline export function stage4s4(xr: usize, xi: usize, yr: usize, yi: usize, m: i32, twr: usize, twi: usize, inv: bool): void {
  const sm = (<usize>m) << 4;
  const mb = (<usize>m) << 2;
  let xrp = xr, xip = xi, yrp = yr, yip = yi, wr = twr, wi = twi;
  for (let p = 0; p < m; p++) {
    const w1r = v128.load32_splat(wr), w2r = v128.load32_splat(wr + mb), w3r = v128.load32_splat(wr + 2 * mb);
    let w1i = v128.load32_splat(wi), w2i = v128.load32_splat(wi + mb), w3i = v128.load32_splat(wi + 2 * mb);
    if (inv) {
      w1i = f32x4.neg(w1i);
      w2i = f32x4.neg(w2i);
      w3i = f32x4.neg(w3i);
    }
    bf4(xrp, xip, yrp, yip, sm, 16, w1r, w1i, w2r, w2i, w3r, w3i, true, inv, true);
    xrp += 16;
    xip += 16;
    yrp += 64;
    yip += 64;
    wr += 4;
    wi += 4;
  }
}

/** 4x4 transpose of (a, b, c, d) lanes, stored as 16 consecutive f32 at y. */
@inline export function storeT(y: usize, a: v128, b: v128, c: v128, d: v128): void {
  const t0 = v128.shuffle<f32>(a, b, 0, 4, 1, 5);
  const t1 = v128.shuffle<f32>(a, b, 2, 6, 3, 7);
  const t2 = v128.shuffle<f32>(c, d, 0, 4, 1, 5);
  const t3 = v128.shuffle<f32>(c, d, 2, 6, 3, 7);
  v128.store(y, v128.shuffle<f32>(t0, t2, 0, 1, 4, 5));
  v128.store(y, v128.shuffle<f32>(t0, t2, 2, 3, 6, 7), 16);
  v128.store(y, v128.shuffle<f32>(t1, t3, 0, 1, 4, 5), 32);
  v128.store(y, v128.shuffle<f32>(t1, t3, 2, 3, 6, 7), 48);
}

/**
 * The first radix-4 stage (s = 1) vectorised over p: four butterflies at once, twiddles loaded
 * as contiguous vectors, outputs y[4p + j] written through a 4x4 register transpose.
 * Needs m % 4 == 0.
 */
@inline function stage4First(xr: usize, xi: usize, yr: usize, yi: usize, m: i32, twr: usize, twi: usize, inv: bool): void {
  const mb = (<usize>m) << 2;
  for (let p = 0; p < m; p += 4) {
    const o = (<usize>p) << 2;
    const ar = v128.load(xr + o), ai = v128.load(xi + o);
    const br = v128.load(xr + o + mb), bi = v128.load(xi + o + mb);
    const cr = v128.load(xr + o + 2 * mb), ci = v128.load(xi + o + 2 * mb);
    const dr = v128.load(xr + o + 3 * mb), di = v128.load(xi + o + 3 * mb);
    const apcR = f32x4.add(ar, cr), apcI = f32x4.add(ai, ci);
    const amcR = f32x4.sub(ar, cr), amcI = f32x4.sub(ai, ci);
    const bpdR = f32x4.add(br, dr), bpdI = f32x4.add(bi, di);
    const jR = inv ? f32x4.sub(di, bi) : f32x4.sub(bi, di);
    const jI = inv ? f32x4.sub(br, dr) : f32x4.sub(dr, br);
    const t1r = f32x4.add(amcR, jR), t1i = f32x4.add(amcI, jI);
    const t2r = f32x4.sub(apcR, bpdR), t2i = f32x4.sub(apcI, bpdI);
    const t3r = f32x4.sub(amcR, jR), t3i = f32x4.sub(amcI, jI);
    const w1r = v128.load(twr + o), w2r = v128.load(twr + o + mb), w3r = v128.load(twr + o + 2 * mb);
    let w1i = v128.load(twi + o), w2i = v128.load(twi + o + mb), w3i = v128.load(twi + o + 2 * mb);
    if (inv) {
      w1i = f32x4.neg(w1i);
      w2i = f32x4.neg(w2i);
      w3i = f32x4.neg(w3i);
    }
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

// ---- radix 8 ---------------------------------------------------------------------------------

const RSQRT2: f32 = 0.7071067811865476;

/** Twiddle j (1..7) of this butterfly, splatted: tw[(j-1)*m + p] (twp points at tw[p]). */
@inline function tw8(twp: usize, mb: usize, j: i32, neg: bool): v128 {
  const v = v128.load32_splat(twp + <usize>(j - 1) * mb);
  return neg ? f32x4.neg(v) : v;
}

/** Store (er + tr, ei + ti) at output k and (er - tr, ei - ti) at k + 4, times their twiddles. */
@inline function st8(
  yr: usize, yi: usize, k: i32, sb: usize, er: v128, ei: v128, tr: v128, ti: v128,
  twr: usize, twi: usize, mb: usize, tw: bool, inv: bool, wide: bool,
): void {
  const ob = <usize>k * sb, ob4 = <usize>(k + 4) * sb;
  const ar = f32x4.add(er, tr), ai = f32x4.add(ei, ti);
  const br = f32x4.sub(er, tr), bi = f32x4.sub(ei, ti);
  if (tw && k > 0) stMul(yr + ob, yi + ob, ar, ai, tw8(twr, mb, k, false), tw8(twi, mb, k, inv), wide);
  else {
    st(yr + ob, ar, wide);
    st(yi + ob, ai, wide);
  }
  if (tw) stMul(yr + ob4, yi + ob4, br, bi, tw8(twr, mb, k + 4, false), tw8(twi, mb, k + 4, inv), wide);
  else {
    st(yr + ob4, br, wide);
    st(yi + ob4, bi, wide);
  }
}

/**
 * Radix-8 butterfly: inputs x + t*sm, outputs y + j*sb; X[k] = E[k] + W8^k O[k],
 * X[k+4] = E[k] - W8^k O[k] with E, O the DFT4 of the even and odd inputs, then times the stage
 * twiddles (tw: twr/twi point at this p's entry, rows mb bytes apart).
 */
@inline function bf8(
  xr: usize, xi: usize, yr: usize, yi: usize, sm: usize, sb: usize,
  twr: usize, twi: usize, mb: usize, tw: bool, inv: bool, wide: bool,
): void {
  // E = DFT4(x0, x2, x4, x6)
  let ar = ld(xr, wide), ai = ld(xi, wide);
  let br = ld(xr + 2 * sm, wide), bi = ld(xi + 2 * sm, wide);
  let cr = ld(xr + 4 * sm, wide), ci = ld(xi + 4 * sm, wide);
  let dr = ld(xr + 6 * sm, wide), di = ld(xi + 6 * sm, wide);
  let t0r = f32x4.add(ar, cr), t0i = f32x4.add(ai, ci);
  let t1r = f32x4.sub(ar, cr), t1i = f32x4.sub(ai, ci);
  let t2r = f32x4.add(br, dr), t2i = f32x4.add(bi, di);
  let jR = inv ? f32x4.sub(di, bi) : f32x4.sub(bi, di);
  let jI = inv ? f32x4.sub(br, dr) : f32x4.sub(dr, br);
  const e0r = f32x4.add(t0r, t2r), e0i = f32x4.add(t0i, t2i);
  const e1r = f32x4.add(t1r, jR), e1i = f32x4.add(t1i, jI);
  const e2r = f32x4.sub(t0r, t2r), e2i = f32x4.sub(t0i, t2i);
  const e3r = f32x4.sub(t1r, jR), e3i = f32x4.sub(t1i, jI);
  // O = DFT4(x1, x3, x5, x7)
  ar = ld(xr + sm, wide);
  ai = ld(xi + sm, wide);
  br = ld(xr + 3 * sm, wide);
  bi = ld(xi + 3 * sm, wide);
  cr = ld(xr + 5 * sm, wide);
  ci = ld(xi + 5 * sm, wide);
  dr = ld(xr + 7 * sm, wide);
  di = ld(xi + 7 * sm, wide);
  t0r = f32x4.add(ar, cr);
  t0i = f32x4.add(ai, ci);
  t1r = f32x4.sub(ar, cr);
  t1i = f32x4.sub(ai, ci);
  t2r = f32x4.add(br, dr);
  t2i = f32x4.add(bi, di);
  jR = inv ? f32x4.sub(di, bi) : f32x4.sub(bi, di);
  jI = inv ? f32x4.sub(br, dr) : f32x4.sub(dr, br);
  const o0r = f32x4.add(t0r, t2r), o0i = f32x4.add(t0i, t2i);
  const o1r = f32x4.add(t1r, jR), o1i = f32x4.add(t1i, jI);
  const o2r = f32x4.sub(t0r, t2r), o2i = f32x4.sub(t0i, t2i);
  const o3r = f32x4.sub(t1r, jR), o3i = f32x4.sub(t1i, jI);
  const c = f32x4.splat(RSQRT2);
  st8(yr, yi, 0, sb, e0r, e0i, o0r, o0i, twr, twi, mb, tw, inv, wide);
  // k = 1: forward (1-i)/sqrt2, inverse (1+i)/sqrt2
  st8(
    yr, yi, 1, sb, e1r, e1i,
    f32x4.mul(c, inv ? f32x4.sub(o1r, o1i) : f32x4.add(o1r, o1i)),
    f32x4.mul(c, inv ? f32x4.add(o1r, o1i) : f32x4.sub(o1i, o1r)),
    twr, twi, mb, tw, inv, wide,
  );
  // k = 2: forward -i, inverse +i
  st8(yr, yi, 2, sb, e2r, e2i, inv ? f32x4.neg(o2i) : o2i, inv ? o2r : f32x4.neg(o2r), twr, twi, mb, tw, inv, wide);
  // k = 3: forward -(1+i)/sqrt2, inverse (-1+i)/sqrt2
  st8(
    yr, yi, 3, sb, e3r, e3i,
    f32x4.mul(c, inv ? f32x4.neg(f32x4.add(o3r, o3i)) : f32x4.sub(o3i, o3r)),
    f32x4.mul(c, inv ? f32x4.sub(o3r, o3i) : f32x4.neg(f32x4.add(o3r, o3i))),
    twr, twi, mb, tw, inv, wide,
  );
}

/** Radix-8 stage: y[q + s*(8p + j)] = (DFT8 of x[q + s*(p + t*m)]) * tw[(j-1)*m + p]. */
@inline export function stage8(xr: usize, xi: usize, yr: usize, yi: usize, s: i32, m: i32, twr: usize, twi: usize, inv: bool): void {
  const sb = (<usize>s) << 2;
  const sm = sb * <usize>m;
  const mb = (<usize>m) << 2;
  for (let p = 0; p < m; p++) {
    const ib = sb * <usize>p, ob = sb * 8 * <usize>p;
    const tr = twr + ((<usize>p) << 2), ti = twi + ((<usize>p) << 2);
    let q = 0;
    if (m > 1) {
      for (; q + 4 <= s; q += 4) {
        const o = (<usize>q) << 2;
        bf8(xr + ib + o, xi + ib + o, yr + ob + o, yi + ob + o, sm, sb, tr, ti, mb, true, inv, true);
      }
    } else {
      for (; q + 4 <= s; q += 4) {
        const o = (<usize>q) << 2;
        bf8(xr + ib + o, xi + ib + o, yr + ob + o, yi + ob + o, sm, sb, tr, ti, mb, false, inv, true);
      }
    }
    for (; q < s; q++) {
      const o = (<usize>q) << 2;
      bf8(xr + ib + o, xi + ib + o, yr + ob + o, yi + ob + o, sm, sb, tr, ti, mb, true, inv, false);
    }
  }
}

// ---- radix 3 ---------------------------------------------------------------------------------

@inline function bf3(
  xr: usize, xi: usize, yr: usize, yi: usize, sm: usize, sb: usize,
  w1r: v128, w1i: v128, w2r: v128, w2i: v128, inv: bool, wide: bool,
): void {
  const ar = ld(xr, wide), ai = ld(xi, wide);
  const br = ld(xr + sm, wide), bi = ld(xi + sm, wide);
  const cr = ld(xr + 2 * sm, wide), ci = ld(xi + 2 * sm, wide);
  const t1r = f32x4.add(br, cr), t1i = f32x4.add(bi, ci);
  const half = f32x4.splat(0.5), k = f32x4.splat(SIN60);
  const t2r = f32x4.sub(ar, f32x4.mul(half, t1r)), t2i = f32x4.sub(ai, f32x4.mul(half, t1i));
  // j = -i sin60 (b-c) forward, +i inverse
  const dr = f32x4.mul(k, f32x4.sub(br, cr)), di = f32x4.mul(k, f32x4.sub(bi, ci));
  const jR = inv ? f32x4.neg(di) : di;
  const jI = inv ? dr : f32x4.neg(dr);
  st(yr, f32x4.add(ar, t1r), wide);
  st(yi, f32x4.add(ai, t1i), wide);
  stMul(yr + sb, yi + sb, f32x4.add(t2r, jR), f32x4.add(t2i, jI), w1r, w1i, wide);
  stMul(yr + 2 * sb, yi + 2 * sb, f32x4.sub(t2r, jR), f32x4.sub(t2i, jI), w2r, w2i, wide);
}

@inline function stage3(xr: usize, xi: usize, yr: usize, yi: usize, s: i32, m: i32, twr: usize, twi: usize, inv: bool): void {
  const sb = (<usize>s) << 2;
  const sm = sb * <usize>m;
  for (let p = 0; p < m; p++) {
    const w1r = twSplat(twr, p, false), w1i = twSplat(twi, p, inv);
    const w2r = twSplat(twr, m + p, false), w2i = twSplat(twi, m + p, inv);
    const ib = sb * <usize>p, ob = sb * 3 * <usize>p;
    let q = 0;
    for (; q + 4 <= s; q += 4) {
      const o = (<usize>q) << 2;
      bf3(xr + ib + o, xi + ib + o, yr + ob + o, yi + ob + o, sm, sb, w1r, w1i, w2r, w2i, inv, true);
    }
    for (; q < s; q++) {
      const o = (<usize>q) << 2;
      bf3(xr + ib + o, xi + ib + o, yr + ob + o, yi + ob + o, sm, sb, w1r, w1i, w2r, w2i, inv, false);
    }
  }
}

// ---- radix 5 ---------------------------------------------------------------------------------

@inline function bf5(xr: usize, xi: usize, yr: usize, yi: usize, sm: usize, sb: usize, tw: usize, twi: usize, m: usize, inv: bool, wide: bool): void {
  // tw, twi: this p's twiddle in the re and im tables; rows j-1 are m words apart
  const ar = ld(xr, wide), ai = ld(xi, wide);
  const br = ld(xr + sm, wide), bi = ld(xi + sm, wide);
  const cr = ld(xr + 2 * sm, wide), ci = ld(xi + 2 * sm, wide);
  const dr = ld(xr + 3 * sm, wide), di = ld(xi + 3 * sm, wide);
  const er = ld(xr + 4 * sm, wide), ei = ld(xi + 4 * sm, wide);
  const t1r = f32x4.add(br, er), t1i = f32x4.add(bi, ei);
  const t2r = f32x4.add(cr, dr), t2i = f32x4.add(ci, di);
  const t3r = f32x4.sub(br, er), t3i = f32x4.sub(bi, ei);
  const t4r = f32x4.sub(cr, dr), t4i = f32x4.sub(ci, di);
  const c1 = f32x4.splat(C1), c2 = f32x4.splat(C2), s1 = f32x4.splat(S1), s2 = f32x4.splat(S2);
  const r1r = f32x4.add(ar, f32x4.add(f32x4.mul(c1, t1r), f32x4.mul(c2, t2r)));
  const r1i = f32x4.add(ai, f32x4.add(f32x4.mul(c1, t1i), f32x4.mul(c2, t2i)));
  const r2r = f32x4.add(ar, f32x4.add(f32x4.mul(c2, t1r), f32x4.mul(c1, t2r)));
  const r2i = f32x4.add(ai, f32x4.add(f32x4.mul(c2, t1i), f32x4.mul(c1, t2i)));
  const i1r = f32x4.add(f32x4.mul(s1, t3r), f32x4.mul(s2, t4r));
  const i1i = f32x4.add(f32x4.mul(s1, t3i), f32x4.mul(s2, t4i));
  const i2r = f32x4.sub(f32x4.mul(s2, t3r), f32x4.mul(s1, t4r));
  const i2i = f32x4.sub(f32x4.mul(s2, t3i), f32x4.mul(s1, t4i));
  // y1 = r1 -+ i*i1 (forward -), y4 = r1 +- i*i1, y2 = r2 -+ i*i2, y3 = r2 +- i*i2
  const j1r = inv ? f32x4.neg(i1i) : i1i;
  const j1i = inv ? i1r : f32x4.neg(i1r);
  const j2r = inv ? f32x4.neg(i2i) : i2i;
  const j2i = inv ? i2r : f32x4.neg(i2r);
  st(yr, f32x4.add(ar, f32x4.add(t1r, t2r)), wide);
  st(yi, f32x4.add(ai, f32x4.add(t1i, t2i)), wide);
  const mb = m << 2;
  for (let j = 1; j < 5; j++) {
    const jb = <usize>(j - 1) * mb;
    let wr = f32x4.splat(load<f32>(tw + jb));
    let wi = f32x4.splat(load<f32>(twi + jb));
    if (inv) wi = f32x4.neg(wi);
    let ur: v128, ui: v128;
    if (j == 1) {
      ur = f32x4.add(r1r, j1r);
      ui = f32x4.add(r1i, j1i);
    } else if (j == 2) {
      ur = f32x4.add(r2r, j2r);
      ui = f32x4.add(r2i, j2i);
    } else if (j == 3) {
      ur = f32x4.sub(r2r, j2r);
      ui = f32x4.sub(r2i, j2i);
    } else {
      ur = f32x4.sub(r1r, j1r);
      ui = f32x4.sub(r1i, j1i);
    }
    const ob = <usize>j * sb;
    stMul(yr + ob, yi + ob, ur, ui, wr, wi, wide);
  }
}

@inline function stage5(xr: usize, xi: usize, yr: usize, yi: usize, s: i32, m: i32, twr: usize, twi: usize, inv: bool): void {
  const sb = (<usize>s) << 2;
  const sm = sb * <usize>m;
  for (let p = 0; p < m; p++) {
    const tw = twr + ((<usize>p) << 2), twI = twi + ((<usize>p) << 2);
    const ib = sb * <usize>p, ob = sb * 5 * <usize>p;
    let q = 0;
    for (; q + 4 <= s; q += 4) {
      const o = (<usize>q) << 2;
      bf5(xr + ib + o, xi + ib + o, yr + ob + o, yi + ob + o, sm, sb, tw, twI, <usize>m, inv, true);
    }
    for (; q < s; q++) {
      const o = (<usize>q) << 2;
      bf5(xr + ib + o, xi + ib + o, yr + ob + o, yi + ob + o, sm, sb, tw, twI, <usize>m, inv, false);
    }
  }
}

// ---- drivers ---------------------------------------------------------------------------------

@inline function runStage(d: usize, xr: usize, xi: usize, yr: usize, yi: usize, inv: bool): void {
  const r = load<i32>(d), s = load<i32>(d, 4), m = load<i32>(d, 8);
  const twr = <usize>load<i32>(d, 12), twi = <usize>load<i32>(d, 16);
  if (r == 4) {
    if (s == 1 && (m & 3) == 0) stage4First(xr, xi, yr, yi, m, twr, twi, inv);
    else if (s == 4 && m > 1) stage4s4(xr, xi, yr, yi, m, twr, twi, inv);
    else stage4(xr, xi, yr, yi, s, m, twr, twi, inv);
  } else if (r == 8) stage8(xr, xi, yr, yi, s, m, twr, twi, inv);
  else if (r == 2) stage2(xr, xi, yr, yi, s, m, twr, twi, inv);
  else if (r == 3) stage3(xr, xi, yr, yi, s, m, twr, twi, inv);
  else stage5(xr, xi, yr, yi, s, m, twr, twi, inv);
}

/** Stage i of a Stockham descriptor from planes x to planes y. */
export function runStageAt(desc: usize, i: i32, xr: usize, xi: usize, yr: usize, yi: usize, inv: bool): void {
  const d = desc + 32 + 32 * <usize>i;
  if (inv) runStage(d, xr, xi, yr, yi, true);
  else runStage(d, xr, xi, yr, yi, false);
}

/**
 * Largest n whose plan's stages runSmallStage lists (from n = 128: n = 64 gained ~2 % for its
 * code; past 2048 the loops run long enough to hide the address arithmetic).
 */
export const SMALL_N = 2048;

/**
 * The stages of the power-of-two plans of 128..SMALL_N (radices as js/fft-plan.ts lays them out),
 * each inlined with its stride s and count m as literals: every load and store of a butterfly then
 * addresses its operand at a constant offset from one pointer (folded into the instruction), where
 * with s and m read from the descriptor each took its own address arithmetic, about a fifth of
 * the instructions at these sizes. Measured side by side, bit-identical results: rfft(n) 6-12 %
 * faster for n = 256..4096, fft(n) 7-18 % for n = 128..2048, irfft(n) 1-8 %; larger sizes, which
 * take none of it, within +-3 %. The wasm grows by 50 KB (5.6 KB gzipped). False for a shape not
 * listed.
 */
@inline function runSmallStage(r: i32, s: i32, m: i32, xr: usize, xi: usize, yr: usize, yi: usize, twr: usize, twi: usize, inv: bool): bool {
  if (r == 4 && s == 1) {
    if (m == 32) stage4First(xr, xi, yr, yi, 32, twr, twi, inv);
    else if (m == 64) stage4First(xr, xi, yr, yi, 64, twr, twi, inv);
    else if (m == 128) stage4First(xr, xi, yr, yi, 128, twr, twi, inv);
    else if (m == 256) stage4First(xr, xi, yr, yi, 256, twr, twi, inv);
    else if (m == 512) stage4First(xr, xi, yr, yi, 512, twr, twi, inv);
    else return false;
  } else if (r == 4 && s == 4) {
    if (m == 8) stage4s4(xr, xi, yr, yi, 8, twr, twi, inv);
    else if (m == 16) stage4s4(xr, xi, yr, yi, 16, twr, twi, inv);
    else if (m == 32) stage4s4(xr, xi, yr, yi, 32, twr, twi, inv);
    else if (m == 64) stage4s4(xr, xi, yr, yi, 64, twr, twi, inv);
    else if (m == 128) stage4s4(xr, xi, yr, yi, 128, twr, twi, inv);
    else return false;
  } else if (r == 4 && s == 16) {
    if (m == 4) stage4(xr, xi, yr, yi, 16, 4, twr, twi, inv);
    else if (m == 8) stage4(xr, xi, yr, yi, 16, 8, twr, twi, inv);
    else if (m == 16) stage4(xr, xi, yr, yi, 16, 16, twr, twi, inv);
    else if (m == 32) stage4(xr, xi, yr, yi, 16, 32, twr, twi, inv);
    else return false;
  } else if (r == 4 && s == 64) {
    if (m == 1) stage4(xr, xi, yr, yi, 64, 1, twr, twi, inv);
    else if (m == 4) stage4(xr, xi, yr, yi, 64, 4, twr, twi, inv);
    else if (m == 8) stage4(xr, xi, yr, yi, 64, 8, twr, twi, inv);
    else return false;
  } else if (r == 4 && s == 256 && m == 1) stage4(xr, xi, yr, yi, 256, 1, twr, twi, inv);
  else if (r == 8 && m == 1) {
    if (s == 16) stage8(xr, xi, yr, yi, 16, 1, twr, twi, inv);
    else if (s == 64) stage8(xr, xi, yr, yi, 64, 1, twr, twi, inv);
    else if (s == 256) stage8(xr, xi, yr, yi, 256, 1, twr, twi, inv);
    else return false;
  } else return false;
  return true;
}

/**
 * runStageAt for a plan of n <= SMALL_N: its listed shapes through runSmallStage, in a function
 * apart (inlined into runStageAt, that code made V8 compile the general stages worse: the larger
 * transforms ran 2-3 % slower), any other through runStageAt.
 */
export function runSmallStageAt(desc: usize, i: i32, xr: usize, xi: usize, yr: usize, yi: usize, inv: bool): void {
  const d = desc + 32 + 32 * <usize>i;
  const r = load<i32>(d), s = load<i32>(d, 4), m = load<i32>(d, 8);
  const twr = <usize>load<i32>(d, 12), twi = <usize>load<i32>(d, 16);
  if (inv ? runSmallStage(r, s, m, xr, xi, yr, yi, twr, twi, true) : runSmallStage(r, s, m, xr, xi, yr, yi, twr, twi, false)) return;
  runStageAt(desc, i, xr, xi, yr, yi, inv);
}

/** Whether the plan at desc is one runSmallStage serves (n <= SMALL_N). */
@inline export function isSmallPlan(desc: usize): bool {
  return load<i32>(desc) <= SMALL_N;
}

/** Stage i of a plan: runSmallStageAt for a small plan (isSmallPlan), runStageAt otherwise. */
@inline export function planStageAt(desc: usize, small: bool, i: i32, xr: usize, xi: usize, yr: usize, yi: usize, inv: bool): void {
  if (small) runSmallStageAt(desc, i, xr, xi, yr, yi, inv);
  else runStageAt(desc, i, xr, xi, yr, yi, inv);
}

/** The stage chain x -> ... -> out; destinations from the end are out, A, B, A, ... */
function stockham(desc: usize, xr: usize, xi: usize, yr: usize, yi: usize, inv: bool): void {
  const S = load<i32>(desc, 4);
  if (S == 0) {
    store<f32>(yr, load<f32>(xr));
    store<f32>(yi, load<f32>(xi));
    return;
  }
  const aR = <usize>load<i32>(desc, 8), aI = <usize>load<i32>(desc, 12);
  const bR = <usize>load<i32>(desc, 16), bI = <usize>load<i32>(desc, 20);
  const small = isSmallPlan(desc);
  let sr = xr, si = xi;
  for (let i = 0; i < S; i++) {
    const back = S - 1 - i;
    const dr = back == 0 ? yr : (back & 1) ? aR : bR;
    const di = back == 0 ? yi : (back & 1) ? aI : bI;
    planStageAt(desc, small, i, sr, si, dr, di, inv);
    sr = dr;
    si = di;
  }
}

/** out[k] = a[k] * (cr + i ci)[k] for k < n, with the chirp conjugated when conj. */
@inline function chirpMul(ar: usize, ai: usize, cr: usize, ci: usize, or: usize, oi: usize, n: i32, conj: bool): void {
  let k = 0;
  for (; k + 4 <= n; k += 4) {
    const o = (<usize>k) << 2;
    const xr = v128.load(ar + o), xi = v128.load(ai + o);
    const wr = v128.load(cr + o);
    let wi = v128.load(ci + o);
    if (conj) wi = f32x4.neg(wi);
    stMul(or + o, oi + o, xr, xi, wr, wi, true);
  }
  for (; k < n; k++) {
    const o = (<usize>k) << 2;
    const xr = load<f32>(ar + o), xi = load<f32>(ai + o);
    const wr = load<f32>(cr + o);
    const wi = conj ? -load<f32>(ci + o) : load<f32>(ci + o);
    store<f32>(or + o, xr * wr - xi * wi);
    store<f32>(oi + o, xr * wi + xi * wr);
  }
}

function bluestein(desc: usize, xr: usize, xi: usize, yr: usize, yi: usize, inv: bool): void {
  const n = load<i32>(desc);
  const inner = <usize>load<i32>(desc, 8);
  const M = load<i32>(desc, 12);
  const chR = <usize>load<i32>(desc, 16), chI = <usize>load<i32>(desc, 20);
  const spR = <usize>(inv ? load<i32>(desc, 32) : load<i32>(desc, 24));
  const spI = <usize>(inv ? load<i32>(desc, 36) : load<i32>(desc, 28));
  const cR = <usize>load<i32>(desc, 40), cI = <usize>load<i32>(desc, 44);
  if (inv) chirpMul(xr, xi, chR, chI, cR, cI, n, true);
  else chirpMul(xr, xi, chR, chI, cR, cI, n, false);
  const nb = (<usize>n) << 2;
  memory.fill(cR + nb, 0, ((<usize>M) << 2) - nb);
  memory.fill(cI + nb, 0, ((<usize>M) << 2) - nb);
  stockham(inner, cR, cI, cR, cI, false);
  chirpMul(cR, cI, spR, spI, cR, cI, M, false);
  stockham(inner, cR, cI, cR, cI, true);
  if (inv) chirpMul(cR, cI, chR, chI, yr, yi, n, true);
  else chirpMul(cR, cI, chR, chI, yr, yi, n, false);
}

/** One row: unnormalised forward (inv = false) or inverse (+i, no 1/n) transform. */
export function transformRow(desc: usize, xr: usize, xi: usize, yr: usize, yi: usize, inv: bool): void {
  if (load<i32>(desc, 4) < 0) bluestein(desc, xr, xi, yr, yi, inv);
  else stockham(desc, xr, xi, yr, yi, inv);
}

/** Multiply n f32 at p by c in place. */
export function fftScale(p: usize, n: i32, c: f32): void {
  fftScaleTo(p, p, n, c);
}

/** dst[k] = c src[k] for n f32 (dst may be src). */
function fftScaleTo(src: usize, dst: usize, n: i32, c: f32): void {
  const cv = f32x4.splat(c);
  let k = 0;
  for (; k + 4 <= n; k += 4) {
    const o = (<usize>k) << 2;
    v128.store(dst + o, f32x4.mul(v128.load(src + o), cv));
  }
  for (; k < n; k++) {
    const o = (<usize>k) << 2;
    store<f32>(dst + o, load<f32>(src + o) * c);
  }
}

/**
 * Complex FFT of `batch` contiguous rows of n (n from the descriptor). Shapes: x, out
 * (batch, n) split planes; `out` may be `x`. inverse != 0: exp(+2 pi i jk/n); every output is
 * multiplied by `scale` (1/n for numpy's ifft, 1 for unnormalised). The scale is applied to the
 * input, before the sums: applied after, a spectrum of 1e36 at n = 1024 summed past float32's
 * range and came out Infinity although its transform (1e36) fits (found by fuzzing).
 */
export function fftRows(desc: usize, xRe: usize, xIm: usize, outRe: usize, outIm: usize, batch: i32, inverse: i32, scale: f32): void {
  const n = load<i32>(desc);
  const rb = (<usize>n) << 2;
  for (let r = 0; r < batch; r++) {
    const o = rb * <usize>r;
    if (scale != 1) {
      fftScaleTo(xRe + o, outRe + o, n, scale);
      fftScaleTo(xIm + o, outIm + o, n, scale);
      transformRow(desc, outRe + o, outIm + o, outRe + o, outIm + o, inverse != 0);
    } else transformRow(desc, xRe + o, xIm + o, outRe + o, outIm + o, inverse != 0);
  }
}
