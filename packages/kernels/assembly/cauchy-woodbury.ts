// The S4 DPLR rank-1 resolvent in one kernel: four conjugate-pair Cauchy sums (numerator sets)
// sharing one denominator per (pole, node), reduced in registers and combined by the Woodbury
// identity, out[h,m] = f[m] * (r0 - r1*r2/(1 + r3)). The pair fraction and the hi + lo node
// precision are those of cauchy.ts (see its header); as in cauchy-imag.ts, a pole far from a
// group of 4 nodes (|w| outside a factor sqrt(NEAR_R2) of their y) forms dr = |w|^2 - y^2,
// 1 add where the hi + lo form takes 5 and a multiply (same error bound: see there). The caller
// passes each channel's poles sorted by |w|^2, so the near ones are one run of a chunk, found by
// binary search.
// Poles much nearer to 0 or much farther out than a group's nodes (|w| < y/3 or >= 3y) are not
// summed one by one: their sums come from the series tables of cauchy-series.ts (channels of up to
// QS_POLES poles; longer ones sum every pole), so only the poles within a factor 3 of y cost a
// fraction each. For S4's LegS poles (H = 256, N = 64, L = 4096) that is 7.7 of 32 a group, and
// the kernel takes 0.66x the time of summing every pole (tables built per channel included).
// Kernels never allocate.
import { QS_POLES } from "./cauchy-scratch";
import { buildSeriesTables, ROW_BYTES, SERIES_R2, series8, seriesTableBytes } from "./cauchy-series";
import { laneMax, laneMin, NEAR_R2 } from "./cauchy-window";

/**
 * out[h,m] = f[m] * (r0 - r1 r2 / (1 + r3)), r_s = conjugate-pair Cauchy sum of numerator set s.
 * For S4 DPLR rank 1 the sets are r0 = r(B, C~), r1 = r(B, Q), r2 = r(P, C~), r3 = r(P, Q)
 * (numerators v = dt x y); f = 2/(1+omega).
 * Nodes must be PURELY IMAGINARY with y >= 0, z = i y (the bilinear nodes 2i tan(pi k/L)). Then
 * (z-w)(z-w̄) = (wr^2 - (y-wi)(y+wi)) - 2i wr y = (|w|^2 - y^2) - 2i wr y and each numerator
 * a z - b (a = 2Re v, b = 2Re(v w̄)) is -b + i a y. A pair is unchanged by (v, w) -> (conj v,
 * conj w), which leaves a and b alone, so wi is passed as |Im w|. The caller
 * (CauchyWoodburyPlan) passes these prepared, so the node loop only splat-loads with constant
 * offsets from running pointers:
 *   ab:  (H, N, 8) f32: [a0 a1 a2 a3 -b0 -b1 -b2 -b3] per (h, n)
 *   wq:  (H, N, 4) f32: [|w|^2, 2 wr, |wi|_hi, |wi|_lo] per (h, n), each channel's poles (and
 *        their ab rows) in ascending |w|^2
 *   y:   (Mp) hi then (Mp) lo, Mp = M rounded up to 4 (lane groups are read whole)
 *   f:   (Mp) re and im planes; out (H, M) re and im planes.
 *   qs:  scratch of cauchyWoodburyScratchBytes(N): the per-pole reciprocals between passes, then
 *        (N <= QS_POLES) a channel's series tables (the caller's, not a static buffer: threads
 *        running disjoint channel ranges each pass their own)
 */
const RECIPROCAL_BYTES: i32 = 32 * QS_POLES;

/** Bytes of the `qs` scratch cauchyWoodbury1 needs for N poles a channel. */
export function cauchyWoodburyScratchBytes(N: i32): i32 {
  return N <= QS_POLES ? RECIPROCAL_BYTES + seriesTableBytes(N) : RECIPROCAL_BYTES;
}

export function cauchyWoodbury1(
  ab: usize, wq: usize, y: usize, fRe: usize, fIm: usize, outRe: usize, outIm: usize, H: i32, N: i32, M: i32, qs: usize,
): void {
  const yLo = (<usize>((M + 3) & ~3)) << 2;
  const ts: usize = N <= QS_POLES ? qs + RECIPROCAL_BYTES : 0;
  const suffixRows = ts + <usize>((N + 1) * ROW_BYTES);
  const sr = ts + <usize>(2 * (N + 1) * ROW_BYTES); // 8 vectors: the series' Re, Im of sets 0..3
  for (let h = 0; h < H; h++) {
    const oo = (<usize>(h * M)) << 2;
    const abRow = ab + ((<usize>(h * N)) << 5);
    const wqRow = wq + ((<usize>(h * N)) << 4);
    if (ts != 0) buildSeriesTables(abRow, wqRow, N, ts);
    for (let m = 0; m < M; m += 4) {
      const mo = (<usize>m) << 2;
      const yh = v128.load(y + mo), yl = v128.load(y + yLo + mo);
      // Three passes over the poles. Pass 1 forms q = 1/((z-w)(z-w̄)) per pole and keeps it in qs:
      // its divide and long dependency chain run alone, so many poles are in flight at once.
      // Passes 2 and 3 read q back for sets 0, 1 and 2, 3: eight accumulators each, as many as
      // x64's 16 vector registers hold without spilling. Each set keeps [nb qr, nb qi, a qr, a qi]
      // and multiplies by y once per node at the end, r_s = (P - y T) + i (Q + y S): 4 multiplies
      // per (pole, set) where forming a y per pole took 5 (the multiply pipes are the limit;
      // 0.85x the time of the earlier two passes). Poles go in chunks of QS_POLES.
      let p0 = f32x4.splat(0), q0 = f32x4.splat(0), s0 = f32x4.splat(0), t0 = f32x4.splat(0);
      let p1 = f32x4.splat(0), q1 = f32x4.splat(0), s1 = f32x4.splat(0), t1 = f32x4.splat(0);
      let p2 = f32x4.splat(0), q2 = f32x4.splat(0), s2 = f32x4.splat(0), t2 = f32x4.splat(0);
      let p3 = f32x4.splat(0), q3 = f32x4.splat(0), s3 = f32x4.splat(0), t3 = f32x4.splat(0);
      // the window of poles near these 4 nodes: |w|^2 within [min y^2 / R2, max y^2 R2]
      const y2 = f32x4.mul(yh, yh);
      const y2min = laneMin(y2), y2max = laneMax(y2);
      const loC = y2min / NEAR_R2, hiC = y2max * NEAR_R2;
      // poles [0, j0) and [j1, N) go by series: |w|^2 < min y^2 / 9 (none when a y is 0) and
      // |w|^2 >= max y^2 9 (none when every y is 0)
      let j0 = 0, j1 = N;
      if (ts != 0) {
        j0 = firstKey(wqRow, N, y2min / SERIES_R2, false);
        if (y2max > 0) j1 = firstKey(wqRow, N, y2max * SERIES_R2, false);
      }
      // the series' parts of the four sums first, into sr (the registers hold the passes' sums)
      if (j0 > 0) {
        // poles well inside: tau = c / y, u = tau^2, Re r = (tau / y) sum A_m u^m, Im r = (1/y) sum B_m u^m
        const row = ts + <usize>(j0 * ROW_BYTES);
        const iy = f32x4.div(f32x4.splat(1), yh);
        const tau = f32x4.mul(v128.load32_splat(row), iy);
        seriesSums(row + 16, f32x4.mul(tau, tau), f32x4.mul(tau, iy), iy, sr, false);
      }
      if (j1 < N) {
        // poles well outside: sig = y / d, u = sig^2, Re r = (1/d) sum C_m u^m, Im r = (sig/d) sum D_m u^m
        const row = suffixRows + <usize>(j1 * ROW_BYTES);
        const id = v128.load32_splat(row);
        const sig = f32x4.mul(yh, id);
        seriesSums(row + 16, f32x4.mul(sig, sig), id, f32x4.mul(sig, id), sr, j0 > 0);
      }
      for (let n0 = j0; n0 < j1; n0 += QS_POLES) {
        const n1 = min(j1, n0 + QS_POLES);
        const pw = wqRow + ((<usize>n0) << 4);
        // pass 1: the near run [ia, ib) of the chunk by hi + lo, the rest by |w|^2 - y^2
        const ia = firstKey(pw, n1 - n0, loC, false), ib = firstKey(pw, n1 - n0, hiC, true);
        farPoles(pw, qs, 0, ia, yh, y2);
        nearPoles(pw, qs, ia, ib, yh, yl);
        farPoles(pw, qs, ib, n1 - n0, yh, y2);
        let pq = qs;
        let pab = abRow + ((<usize>n0) << 5);
        for (let n = n0; n < n1; n++) {
          const qr = v128.load(pq), qi = v128.load(pq, 16);
          let a = v128.load32_splat(pab), nb = v128.load32_splat(pab, 16);
          p0 = f32x4.add(p0, f32x4.mul(nb, qr));
          q0 = f32x4.add(q0, f32x4.mul(nb, qi));
          s0 = f32x4.add(s0, f32x4.mul(a, qr));
          t0 = f32x4.add(t0, f32x4.mul(a, qi));
          a = v128.load32_splat(pab, 4);
          nb = v128.load32_splat(pab, 20);
          p1 = f32x4.add(p1, f32x4.mul(nb, qr));
          q1 = f32x4.add(q1, f32x4.mul(nb, qi));
          s1 = f32x4.add(s1, f32x4.mul(a, qr));
          t1 = f32x4.add(t1, f32x4.mul(a, qi));
          pab += 32;
          pq += 32;
        }
        pab = abRow + ((<usize>n0) << 5);
        pq = qs;
        for (let n = n0; n < n1; n++) {
          const qr = v128.load(pq), qi = v128.load(pq, 16);
          let a = v128.load32_splat(pab, 8), nb = v128.load32_splat(pab, 24);
          p2 = f32x4.add(p2, f32x4.mul(nb, qr));
          q2 = f32x4.add(q2, f32x4.mul(nb, qi));
          s2 = f32x4.add(s2, f32x4.mul(a, qr));
          t2 = f32x4.add(t2, f32x4.mul(a, qi));
          a = v128.load32_splat(pab, 12);
          nb = v128.load32_splat(pab, 28);
          p3 = f32x4.add(p3, f32x4.mul(nb, qr));
          q3 = f32x4.add(q3, f32x4.mul(nb, qi));
          s3 = f32x4.add(s3, f32x4.mul(a, qr));
          t3 = f32x4.add(t3, f32x4.mul(a, qi));
          pab += 32;
          pq += 32;
        }
      }
      // sum of (nb + i a y) q: Re = P - y T, Im = Q + y S
      let r0r = f32x4.sub(p0, f32x4.mul(yh, t0)), r0i = f32x4.add(q0, f32x4.mul(yh, s0));
      let r1r = f32x4.sub(p1, f32x4.mul(yh, t1)), r1i = f32x4.add(q1, f32x4.mul(yh, s1));
      let r2r = f32x4.sub(p2, f32x4.mul(yh, t2)), r2i = f32x4.add(q2, f32x4.mul(yh, s2));
      let r3r = f32x4.sub(p3, f32x4.mul(yh, t3)), r3i = f32x4.add(q3, f32x4.mul(yh, s3));
      if (j0 > 0 || j1 < N) {
        r0r = f32x4.add(r0r, v128.load(sr));
        r0i = f32x4.add(r0i, v128.load(sr, 16));
        r1r = f32x4.add(r1r, v128.load(sr, 32));
        r1i = f32x4.add(r1i, v128.load(sr, 48));
        r2r = f32x4.add(r2r, v128.load(sr, 64));
        r2i = f32x4.add(r2i, v128.load(sr, 80));
        r3r = f32x4.add(r3r, v128.load(sr, 96));
        r3i = f32x4.add(r3i, v128.load(sr, 112));
      }
      // k = r0 - r1 (r2 / (1 + r3)), then times f. The quotient goes first, with 1 + r3 scaled by
      // its larger part (Smith's division), so neither |1 + r3|^2 nor r1 r2 can overflow float32
      // while the result fits: unscaled, |1 + r3| > 1.8e19 dropped the term (1/Inf = 0) and
      // |r| > 7e12 gave NaN (found by fuzzing against the float64 twin).
      const er = f32x4.add(r3r, f32x4.splat(1));
      const sinv = f32x4.div(f32x4.splat(1), f32x4.pmax(f32x4.abs(er), f32x4.abs(r3i)));
      const ar = f32x4.mul(er, sinv), ai = f32x4.mul(r3i, sinv); // max(|ar|, |ai|) = 1
      const w = f32x4.div(sinv, f32x4.add(f32x4.mul(ar, ar), f32x4.mul(ai, ai)));
      // q = r2 conj(a) w = r2 / (1 + r3)
      const qr = f32x4.mul(f32x4.add(f32x4.mul(r2r, ar), f32x4.mul(r2i, ai)), w);
      const qi = f32x4.mul(f32x4.sub(f32x4.mul(r2i, ar), f32x4.mul(r2r, ai)), w);
      const kr = f32x4.sub(r0r, f32x4.sub(f32x4.mul(r1r, qr), f32x4.mul(r1i, qi)));
      const ki = f32x4.sub(r0i, f32x4.add(f32x4.mul(r1r, qi), f32x4.mul(r1i, qr)));
      const fr = v128.load(fRe + mo), fi = v128.load(fIm + mo);
      const yr = f32x4.sub(f32x4.mul(kr, fr), f32x4.mul(ki, fi));
      const yi = f32x4.add(f32x4.mul(kr, fi), f32x4.mul(ki, fr));
      if (m + 4 <= M) {
        v128.store(outRe + oo + mo, yr);
        v128.store(outIm + oo + mo, yi);
      } else {
        // ragged end: padding lanes are discarded
        const rest = M - m;
        store<f32>(outRe + oo + mo, f32x4.extract_lane(yr, 0));
        store<f32>(outIm + oo + mo, f32x4.extract_lane(yi, 0));
        if (rest > 1) {
          store<f32>(outRe + oo + mo + 4, f32x4.extract_lane(yr, 1));
          store<f32>(outIm + oo + mo + 4, f32x4.extract_lane(yi, 1));
        }
        if (rest > 2) {
          store<f32>(outRe + oo + mo + 8, f32x4.extract_lane(yr, 2));
          store<f32>(outIm + oo + mo + 8, f32x4.extract_lane(yi, 2));
        }
      }
    }
  }
}

/**
 * Index of the first of the n ascending keys |w|^2 at pw (16-byte rows) that is >= x, or > x
 * when orEqual (keys equal to x then count as below): the ends of the near run.
 */
@inline function firstKey(pw: usize, n: i32, x: f32, orEqual: bool): i32 {
  let lo = 0, hi = n;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    const k = load<f32>(pw + ((<usize>mid) << 4));
    if (orEqual ? k <= x : k < x) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/**
 * The series of table row p (coefficients from p, see cauchy-series.ts) for the four sets into
 * sr (Re, Im per set), or added to it: Re = reScale sum_m A_m u^m, Im = imScale sum_m B_m u^m.
 */
@inline function seriesSums(p: usize, u: v128, reScale: v128, imScale: v128, sr: usize, add: bool): void {
  const u2 = f32x4.mul(u, u), u4 = f32x4.mul(u2, u2);
  for (let s = 0; s < 4; s++) {
    let re = f32x4.mul(series8(p, u, u2, u4), reScale);
    let im = f32x4.mul(series8(p + 16, u, u2, u4), imScale);
    if (add) {
      re = f32x4.add(re, v128.load(sr));
      im = f32x4.add(im, v128.load(sr, 16));
    }
    v128.store(sr, re);
    v128.store(sr, im, 16);
    p += 4;
    sr += 32;
  }
}

/** Pass 1 for poles [i0, i1) of a chunk far from the node group: dr = |w|^2 - y^2. */
@inline function farPoles(pw: usize, qs: usize, i0: i32, i1: i32, yh: v128, y2: v128): void {
  let pq = qs + ((<usize>i0) << 5);
  const end = pw + ((<usize>i1) << 4);
  for (let t = pw + ((<usize>i0) << 4); t < end; t += 16) {
    const dr = f32x4.sub(v128.load32_splat(t), y2);
    const tt = f32x4.mul(v128.load32_splat(t, 4), yh);
    const inv = f32x4.div(f32x4.splat(1), f32x4.add(f32x4.mul(dr, dr), f32x4.mul(tt, tt)));
    v128.store(pq, f32x4.mul(dr, inv));
    v128.store(pq, f32x4.mul(tt, inv), 16);
    pq += 32;
  }
}

/**
 * Pass 1 for poles [i0, i1) near the node group: den = (wr^2 - (y - wi)(y + wi)) - i 2 wr y,
 * q = conj(den)/|den|^2. With wi = |Im w| and y >= 0 only y - wi can cancel, so only it is
 * formed from hi + lo parts.
 */
@inline function nearPoles(pw: usize, qs: usize, i0: i32, i1: i32, yh: v128, yl: v128): void {
  let pq = qs + ((<usize>i0) << 5);
  const end = pw + ((<usize>i1) << 4);
  for (let t = pw + ((<usize>i0) << 4); t < end; t += 16) {
    const tw = v128.load32_splat(t, 4), wi = v128.load32_splat(t, 8), wil = v128.load32_splat(t, 12);
    const mi = f32x4.add(f32x4.sub(yh, wi), f32x4.sub(yl, wil));
    const dr = f32x4.sub(f32x4.mul(f32x4.mul(tw, tw), f32x4.splat(0.25)), f32x4.mul(mi, f32x4.add(yh, wi)));
    const tt = f32x4.mul(tw, yh);
    const inv = f32x4.div(f32x4.splat(1), f32x4.add(f32x4.mul(dr, dr), f32x4.mul(tt, tt)));
    v128.store(pq, f32x4.mul(dr, inv));
    v128.store(pq, f32x4.mul(tt, inv), 16);
    pq += 32;
  }
}
