// Fused diagonal SSM step (S4D, or a diagonalised DPLR) over a batch, run for L steps:
//   x[b,h,:] = dA[h,:] * x[b,h,:] + dB[h,:] * u[b,h,t]          (complex, elementwise)
//   y[b,h,t] = scale * Re(sum_m C[h,m] * x[b,h,m]) + D[h] * u[b,h,t]
// The state is updated BEFORE the readout (official convention, so K[0] = C dB). scale = 2 for
// the conjugate-pair half state of S4D (M = N/2 stored modes), 1 for a full state.
// Shapes: x (B, H, M) complex split planes, updated in place; dA, dB, C (H, M) complex;
// D (H) real; u, y (B, H, L) real (L = 1 is one streaming step). y may alias u.
// SIMD over the modes (4 per v128, scalar tail); no allocation.

import { flushTiny } from "./flush-tiny";
@inline
function hsum(v: v128): f32 {
  return f32x4.extract_lane(v, 0) + f32x4.extract_lane(v, 1) + f32x4.extract_lane(v, 2) + f32x4.extract_lane(v, 3);
}

/**
 * Inside a run of many frames the state is flushed of tiny entries (flush-tiny.ts) every 256
 * frames, as SSMState does between calls: a long chunk decaying into silence otherwise spent its
 * later frames on subnormal state entries (slow on x86). A frame loop's test per frame; the pass
 * over a row every 256 frames costs ~0.3 % of a run.
 */
const FLUSH_MASK = 255;

export function diagStep(
  xRe: usize, xIm: usize, dARe: usize, dAIm: usize, dBRe: usize, dBIm: usize, cRe: usize, cIm: usize,
  d: usize, u: usize, y: usize, batch: i32, H: i32, M: i32, L: i32, scale: f32,
): void {
  const rowBytes = (<usize>M) << 2;
  const m4 = M & ~3;
  // Channel outer, batch inner: a channel's parameters (6 rows of M) stay in L1 across the batch.
  for (let h = 0; h < H; h++) {
    for (let b = 0; b < batch; b++) {
      const bh = b * H + h;
      const p = <usize>h * rowBytes;
      const s = <usize>bh * rowBytes;
      const io = (<usize>bh * <usize>L) << 2;
      const dh = load<f32>(d + ((<usize>h) << 2));
      // Row pointers hoisted out of the time loop: one add per address in the inner loop.
      const xr = xRe + s, xi = xIm + s;
      const ar0 = dARe + p, ai0 = dAIm + p, br0 = dBRe + p, bi0 = dBIm + p, cr0 = cRe + p, ci0 = cIm + p;
      const end4 = (<usize>m4) << 2, end = (<usize>M) << 2;
      for (let t = 0; t < L; t++) {
        const ut = load<f32>(u + io + ((<usize>t) << 2));
        const uv = f32x4.splat(ut);
        let acc = f32x4.splat(0);
        let o: usize = 0;
        for (; o < end4; o += 16) {
          const x0 = v128.load(xr + o), x1 = v128.load(xi + o);
          const ar = v128.load(ar0 + o), ai = v128.load(ai0 + o);
          const nr = f32x4.add(f32x4.sub(f32x4.mul(ar, x0), f32x4.mul(ai, x1)), f32x4.mul(v128.load(br0 + o), uv));
          const ni = f32x4.add(f32x4.add(f32x4.mul(ar, x1), f32x4.mul(ai, x0)), f32x4.mul(v128.load(bi0 + o), uv));
          v128.store(xr + o, nr);
          v128.store(xi + o, ni);
          acc = f32x4.add(acc, f32x4.sub(f32x4.mul(v128.load(cr0 + o), nr), f32x4.mul(v128.load(ci0 + o), ni)));
        }
        let tail: f32 = 0;
        for (; o < end; o += 4) {
          const x0 = load<f32>(xr + o), x1 = load<f32>(xi + o);
          const ar = load<f32>(ar0 + o), ai = load<f32>(ai0 + o);
          const nr = ar * x0 - ai * x1 + load<f32>(br0 + o) * ut;
          const ni = ar * x1 + ai * x0 + load<f32>(bi0 + o) * ut;
          store<f32>(xr + o, nr);
          store<f32>(xi + o, ni);
          tail += load<f32>(cr0 + o) * nr - load<f32>(ci0 + o) * ni;
        }
        store<f32>(y + io + ((<usize>t) << 2), scale * (hsum(acc) + tail) + dh * ut);
        if ((t & FLUSH_MASK) == FLUSH_MASK) {
          flushTiny(xr, M);
          flushTiny(xi, M);
        }
      }
    }
  }
}

/**
 * Sum of the lanes of each of a, b, c, d: [sum a, sum b, sum c, sum d] (6 shuffles, 3 adds in
 * place of four scalar horizontal sums).
 */
@inline
function hsum4(a: v128, b: v128, c: v128, d: v128): v128 {
  const u0 = f32x4.add(v128.shuffle<f32>(a, b, 0, 4, 1, 5), v128.shuffle<f32>(a, b, 2, 6, 3, 7));
  const u1 = f32x4.add(v128.shuffle<f32>(c, d, 0, 4, 1, 5), v128.shuffle<f32>(c, d, 2, 6, 3, 7));
  return f32x4.add(v128.shuffle<f32>(u0, u1, 0, 1, 4, 5), v128.shuffle<f32>(u0, u1, 2, 3, 6, 7));
}

/**
 * One channel's step over its M modes (M % 4 == 0) in the scaled state x~ = C . x (see
 * diagStepScaled): x~ = dA x~ + g u in place, returns the lanes of Re(x~) to be summed.
 * pk: the channel's packed parameters [dA re | dA im | g re | g im] per block of 4 modes.
 */
@inline
function channelScaled(xr: usize, xi: usize, pk: usize, M: i32, ut: f32): v128 {
  const uv = f32x4.splat(ut);
  let acc = f32x4.splat(0);
  let p = pk;
  const end = xr + ((<usize>M) << 2);
  let qi = xi;
  for (let q = xr; q < end; q += 16) {
    const x0 = v128.load(q), x1 = v128.load(qi);
    const ar = v128.load(p), ai = v128.load(p, 16);
    const nr = f32x4.add(f32x4.sub(f32x4.mul(ar, x0), f32x4.mul(ai, x1)), f32x4.mul(v128.load(p, 32), uv));
    const ni = f32x4.add(f32x4.add(f32x4.mul(ar, x1), f32x4.mul(ai, x0)), f32x4.mul(v128.load(p, 48), uv));
    v128.store(q, nr);
    v128.store(qi, ni);
    acc = f32x4.add(acc, nr);
    p += 64;
    qi += 16;
  }
  return acc;
}

/**
 * diagStep with M % 4 == 0 on the scaled state x~ = C . x (elementwise; DiagStepPlan converts at
 * the state's boundary): x~ = dA x~ + g u with g = C dB, y = scale Re(sum x~) + D u. The same
 * system with C folded into the state, so the readout needs no multiply and no C plane: 16
 * floats of parameters per block of 4 modes instead of 24, 6 multiplies instead of 8 (H=256,
 * N=64, one frame 3.2 -> 2.7 us). Parameters packed per channel and block of 4 modes as
 * [dA re | dA im | g re | g im] (one running pointer); the readouts of 4 channels are summed
 * together (hsum4), channels in groups of 4 with time inside (a group's states and parameters
 * stay in L1 over t).
 * Shapes: x~ (B, H, M) complex planes, pk (H, M/4, 16), D (H), u, y (B, H, L); y may alias u
 * (each u value is read before its y is written).
 */
export function diagStepScaled(
  xRe: usize, xIm: usize, pk: usize, d: usize, u: usize, y: usize, batch: i32, H: i32, M: i32, L: i32, scale: f32,
): void {
  const rowBytes = (<usize>M) << 2;
  const pkRow = (<usize>M) << 4; // bytes of packed parameters per channel: M/4 blocks of 64
  const lb = (<usize>L) << 2; // bytes between channels in u and y
  const sv = f32x4.splat(scale);
  for (let b = 0; b < batch; b++) {
    let h = 0;
    for (; h + 4 <= H; h += 4) {
      const s = (<usize>(b * H + h)) * rowBytes;
      const p = <usize>h * pkRow;
      const io = (<usize>(b * H + h)) * lb;
      const dv = v128.load(d + ((<usize>h) << 2));
      for (let t = 0; t < L; t++) {
        const o = io + ((<usize>t) << 2);
        let uv = f32x4.splat(load<f32>(u + o));
        uv = f32x4.replace_lane(uv, 1, load<f32>(u + o + lb));
        uv = f32x4.replace_lane(uv, 2, load<f32>(u + o + 2 * lb));
        uv = f32x4.replace_lane(uv, 3, load<f32>(u + o + 3 * lb));
        const a0 = channelScaled(xRe + s, xIm + s, pk + p, M, f32x4.extract_lane(uv, 0));
        const a1 = channelScaled(xRe + s + rowBytes, xIm + s + rowBytes, pk + p + pkRow, M, f32x4.extract_lane(uv, 1));
        const a2 = channelScaled(xRe + s + 2 * rowBytes, xIm + s + 2 * rowBytes, pk + p + 2 * pkRow, M, f32x4.extract_lane(uv, 2));
        const a3 = channelScaled(xRe + s + 3 * rowBytes, xIm + s + 3 * rowBytes, pk + p + 3 * pkRow, M, f32x4.extract_lane(uv, 3));
        const yv = f32x4.add(f32x4.mul(sv, hsum4(a0, a1, a2, a3)), f32x4.mul(dv, uv));
        if (L == 1) v128.store(y + o, yv);
        else {
          store<f32>(y + o, f32x4.extract_lane(yv, 0));
          store<f32>(y + o + lb, f32x4.extract_lane(yv, 1));
          store<f32>(y + o + 2 * lb, f32x4.extract_lane(yv, 2));
          store<f32>(y + o + 3 * lb, f32x4.extract_lane(yv, 3));
          if ((t & FLUSH_MASK) == FLUSH_MASK) {
            flushTiny(xRe + s, 4 * M);
            flushTiny(xIm + s, 4 * M);
          }
        }
      }
    }
    for (; h < H; h++) {
      const s = (<usize>(b * H + h)) * rowBytes;
      const io = (<usize>(b * H + h)) * lb;
      const dh = load<f32>(d + ((<usize>h) << 2));
      for (let t = 0; t < L; t++) {
        const o = io + ((<usize>t) << 2);
        const ut = load<f32>(u + o);
        const a = channelScaled(xRe + s, xIm + s, pk + <usize>h * pkRow, M, ut);
        store<f32>(y + o, scale * hsum(a) + dh * ut);
        if ((t & FLUSH_MASK) == FLUSH_MASK) {
          flushTiny(xRe + s, M);
          flushTiny(xIm + s, M);
        }
      }
    }
  }
}
