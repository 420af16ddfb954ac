// cauchyConj for one numerator set at purely imaginary nodes z = i y, y >= 0 (S4's bilinear
// nodes 2i tan(pi k/L)): cauchy.ts sends such calls here.
//
// Algebra (as cauchyWoodbury1): (z-w)(z-w̄) = dr - i t with dr = wr^2 - (y-wi)(y+wi) and
// t = 2 wr y; the numerator a z - b = nb + i a y (a = 2Re v, nb = -2Re(v w̄)). With
// inv = 1/(dr^2 + t^2) the pair's sum is
//   Re = (nb dr - a' y^2) inv,   Im = y (b' + a dr) inv,   a' = 2 a wr, b' = 2 nb wr,
// accumulated per pole in one pass, two sums a node; y multiplies Im once per node at the end.
//
// Two ways to form dr, chosen per (pole, group of 4 nodes):
// - near a pole, y within a factor R = sqrt(NEAR_R2) of |w| (cauchy-window.ts):
//   dr = wr^2 - (y-wi)(y+wi) with the difference y - wi from hi + lo parts (cauchy.ts's
//   precision note): 6 adds, 5 multiplies.
// - elsewhere: dr = |w|^2 - y^2, 1 add, and then dr^2 + t^2 = dr^2 + 4 wr^2 y^2. Its rounding
//   error, about 1.5 eps (|w|^2 + y^2), is at most 1.5 eps (R2 + 1)/(R2 - 1) = 7.5 eps of
//   |dr| <= |den| outside the window, so each pair's fraction keeps f32 accuracy to a few ulps.
// Poles are sorted by |w|^2 per chunk, so for a group of nodes the near ones are one run
// [na, nb), found by moving two indices (they only step forward while the nodes ascend).
// On S4's LegS poles (H=256, N=64, dt in [1e-3, 1e-1]) 2-4 % of (pole, node) pairs are near.
// Per far pair: 6 adds, 7 multiplies and a divide for 4 nodes, where the hi + lo form
// everywhere with its two passes took 10 adds and 8 multiplies (and stores and loads between
// them): 0.75x the time (H=256, N=64, L=4096: 8.6 -> 6.5 ms, one process, side by side).
// Chunks of up to SERIES_POLES poles leave the poles beyond a factor 3 of a group's y (|w| < y/3,
// |w| >= 3y) to the series of cauchy-series.ts (as cauchyWoodbury1 does): on the LegS poles
// 7.7 of 32 poles a group are summed one by one; 0.79x / 0.62x the time at L = 1024 / 4096
// (the tables, built per channel, weigh most at short L: 0.4 ms of 1.4 at L = 1024, latency
// bound on each pole's serial recurrence).
// Four nodes a step, not eight: eight needs more than x64's 16 vector registers, and V8 then
// keeps an accumulator on the stack, which chains every step through a store and a load.
//
// Scratch (static, cauchy-scratch.ts): one 32-byte row per pole of a chunk,
//   [|w|^2, 4 wr^2, nb, a, a', b', |wi|_hi, |wi|_lo], and 8 bytes a pole for the sort.
// Needs y >= 0 (cauchy.ts checks), so that y + |wi| cannot cancel.

import { QS, QS_POLES } from "./cauchy-scratch";
import { buildSeriesTables1, ROW1_BYTES, SERIES_R2, series8 } from "./cauchy-series";
import { laneMax, laneMin, NEAR_R2 } from "./cauchy-window";

/** The last chunk's sorted order (i32 per pole) and this chunk's |w|^2 in pole order (f32). */
const ORD = QS + 32 * QS_POLES;
const KEY = ORD + 4 * QS_POLES;
/** Chunks of up to SERIES_POLES poles sum the far ones by series (static tables: 20 KB). */
const SERIES_POLES = 128;
/** 2 wr of each sorted pole (f32), for the series tables. */
const TW = memory.data(4 * QS_POLES, 16);
/** The series tables of a chunk (cauchy-series.ts, one-set rows). */
const TS1 = memory.data(2 * (SERIES_POLES + 1) * ROW1_BYTES, 16);


export function cauchyConjImag1(
  vRe: usize, vIm: usize, zIm: usize, wRe: usize, wIm: usize,
  outRe: usize, outIm: usize, H: i32, N: i32, M: i32, zStride: i32,
): void {
  const zLo = (<usize>(zStride == 0 ? M : H * M)) << 2;
  const wLo = (<usize>(H * N)) << 2;
  let lastCount = 0;
  for (let h = 0; h < H; h++) {
    const zo = zIm + ((<usize>(h * zStride)) << 2);
    const po = (<usize>(h * N)) << 2;
    const oR = outRe + ((<usize>(h * M)) << 2), oI = outIm + ((<usize>(h * M)) << 2);
    for (let n0 = 0; n0 < N; n0 += QS_POLES) {
      const n1 = min(N, n0 + QS_POLES);
      const count = n1 - n0;
      tablePoles(vRe, vIm, wRe, wIm, wLo, po, n0, n1, count == lastCount);
      lastCount = count;
      const fresh = n0 == 0;
      const series = count <= SERIES_POLES;
      if (series) buildSeriesTables1(QS, TW, count, TS1);
      const suffixRows = TS1 + <usize>((count + 1) * ROW1_BYTES);
      let na = 0, nb = 0; // the near run of the current node group
      let j0 = 0, j1 = count; // poles [0, j0) and [j1, count) go by series
      let m = 0;
      for (; m + 4 <= M; m += 4) {
        const mo = (<usize>m) << 2;
        const yh = v128.load(zo + mo);
        const y2 = f32x4.mul(yh, yh);
        // the near run: |w|^2 in [min y^2 / R2, max y^2 * R2] over the 4 nodes
        const y2min = laneMin(y2), y2max = laneMax(y2);
        const loC = y2min / NEAR_R2, hiC = y2max * NEAR_R2;
        while (na > 0 && modulus2(na - 1) >= loC) na--;
        while (na < count && modulus2(na) < loC) na++;
        if (nb < na) nb = na;
        while (nb > na && modulus2(nb - 1) > hiC) nb--;
        while (nb < count && modulus2(nb) <= hiC) nb++;
        let sre = f32x4.splat(0), sim = f32x4.splat(0);
        if (series) {
          // the series' ends (cauchy-woodbury.ts): |w|^2 < min y^2 / 9, |w|^2 >= max y^2 9
          const lo9 = y2min / SERIES_R2, hi9 = y2max > 0 ? y2max * SERIES_R2 : Infinity;
          while (j0 > 0 && modulus2(j0 - 1) >= lo9) j0--;
          while (j0 < na && modulus2(j0) < lo9) j0++;
          if (j1 < nb) j1 = nb;
          while (j1 > nb && modulus2(j1 - 1) >= hi9) j1--;
          while (j1 < count && modulus2(j1) < hi9) j1++;
          if (j0 > 0) {
            // tau = c / y: Re = (tau / y) sum A_m u^m, Im = (1/y) sum B_m u^m (u = tau^2)
            const row = TS1 + <usize>(j0 * ROW1_BYTES);
            const iy = f32x4.div(f32x4.splat(1), yh);
            const tau = f32x4.mul(v128.load32_splat(row), iy);
            const u = f32x4.mul(tau, tau), u2 = f32x4.mul(u, u), u4 = f32x4.mul(u2, u2);
            sre = f32x4.mul(series8(row + 16, u, u2, u4, 8), f32x4.mul(tau, iy));
            sim = f32x4.mul(series8(row + 20, u, u2, u4, 8), iy);
          }
          if (j1 < count) {
            // sig = y / d: Re = (1/d) sum C_m u^m, Im = (sig/d) sum D_m u^m (u = sig^2)
            const row = suffixRows + <usize>(j1 * ROW1_BYTES);
            const id = v128.load32_splat(row);
            const sig = f32x4.mul(yh, id);
            const u = f32x4.mul(sig, sig), u2 = f32x4.mul(u, u), u4 = f32x4.mul(u2, u2);
            sre = f32x4.add(sre, f32x4.mul(series8(row + 16, u, u2, u4, 8), id));
            sim = f32x4.add(sim, f32x4.mul(series8(row + 20, u, u2, u4, 8), f32x4.mul(sig, id)));
          }
        }
        let re = f32x4.splat(0), im = f32x4.splat(0);
        let i = j0;
        while (i < j1) {
          if (i == na && na < nb) {
            // near: y - wi from hi + lo parts (yl loaded only here, to keep registers free)
            const yl = v128.load(zo + zLo + mo);
            for (; i < nb; i++) {
              const t = QS + ((<usize>i) << 5);
              const wi = v128.load32_splat(t, 24), wil = v128.load32_splat(t, 28);
              const f = v128.load32_splat(t, 4);
              const mi = f32x4.add(f32x4.sub(yh, wi), f32x4.sub(yl, wil));
              const dr = f32x4.sub(f32x4.mul(f, f32x4.splat(0.25)), f32x4.mul(mi, f32x4.add(yh, wi)));
              const inv = f32x4.div(f32x4.splat(1), f32x4.add(f32x4.mul(dr, dr), f32x4.mul(f, y2)));
              re = f32x4.add(re, f32x4.mul(f32x4.sub(f32x4.mul(v128.load32_splat(t, 8), dr), f32x4.mul(v128.load32_splat(t, 16), y2)), inv));
              im = f32x4.add(im, f32x4.mul(f32x4.add(v128.load32_splat(t, 20), f32x4.mul(v128.load32_splat(t, 12), dr)), inv));
            }
            continue;
          }
          // far: dr = |w|^2 - y^2
          const stop = i < na ? na : j1;
          for (; i < stop; i++) {
            const t = QS + ((<usize>i) << 5);
            const dr = f32x4.sub(v128.load32_splat(t), y2);
            const inv = f32x4.div(f32x4.splat(1), f32x4.add(f32x4.mul(dr, dr), f32x4.mul(v128.load32_splat(t, 4), y2)));
            re = f32x4.add(re, f32x4.mul(f32x4.sub(f32x4.mul(v128.load32_splat(t, 8), dr), f32x4.mul(v128.load32_splat(t, 16), y2)), inv));
            im = f32x4.add(im, f32x4.mul(f32x4.add(v128.load32_splat(t, 20), f32x4.mul(v128.load32_splat(t, 12), dr)), inv));
          }
        }
        let ar = f32x4.add(re, sre), ai = f32x4.add(f32x4.mul(yh, im), sim);
        if (!fresh) {
          ar = f32x4.add(ar, v128.load(oR + mo));
          ai = f32x4.add(ai, v128.load(oI + mo));
        }
        v128.store(oR + mo, ar);
        v128.store(oI + mo, ai);
      }
      // ragged end, one node at a time, every pole by the near (hi + lo) form
      for (; m < M; m++) {
        const mo = (<usize>m) << 2;
        const yh = load<f32>(zo + mo), yl = load<f32>(zo + zLo + mo);
        const y2 = yh * yh;
        let re: f32 = 0, im: f32 = 0;
        for (let i = 0; i < count; i++) {
          const t = QS + ((<usize>i) << 5);
          const wi = load<f32>(t, 24), f = load<f32>(t, 4);
          const mi = (yh - wi) + (yl - load<f32>(t, 28));
          const dr = <f32>0.25 * f - mi * (yh + wi);
          const inv: f32 = 1 / (dr * dr + f * y2);
          re += (load<f32>(t, 8) * dr - load<f32>(t, 16) * y2) * inv;
          im += (load<f32>(t, 20) + load<f32>(t, 12) * dr) * inv;
        }
        const ar = re, ai = yh * im;
        store<f32>(oR + mo, fresh ? ar : ar + load<f32>(oR + mo));
        store<f32>(oI + mo, fresh ? ai : ai + load<f32>(oI + mo));
      }
    }
  }
}

/** |w|^2 of the i-th pole of the chunk (sorted ascending). */
@inline function modulus2(i: i32): f32 {
  return load<f32>(QS + ((<usize>i) << 5));
}

/**
 * Tables poles n0..n1-1 of the channel at byte offset po, sorted by |w|^2. The sort starts from
 * the previous chunk's order when it had as many poles (reuse): channels of an S4 layer usually
 * share their poles' order (w = dt Lambda), so insertion sort then only checks it, O(N); LegS
 * poles come in descending |w|, the worst case for the first channel alone. Constants are formed
 * in float64 from the hi + lo parts. The pair is symmetric under (v, w) <-> (conj v, conj w):
 * a and nb do not change and the denominator needs only |wi|.
 */
function tablePoles(vRe: usize, vIm: usize, wRe: usize, wIm: usize, wLo: usize, po: usize, n0: i32, n1: i32, reuse: bool): void {
  const count = n1 - n0;
  for (let i = 0; i < count; i++) {
    const no = po + ((<usize>(n0 + i)) << 2);
    const wr = <f64>load<f32>(wRe + no) + <f64>load<f32>(wRe + wLo + no);
    const wi = <f64>load<f32>(wIm + no) + <f64>load<f32>(wIm + wLo + no);
    store<f32>(KEY + ((<usize>i) << 2), <f32>(wr * wr + wi * wi));
    if (!reuse) store<i32>(ORD + ((<usize>i) << 2), i);
  }
  for (let i = 1; i < count; i++) {
    const k = load<i32>(ORD + ((<usize>i) << 2));
    const key = load<f32>(KEY + ((<usize>k) << 2));
    let j = i;
    while (j > 0) {
      const prev = load<i32>(ORD + ((<usize>(j - 1)) << 2));
      if (load<f32>(KEY + ((<usize>prev) << 2)) <= key) break;
      store<i32>(ORD + ((<usize>j) << 2), prev);
      j--;
    }
    store<i32>(ORD + ((<usize>j) << 2), k);
  }
  for (let j = 0; j < count; j++) {
    const i = load<i32>(ORD + ((<usize>j) << 2));
    const no = po + ((<usize>(n0 + i)) << 2);
    const wr = <f64>load<f32>(wRe + no) + <f64>load<f32>(wRe + wLo + no);
    let wih = load<f32>(wIm + no), wil = load<f32>(wIm + wLo + no);
    const wi = <f64>wih + <f64>wil;
    const vr = <f64>load<f32>(vRe + no), vi = <f64>load<f32>(vIm + no);
    const a = 2 * vr, nb = -2 * (vr * wr + vi * wi);
    if (wi < 0) {
      wih = -wih;
      wil = -wil;
    }
    const t = QS + ((<usize>j) << 5);
    store<f32>(t, load<f32>(KEY + ((<usize>i) << 2)));
    store<f32>(t, <f32>(4 * wr * wr), 4);
    store<f32>(t, <f32>nb, 8);
    store<f32>(t, <f32>a, 12);
    store<f32>(t, <f32>(2 * a * wr), 16);
    store<f32>(t, <f32>(2 * nb * wr), 20);
    store<f32>(t, wih, 24);
    store<f32>(t, wil, 28);
    store<f32>(TW + ((<usize>j) << 2), <f32>(2 * wr));
  }
}
