// O(N) step of a rank-1 DPLR system, bilinear (the official S4 "linear" step mode), on the half
// state of N/2 stored modes. The full system is A = diag([L, conj L]) - p p^H, p = [P, conj P],
// and the state of a real input is conjugate-symmetric, so every inner product with p is real:
//   s = 2 Re sum conj(P) x                          (= p^H x_full)
//   w = (1 + dt/2 L) x - (dt/2) P s + dt B u        (= (I + dt/2 A) x + dt B u, half)
//   v = G w,  G = (2/dt) / (2/dt - L)               (diagonal part of (I - dt/2 A)^-1)
//   z = 2 Re sum conj(dt/2 P) v / (1 + k),  k = 2 Re sum conj(dt/2 P) G P     (Woodbury, rank 1)
//   x = v - G P z;   y = 2 Re sum C x + D u         (state first, then the readout)
// This is exactly the dense bilinear step x = dA x + dB u on the full state, in O(N) per channel.
// Shapes: x (B, H, M) complex, in place; u, y (B, H, L) real, y may alias u.
// params: (H, 14, M) f32 planes per channel, in this order: P.re, P.im, a1.re, a1.im (a1 = 1 +
// dt/2 L), Ph.re, Ph.im (Ph = dt/2 P), Bh.re, Bh.im (Bh = dt B), G.re, G.im, GP.re, GP.im (G*P),
// C.re, C.im. chan: (H, 2) f32: [1/(1+k), D]. The host computes both once (in float64).

import { flushTiny } from "./flush-tiny";
@inline
function hsum(v: v128): f32 {
  return f32x4.extract_lane(v, 0) + f32x4.extract_lane(v, 1) + f32x4.extract_lane(v, 2) + f32x4.extract_lane(v, 3);
}

export function dplrStep(xRe: usize, xIm: usize, params: usize, chan: usize, u: usize, y: usize, batch: i32, H: i32, M: i32, L: i32): void {
  const row = (<usize>M) << 2;
  const m4 = M & ~3;
  for (let b = 0; b < batch; b++) {
    for (let h = 0; h < H; h++) {
      const bh = b * H + h;
      const xr = xRe + <usize>bh * row;
      const xi = xIm + <usize>bh * row;
      const p = params + <usize>h * 14 * row;
      const Pr = p, Pi = p + row, A1r = p + 2 * row, A1i = p + 3 * row, Phr = p + 4 * row, Phi = p + 5 * row;
      const Bhr = p + 6 * row, Bhi = p + 7 * row, Gr = p + 8 * row, Gi = p + 9 * row, GPr = p + 10 * row, GPi = p + 11 * row;
      const Cr = p + 12 * row, Ci = p + 13 * row;
      const invk = load<f32>(chan + ((<usize>h) << 3));
      const dh = load<f32>(chan + ((<usize>h) << 3) + 4);
      const io = (<usize>bh * <usize>L) << 2;
      for (let t = 0; t < L; t++) {
        const ut = load<f32>(u + io + ((<usize>t) << 2));
        // Pass 1: s = 2 Re sum conj(P) x.
        let acc = f32x4.splat(0);
        let m = 0;
        for (; m < m4; m += 4) {
          const o = (<usize>m) << 2;
          acc = f32x4.add(acc, f32x4.add(f32x4.mul(v128.load(Pr + o), v128.load(xr + o)), f32x4.mul(v128.load(Pi + o), v128.load(xi + o))));
        }
        let s = hsum(acc);
        for (; m < M; m++) {
          const o = (<usize>m) << 2;
          s += load<f32>(Pr + o) * load<f32>(xr + o) + load<f32>(Pi + o) * load<f32>(xi + o);
        }
        s *= 2;
        // Pass 2: w = a1 x - Ph s + Bh u; v = G w (stored in x); t = Re sum conj(Ph) v.
        const sv = f32x4.splat(s), uv = f32x4.splat(ut);
        acc = f32x4.splat(0);
        m = 0;
        for (; m < m4; m += 4) {
          const o = (<usize>m) << 2;
          const ar = v128.load(A1r + o), ai = v128.load(A1i + o);
          const x0 = v128.load(xr + o), x1 = v128.load(xi + o);
          const wr = f32x4.add(f32x4.sub(f32x4.sub(f32x4.mul(ar, x0), f32x4.mul(ai, x1)), f32x4.mul(v128.load(Phr + o), sv)), f32x4.mul(v128.load(Bhr + o), uv));
          const wi = f32x4.add(f32x4.sub(f32x4.add(f32x4.mul(ar, x1), f32x4.mul(ai, x0)), f32x4.mul(v128.load(Phi + o), sv)), f32x4.mul(v128.load(Bhi + o), uv));
          const gr = v128.load(Gr + o), gi = v128.load(Gi + o);
          const vr = f32x4.sub(f32x4.mul(gr, wr), f32x4.mul(gi, wi));
          const vi = f32x4.add(f32x4.mul(gr, wi), f32x4.mul(gi, wr));
          v128.store(xr + o, vr);
          v128.store(xi + o, vi);
          acc = f32x4.add(acc, f32x4.add(f32x4.mul(v128.load(Phr + o), vr), f32x4.mul(v128.load(Phi + o), vi)));
        }
        let tt = hsum(acc);
        for (; m < M; m++) {
          const o = (<usize>m) << 2;
          const ar = load<f32>(A1r + o), ai = load<f32>(A1i + o);
          const x0 = load<f32>(xr + o), x1 = load<f32>(xi + o);
          const wr = ar * x0 - ai * x1 - load<f32>(Phr + o) * s + load<f32>(Bhr + o) * ut;
          const wi = ar * x1 + ai * x0 - load<f32>(Phi + o) * s + load<f32>(Bhi + o) * ut;
          const gr = load<f32>(Gr + o), gi = load<f32>(Gi + o);
          const vr = gr * wr - gi * wi;
          const vi = gr * wi + gi * wr;
          store<f32>(xr + o, vr);
          store<f32>(xi + o, vi);
          tt += load<f32>(Phr + o) * vr + load<f32>(Phi + o) * vi;
        }
        const z: f32 = <f32>2 * tt * invk;
        // Pass 3: x = v - GP z; y = 2 Re sum C x + D u.
        const zv = f32x4.splat(z);
        acc = f32x4.splat(0);
        m = 0;
        for (; m < m4; m += 4) {
          const o = (<usize>m) << 2;
          const nr = f32x4.sub(v128.load(xr + o), f32x4.mul(v128.load(GPr + o), zv));
          const ni = f32x4.sub(v128.load(xi + o), f32x4.mul(v128.load(GPi + o), zv));
          v128.store(xr + o, nr);
          v128.store(xi + o, ni);
          acc = f32x4.add(acc, f32x4.sub(f32x4.mul(v128.load(Cr + o), nr), f32x4.mul(v128.load(Ci + o), ni)));
        }
        let yt = hsum(acc);
        for (; m < M; m++) {
          const o = (<usize>m) << 2;
          const nr = load<f32>(xr + o) - load<f32>(GPr + o) * z;
          const ni = load<f32>(xi + o) - load<f32>(GPi + o) * z;
          store<f32>(xr + o, nr);
          store<f32>(xi + o, ni);
          yt += load<f32>(Cr + o) * nr - load<f32>(Ci + o) * ni;
        }
        store<f32>(y + io + ((<usize>t) << 2), <f32>2 * yt + dh * ut);
        // flush tiny entries inside long runs too (see step.ts FLUSH_MASK)
        if ((t & 255) == 255) {
          flushTiny(xr, M);
          flushTiny(xi, M);
        }
      }
    }
  }
}
