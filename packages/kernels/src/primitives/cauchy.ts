// Cauchy sums as plans.
//   k.cauchy({...}).apply(v, z, w):  out[s,h,m] = sum_n v[s,h,n] / (z[m] - w[h,n])
//     conjugatePairs: each term plus its conjugate partner (official cauchy_naive)
//   (k.cauchyWoodbury, the S4 DPLR rank-1 resolvent on the same sums: cauchy-woodbury.ts)
// Shapes: v (S,H,N), z (M) shared or (H,M) per channel, w (H,N), out (S,H,M).
// The wasm path computes in float32 (SIMD), the JS twin in float64.

import { cauchy, cauchyConj } from "../js/cauchy.js";
import { checkFiniteResultAt } from "../memory/finite-result.js";
import type { WasmBuffer } from "../memory/workspace.js";
import type { WasmRuntime } from "../runtime.js";
import type { Complex } from "../types.js";
import { checkBool, checkComplex, checkFinite32, checkInt } from "../validate.js";
import { Plan } from "./plan.js";

/** Shape and variant of a {@link CauchyPlan}. */
export interface CauchyOptions {
  /** H: rows of poles w (>= 1) */
  channels: number;
  /** N: terms per sum (>= 1) */
  modes: number;
  /** M: evaluation nodes z per row (>= 1) */
  nodes: number;
  /** sum each term and its conjugate partner (official cauchy_naive); default false */
  conjugatePairs?: boolean;
  /** z is (M) shared by all channels (default) or (H, M) per channel when false */
  sharedNodes?: boolean;
  /** S: numerator sets sharing the same poles and nodes (default 1); v is (S, H, N) */
  numerators?: number;
}

type Bufs = Record<"vr" | "vi" | "zr" | "zi" | "wr" | "wi" | "or" | "oi", WasmBuffer<Float32Array>>;

/** Largest element count of any option or plane (2^26). */
export const LIMIT = 2 ** 26;

/**
 * Write x as hi + lo f32 pairs: view[i] = f32(x[i]), view[offset + i] = f32(x[i] - view[i])
 * (lo is 0 for float32 input). The kernels form z - w as (z_hi - w_hi) + (z_lo - w_lo).
 */
function splitHiLo(view: Float32Array, x: ArrayLike<number>, offset: number): void {
  const n = x.length;
  for (let i = 0; i < n; i++) {
    const hi = Math.fround(x[i]);
    view[i] = hi;
    view[offset + i] = x[i] - hi;
  }
}

/**
 * Cauchy sums: out[s,h,m] = sum_n v[s,h,n] / (z[m] - w[h,n]), with conjugatePairs each term plus
 * its conjugate partner (official cauchy_naive). Shapes: v (S,H,N), z (M) shared or (H,M) per
 * channel, w (H,N), out (S,H,M), all complex. The wasm path computes in float32 (SIMD, z and w
 * as hi+lo pairs so z - w keeps f32 relative accuracy near poles), the JS twin in float64.
 */
export class CauchyPlan extends Plan {
  /** H, rows of poles w. */
  readonly channels: number;
  /** N, terms per sum. */
  readonly modes: number;
  /** M, evaluation nodes z per row. */
  readonly nodes: number;
  /** Each term is summed with its conjugate partner (official cauchy_naive). */
  readonly conjugatePairs: boolean;
  /** z is (M), shared by all channels; false: (H, M) per channel. */
  readonly sharedNodes: boolean;
  /** S, numerator sets sharing the same poles and nodes. */
  readonly numerators: number;
  private readonly bufs: Bufs | null;

  constructor(runtime: WasmRuntime | null, options: CauchyOptions) {
    super(runtime);
    const o = options ?? ({} as CauchyOptions);
    this.channels = checkInt("cauchy(options.channels)", o.channels, 1, LIMIT);
    this.modes = checkInt("cauchy(options.modes)", o.modes, 1, LIMIT);
    this.nodes = checkInt("cauchy(options.nodes)", o.nodes, 1, LIMIT);
    this.numerators = checkInt("cauchy(options.numerators)", o.numerators ?? 1, 1, 1024);
    this.conjugatePairs = checkBool("cauchy(options.conjugatePairs)", o.conjugatePairs, false);
    this.sharedNodes = checkBool("cauchy(options.sharedNodes)", o.sharedNodes, true);
    const { channels: H, modes: N, nodes: M, numerators: S } = this;
    checkInt("cauchy(numerators*channels*nodes)", S * H * M, 1, LIMIT);
    checkInt("cauchy(numerators*channels*modes)", S * H * N, 1, LIMIT);
    if (this.ws) {
      const ws = this.ws;
      const zn = this.sharedNodes ? M : H * M;
      this.bufs = {
        vr: ws.f32(S * H * N),
        vi: ws.f32(S * H * N),
        // z and w planes hold hi then lo halves (see splitHiLo)
        zr: ws.f32(2 * zn),
        zi: ws.f32(2 * zn),
        wr: ws.f32(2 * H * N),
        wi: ws.f32(2 * H * N),
        or: ws.f32(S * H * M),
        oi: ws.f32(S * H * M),
      };
    } else this.bufs = null;
  }

  /** v: complex (S,H,N); z: complex (M) or (H,M); w: complex (H,N) -> complex (S,H,M). */
  apply(v: Complex, z: Complex, w: Complex, out?: Complex): Complex {
    this.assertLive("cauchy.apply");
    const { channels: H, modes: N, nodes: M, numerators: S } = this;
    checkComplex("cauchy.apply(v)", v, S * H * N, "numerators*channels*modes");
    checkComplex("cauchy.apply(z)", z, this.sharedNodes ? M : H * M, this.sharedNodes ? "nodes" : "channels*nodes");
    checkComplex("cauchy.apply(w)", w, H * N, "channels*modes");
    // a NaN/Infinity would spread through every node of its row
    for (const [name, c] of [
      ["v", v],
      ["z", z],
      ["w", w],
    ] as const) {
      checkFinite32(`cauchy.apply(${name}).re`, c.re, this.runtime !== null);
      checkFinite32(`cauchy.apply(${name}).im`, c.im, this.runtime !== null);
    }
    const o = this.outComplex("cauchy.apply(out)", out, S * H * M);
    const zStride = this.sharedNodes ? 0 : M;
    if (!this.bufs) {
      if (this.conjugatePairs) cauchyConj(v.re, v.im, z.re, z.im, w.re, w.im, o.re, o.im, H, N, M, zStride, S);
      else {
        for (let s = 0; s < S; s++) {
          const vs = s * H * N;
          const os = s * H * M;
          cauchy(
            v.re.subarray(vs, vs + H * N),
            v.im.subarray(vs, vs + H * N),
            z.re,
            z.im,
            w.re,
            w.im,
            o.re.subarray(os, os + H * M),
            o.im.subarray(os, os + H * M),
            H,
            N,
            M,
            zStride,
          );
        }
      }
      return o;
    }
    const b = this.bufs;
    b.vr.view.set(v.re);
    b.vi.view.set(v.im);
    const zn = z.re.length;
    splitHiLo(b.zr.view, z.re, zn);
    splitHiLo(b.zi.view, z.im, zn);
    splitHiLo(b.wr.view, w.re, H * N);
    splitHiLo(b.wi.view, w.im, H * N);
    const ex = this.wasm.exports;
    if (this.conjugatePairs) {
      ex.cauchyConj(b.vr.ptr, b.vi.ptr, b.zr.ptr, b.zi.ptr, b.wr.ptr, b.wi.ptr, b.or.ptr, b.oi.ptr, H, N, M, zStride, S);
    } else {
      for (let s = 0; s < S; s++) {
        const vo = s * H * N * 4;
        const oo = s * H * M * 4;
        ex.cauchy(
          b.vr.ptr + vo,
          b.vi.ptr + vo,
          b.zr.ptr,
          b.zi.ptr,
          b.wr.ptr,
          b.wi.ptr,
          b.or.ptr + oo,
          b.oi.ptr + oo,
          H,
          N,
          M,
          zStride,
        );
      }
    }
    checkCauchyResult(this.wasm, "cauchy.apply", b.or.ptr, b.oi.ptr, S * H * M);
    o.re.set(b.or.view);
    o.im.set(b.oi.view);
    return o;
  }
}

/**
 * What a refused float32 Cauchy result says after the overflow message: finite inputs can still
 * leave float32 here (a pole or node beyond 1.8e19 squares past 3.4e38; so can a pair's terms v w).
 */
const CAUCHY_RANGE_HINT =
  "; the float32 Cauchy kernels square |w| and |z| (each must stay below 1.8e19) and form each pair's terms v w in float32 (kernels README, Domain of the float32 Cauchy kernels)";

/**
 * Refuse a float32 Cauchy result (re, im planes of n f32 at byte offsets re, im) holding NaN or
 * +-Infinity, naming the plane and index: without the check, a pole at 1e20 made NaN at every
 * node of its channel, silently.
 */
export function checkCauchyResult(rt: WasmRuntime, where: string, re: number, im: number, n: number): void {
  checkFiniteResultAt(rt, `${where} (real part)`, re, n, CAUCHY_RANGE_HINT);
  checkFiniteResultAt(rt, `${where} (imaginary part)`, im, n, CAUCHY_RANGE_HINT);
}
