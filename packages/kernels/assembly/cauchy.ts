// Cauchy sums on split planes (f32), four nodes per v128 lane group, eight per iteration.
//
//   cauchy:         out[h,m] = sum_n v[h,n] / (z[m] - w[h,n])
//   cauchyConj:     out[s,h,m] = sum_n v[s,h,n]/(z[m] - w[h,n]) + conj(v[s,h,n])/(z[m] - conj(w[h,n]))
//                   (the official `cauchy_naive`: each stored mode plus its conjugate partner)
//   (cauchyWoodbury1, the S4 DPLR rank-1 fast path on the same pair fractions: cauchy-woodbury.ts;
//   cauchyConj with one set at nodes i y, y >= 0, S4's case, runs in cauchy-imag.ts)
//
// A conjugate pair is one fraction: v/(z-w) + v̄/(z-w̄) = (2Re(v) z - 2Re(v w̄)) / ((z-w)(z-w̄)).
// The denominator is formed as the PRODUCT (z-w)(z-w̄) = (x^2 - (zi-wi)(zi+wi)) + i 2 x zi with
// x = zr - wr, never as the expanded quadratic z^2 - 2Re(w) z + |w|^2, which cancels near poles.
// One reciprocal of |den|^2 per (n, node) is shared by every numerator set.
//
// Precision: the f32 difference z - w loses digits when a node sits next to a pole (|z - w|
// ~ |Re w| = dt/2 while |z| ~ 1). So every z and w plane is passed as hi + lo f32 pairs: the
// plane holds hi = f32(x) in its first half and lo = f32(x - hi) in its second half (z: zn = M
// or H*M values each, w: H*N each), and differences are formed as (z_hi - w_hi) + (z_lo - w_lo):
// the hi difference is exact when z ~ w (Sterbenz), so the difference keeps f32 relative
// accuracy. This costs two adds per difference.
// Shapes: v (S,H,N) complex, w (H,N) complex, z (M) complex when zStride = 0 (shared by all h)
// or (H,M) when zStride = M; out (S,H,M) complex.
// Limits: |z - w|^4 must stay below f32 max (~3e38): |z| up to ~1e9. Beyond that the sum
// underflows to 0 (its true value is ~ v/z); the DPLR layer evaluates the Nyquist bin
// (z = infinity) in closed form instead. Kernels never allocate.

import { cauchyConjImag1 } from "./cauchy-imag";

// ---- plain (non-conjugate) sum ------------------------------------------------------------

export function cauchy(
  vRe: usize, vIm: usize, zRe: usize, zIm: usize, wRe: usize, wIm: usize,
  outRe: usize, outIm: usize, H: i32, N: i32, M: i32, zStride: i32,
): void {
  const zLo = (<usize>(zStride == 0 ? M : H * M)) << 2; // bytes from a z hi plane to its lo half
  const wLo = (<usize>(H * N)) << 2;
  for (let h = 0; h < H; h++) {
    const zo = (<usize>(h * zStride)) << 2;
    const po = (<usize>(h * N)) << 2;
    const oo = (<usize>(h * M)) << 2;
    let m = 0;
    for (; m + 8 <= M; m += 8) {
      const mo = (<usize>m) << 2;
      const zr0 = v128.load(zRe + zo + mo), zi0 = v128.load(zIm + zo + mo);
      const zr1 = v128.load(zRe + zo + mo + 16), zi1 = v128.load(zIm + zo + mo + 16);
      const lr0 = v128.load(zRe + zLo + zo + mo), li0 = v128.load(zIm + zLo + zo + mo);
      const lr1 = v128.load(zRe + zLo + zo + mo + 16), li1 = v128.load(zIm + zLo + zo + mo + 16);
      let ar0 = f32x4.splat(0), ai0 = f32x4.splat(0), ar1 = f32x4.splat(0), ai1 = f32x4.splat(0);
      for (let n = 0; n < N; n++) {
        const no = po + ((<usize>n) << 2);
        const wr = f32x4.splat(load<f32>(wRe + no)), wi = f32x4.splat(load<f32>(wIm + no));
        const wrl = f32x4.splat(load<f32>(wRe + wLo + no)), wil = f32x4.splat(load<f32>(wIm + wLo + no));
        const vr = f32x4.splat(load<f32>(vRe + no)), vi = f32x4.splat(load<f32>(vIm + no));
        // v / d = v conj(d) / |d|^2, d = (z_hi - w_hi) + (z_lo - w_lo)
        const dr0 = f32x4.add(f32x4.sub(zr0, wr), f32x4.sub(lr0, wrl)), di0 = f32x4.add(f32x4.sub(zi0, wi), f32x4.sub(li0, wil));
        const dr1 = f32x4.add(f32x4.sub(zr1, wr), f32x4.sub(lr1, wrl)), di1 = f32x4.add(f32x4.sub(zi1, wi), f32x4.sub(li1, wil));
        const q0 = f32x4.div(f32x4.splat(1), f32x4.add(f32x4.mul(dr0, dr0), f32x4.mul(di0, di0)));
        const q1 = f32x4.div(f32x4.splat(1), f32x4.add(f32x4.mul(dr1, dr1), f32x4.mul(di1, di1)));
        ar0 = f32x4.add(ar0, f32x4.mul(f32x4.add(f32x4.mul(vr, dr0), f32x4.mul(vi, di0)), q0));
        ai0 = f32x4.add(ai0, f32x4.mul(f32x4.sub(f32x4.mul(vi, dr0), f32x4.mul(vr, di0)), q0));
        ar1 = f32x4.add(ar1, f32x4.mul(f32x4.add(f32x4.mul(vr, dr1), f32x4.mul(vi, di1)), q1));
        ai1 = f32x4.add(ai1, f32x4.mul(f32x4.sub(f32x4.mul(vi, dr1), f32x4.mul(vr, di1)), q1));
      }
      v128.store(outRe + oo + mo, ar0);
      v128.store(outIm + oo + mo, ai0);
      v128.store(outRe + oo + mo + 16, ar1);
      v128.store(outIm + oo + mo + 16, ai1);
    }
    for (; m < M; m++) {
      const mo = (<usize>m) << 2;
      const zr = load<f32>(zRe + zo + mo), zi = load<f32>(zIm + zo + mo);
      const zrl = load<f32>(zRe + zLo + zo + mo), zil = load<f32>(zIm + zLo + zo + mo);
      let ar: f32 = 0, ai: f32 = 0;
      for (let n = 0; n < N; n++) {
        const no = po + ((<usize>n) << 2);
        const dr = (zr - load<f32>(wRe + no)) + (zrl - load<f32>(wRe + wLo + no));
        const di = (zi - load<f32>(wIm + no)) + (zil - load<f32>(wIm + wLo + no));
        const vr = load<f32>(vRe + no), vi = load<f32>(vIm + no);
        const q: f32 = 1 / (dr * dr + di * di);
        ar += (vr * dr + vi * di) * q;
        ai += (vi * dr - vr * di) * q;
      }
      store<f32>(outRe + oo + mo, ar);
      store<f32>(outIm + oo + mo, ai);
    }
  }
}

// ---- conjugate-pair sum, S numerator sets -------------------------------------------------

/**
 * out[s,h,m] = sum over conjugate pairs, for s = 0..S-1 (numerator sets sharing w and z).
 * Accumulates into out in place, so out is zeroed first (rows are L1-resident: 8 nodes x S).
 */
export function cauchyConj(
  vRe: usize, vIm: usize, zRe: usize, zIm: usize, wRe: usize, wIm: usize,
  outRe: usize, outIm: usize, H: i32, N: i32, M: i32, zStride: i32, S: i32,
): void {
  if (S == 1) {
    const zn = (zStride == 0 ? M : H * M) << 1; // hi and lo halves
    if (allZero(zRe, zn) && noneNegative(zIm, zn)) cauchyConjImag1(vRe, vIm, zIm, wRe, wIm, outRe, outIm, H, N, M, zStride);
    else cauchyConj1(vRe, vIm, zRe, zIm, wRe, wIm, outRe, outIm, H, N, M, zStride);
    return;
  }
  const setStride = (<usize>(H * M)) << 2; // bytes between numerator sets in out
  const vSetStride = (<usize>(H * N)) << 2;
  const zLo = (<usize>(zStride == 0 ? M : H * M)) << 2;
  const wLo = (<usize>(H * N)) << 2;
  for (let h = 0; h < H; h++) {
    const zo = (<usize>(h * zStride)) << 2;
    const po = (<usize>(h * N)) << 2;
    const oo = (<usize>(h * M)) << 2;
    let m = 0;
    for (; m + 8 <= M; m += 8) {
      const mo = (<usize>m) << 2;
      const zr0 = v128.load(zRe + zo + mo), zi0 = v128.load(zIm + zo + mo);
      const zr1 = v128.load(zRe + zo + mo + 16), zi1 = v128.load(zIm + zo + mo + 16);
      const lr0 = v128.load(zRe + zLo + zo + mo), li0 = v128.load(zIm + zLo + zo + mo);
      const lr1 = v128.load(zRe + zLo + zo + mo + 16), li1 = v128.load(zIm + zLo + zo + mo + 16);
      const zero = f32x4.splat(0);
      for (let s = 0; s < S; s++) {
        const so = oo + mo + setStride * <usize>s;
        v128.store(outRe + so, zero);
        v128.store(outIm + so, zero);
        v128.store(outRe + so + 16, zero);
        v128.store(outIm + so + 16, zero);
      }
      for (let n = 0; n < N; n++) {
        const no = po + ((<usize>n) << 2);
        const wrs = load<f32>(wRe + no), wis = load<f32>(wIm + no);
        const wr = f32x4.splat(wrs), wi = f32x4.splat(wis);
        const wrl = f32x4.splat(load<f32>(wRe + wLo + no)), wil = f32x4.splat(load<f32>(wIm + wLo + no));
        // den = (z-w)(z-w̄) = (x^2 - (zi-wi)(zi+wi)) + i 2 x zi, x = zr - wr; q = conj(den)/|den|^2
        // (each difference as hi + lo)
        const x0 = f32x4.add(f32x4.sub(zr0, wr), f32x4.sub(lr0, wrl)), x1 = f32x4.add(f32x4.sub(zr1, wr), f32x4.sub(lr1, wrl));
        const m0 = f32x4.add(f32x4.sub(zi0, wi), f32x4.sub(li0, wil)), p0 = f32x4.add(f32x4.add(zi0, wi), f32x4.add(li0, wil));
        const m1 = f32x4.add(f32x4.sub(zi1, wi), f32x4.sub(li1, wil)), p1 = f32x4.add(f32x4.add(zi1, wi), f32x4.add(li1, wil));
        const dr0 = f32x4.sub(f32x4.mul(x0, x0), f32x4.mul(m0, p0));
        const dr1 = f32x4.sub(f32x4.mul(x1, x1), f32x4.mul(m1, p1));
        const di0 = f32x4.mul(f32x4.add(x0, x0), zi0);
        const di1 = f32x4.mul(f32x4.add(x1, x1), zi1);
        const inv0 = f32x4.div(f32x4.splat(1), f32x4.add(f32x4.mul(dr0, dr0), f32x4.mul(di0, di0)));
        const inv1 = f32x4.div(f32x4.splat(1), f32x4.add(f32x4.mul(dr1, dr1), f32x4.mul(di1, di1)));
        const qr0 = f32x4.mul(dr0, inv0), qi0 = f32x4.neg(f32x4.mul(di0, inv0));
        const qr1 = f32x4.mul(dr1, inv1), qi1 = f32x4.neg(f32x4.mul(di1, inv1));
        for (let s = 0; s < S; s++) {
          const vo = no + vSetStride * <usize>s;
          const vrs = load<f32>(vRe + vo), vis = load<f32>(vIm + vo);
          // numerator a z - b with a = 2Re(v), b = 2Re(v w̄)
          const a = f32x4.splat(vrs + vrs), b = f32x4.splat(<f32>2.0 * (vrs * wrs + vis * wis));
          const nr0 = f32x4.sub(f32x4.mul(a, zr0), b), ni0 = f32x4.mul(a, zi0);
          const nr1 = f32x4.sub(f32x4.mul(a, zr1), b), ni1 = f32x4.mul(a, zi1);
          const so = oo + mo + setStride * <usize>s;
          v128.store(outRe + so, f32x4.add(v128.load(outRe + so), f32x4.sub(f32x4.mul(nr0, qr0), f32x4.mul(ni0, qi0))));
          v128.store(outIm + so, f32x4.add(v128.load(outIm + so), f32x4.add(f32x4.mul(nr0, qi0), f32x4.mul(ni0, qr0))));
          v128.store(outRe + so + 16, f32x4.add(v128.load(outRe + so + 16), f32x4.sub(f32x4.mul(nr1, qr1), f32x4.mul(ni1, qi1))));
          v128.store(outIm + so + 16, f32x4.add(v128.load(outIm + so + 16), f32x4.add(f32x4.mul(nr1, qi1), f32x4.mul(ni1, qr1))));
        }
      }
    }
    for (; m < M; m++) {
      const mo = (<usize>m) << 2;
      const zr = load<f32>(zRe + zo + mo), zi = load<f32>(zIm + zo + mo);
      const zrl = load<f32>(zRe + zLo + zo + mo), zil = load<f32>(zIm + zLo + zo + mo);
      for (let s = 0; s < S; s++) {
        const so = oo + mo + setStride * <usize>s;
        let ar: f32 = 0, ai: f32 = 0;
        for (let n = 0; n < N; n++) {
          const no = po + ((<usize>n) << 2);
          const wr = load<f32>(wRe + no), wi = load<f32>(wIm + no);
          const vo = no + vSetStride * <usize>s;
          const vr = load<f32>(vRe + vo), vi = load<f32>(vIm + vo);
          const wrl = load<f32>(wRe + wLo + no), wil = load<f32>(wIm + wLo + no);
          const x = (zr - wr) + (zrl - wrl);
          const dr = x * x - ((zi - wi) + (zil - wil)) * ((zi + wi) + (zil + wil)), di: f32 = (x + x) * zi;
          const inv: f32 = 1 / (dr * dr + di * di);
          const qr = dr * inv, qi = -di * inv;
          const a: f32 = vr + vr;
          const nr: f32 = a * zr - 2.0 * (vr * wr + vi * wi), ni: f32 = a * zi;
          ar += nr * qr - ni * qi;
          ai += nr * qi + ni * qr;
        }
        store<f32>(outRe + so, ar);
        store<f32>(outIm + so, ai);
      }
    }
  }
}

/** cauchyConj for one numerator set: accumulators in registers, 8 nodes per iteration. */
function cauchyConj1(
  vRe: usize, vIm: usize, zRe: usize, zIm: usize, wRe: usize, wIm: usize,
  outRe: usize, outIm: usize, H: i32, N: i32, M: i32, zStride: i32,
): void {
  const zLo = (<usize>(zStride == 0 ? M : H * M)) << 2;
  const wLo = (<usize>(H * N)) << 2;
  for (let h = 0; h < H; h++) {
    const zo = (<usize>(h * zStride)) << 2;
    const po = (<usize>(h * N)) << 2;
    const oo = (<usize>(h * M)) << 2;
    let m = 0;
    for (; m + 8 <= M; m += 8) {
      const mo = zo + ((<usize>m) << 2);
      const zr0 = v128.load(zRe + mo), zi0 = v128.load(zIm + mo);
      const zr1 = v128.load(zRe + mo + 16), zi1 = v128.load(zIm + mo + 16);
      const lr0 = v128.load(zRe + zLo + mo), li0 = v128.load(zIm + zLo + mo);
      const lr1 = v128.load(zRe + zLo + mo + 16), li1 = v128.load(zIm + zLo + mo + 16);
      let ar0 = f32x4.splat(0), ai0 = f32x4.splat(0), ar1 = f32x4.splat(0), ai1 = f32x4.splat(0);
      for (let n = 0; n < N; n++) {
        const no = po + ((<usize>n) << 2);
        const wrs = load<f32>(wRe + no), wis = load<f32>(wIm + no);
        const vrs = load<f32>(vRe + no), vis = load<f32>(vIm + no);
        const wr = f32x4.splat(wrs), wi = f32x4.splat(wis);
        const wrl = v128.load32_splat(wRe + wLo + no), wil = v128.load32_splat(wIm + wLo + no);
        const x0 = f32x4.add(f32x4.sub(zr0, wr), f32x4.sub(lr0, wrl)), x1 = f32x4.add(f32x4.sub(zr1, wr), f32x4.sub(lr1, wrl));
        const m0 = f32x4.add(f32x4.sub(zi0, wi), f32x4.sub(li0, wil)), p0 = f32x4.add(f32x4.add(zi0, wi), f32x4.add(li0, wil));
        const m1 = f32x4.add(f32x4.sub(zi1, wi), f32x4.sub(li1, wil)), p1 = f32x4.add(f32x4.add(zi1, wi), f32x4.add(li1, wil));
        const dr0 = f32x4.sub(f32x4.mul(x0, x0), f32x4.mul(m0, p0));
        const dr1 = f32x4.sub(f32x4.mul(x1, x1), f32x4.mul(m1, p1));
        const di0 = f32x4.mul(f32x4.add(x0, x0), zi0);
        const di1 = f32x4.mul(f32x4.add(x1, x1), zi1);
        const inv0 = f32x4.div(f32x4.splat(1), f32x4.add(f32x4.mul(dr0, dr0), f32x4.mul(di0, di0)));
        const inv1 = f32x4.div(f32x4.splat(1), f32x4.add(f32x4.mul(dr1, dr1), f32x4.mul(di1, di1)));
        const qr0 = f32x4.mul(dr0, inv0), qi0 = f32x4.neg(f32x4.mul(di0, inv0));
        const qr1 = f32x4.mul(dr1, inv1), qi1 = f32x4.neg(f32x4.mul(di1, inv1));
        const a = f32x4.splat(vrs + vrs), b = f32x4.splat(<f32>2.0 * (vrs * wrs + vis * wis));
        const nr0 = f32x4.sub(f32x4.mul(a, zr0), b), ni0 = f32x4.mul(a, zi0);
        const nr1 = f32x4.sub(f32x4.mul(a, zr1), b), ni1 = f32x4.mul(a, zi1);
        ar0 = f32x4.add(ar0, f32x4.sub(f32x4.mul(nr0, qr0), f32x4.mul(ni0, qi0)));
        ai0 = f32x4.add(ai0, f32x4.add(f32x4.mul(nr0, qi0), f32x4.mul(ni0, qr0)));
        ar1 = f32x4.add(ar1, f32x4.sub(f32x4.mul(nr1, qr1), f32x4.mul(ni1, qi1)));
        ai1 = f32x4.add(ai1, f32x4.add(f32x4.mul(nr1, qi1), f32x4.mul(ni1, qr1)));
      }
      const oo8 = oo + ((<usize>m) << 2);
      v128.store(outRe + oo8, ar0);
      v128.store(outIm + oo8, ai0);
      v128.store(outRe + oo8 + 16, ar1);
      v128.store(outIm + oo8 + 16, ai1);
    }
    for (; m < M; m++) {
      const mo = (<usize>m) << 2;
      const zr = load<f32>(zRe + zo + mo), zi = load<f32>(zIm + zo + mo);
      const zrl = load<f32>(zRe + zLo + zo + mo), zil = load<f32>(zIm + zLo + zo + mo);
      let ar: f32 = 0, ai: f32 = 0;
      for (let n = 0; n < N; n++) {
        const no = po + ((<usize>n) << 2);
        const wr = load<f32>(wRe + no), wi = load<f32>(wIm + no);
        const wrl = load<f32>(wRe + wLo + no), wil = load<f32>(wIm + wLo + no);
        const vr = load<f32>(vRe + no), vi = load<f32>(vIm + no);
        const x = (zr - wr) + (zrl - wrl);
        const dr = x * x - ((zi - wi) + (zil - wil)) * ((zi + wi) + (zil + wil)), di: f32 = (x + x) * zi;
        const inv: f32 = 1 / (dr * dr + di * di);
        const qr = dr * inv, qi = -di * inv;
        const a: f32 = vr + vr;
        const nr: f32 = a * zr - 2.0 * (vr * wr + vi * wi), ni: f32 = a * zi;
        ar += nr * qr - ni * qi;
        ai += nr * qi + ni * qr;
      }
      store<f32>(outRe + oo + mo, ar);
      store<f32>(outIm + oo + mo, ai);
    }
  }
}

/** True when the n f32 at p are all +-0 (the hi and lo planes of real parts of z). */
function allZero(p: usize, n: i32): bool {
  for (let i = 0; i < n; i++) if (load<f32>(p + ((<usize>i) << 2)) != 0) return false;
  return true;
}

/** True when no hi value among the n f32 at p (hi half, then lo half) is negative. */
function noneNegative(p: usize, n: i32): bool {
  for (let i = 0; i < (n >> 1); i++) if (load<f32>(p + ((<usize>i) << 2)) < 0) return false;
  return true;
}
