// Linear(H, 2G) followed by GLU in one pass, layout (B, H, L) (the S4 block's output stage):
//   z[o]   = sum_h W[o, h] x[b, h, l] + bias[o]              o in [0, 2G)
//   y[b, g, l] = z[g] * sigmoid(z[G + g])                     g in [0, G)
// x (B, H, L), W (2G, H), bias (2G), y (B, G, L). The value row g and its gate row G + g are
// accumulated in the same register tile (2 values + 2 gates x 8 positions = 8 f32x4, the 4 x 8
// tile of linear.ts), and the GLU is applied before the store: z (B, 2G, L) is never written.
// Measured (H = G = 256, L = 4096, one core, bench `blockops`): ~9 % slower than linear + glu in
// two passes (25.3 vs 23.2 ms; the sigmoid in the epilogue costs more than the saved pass
// gains, since linear and glu each got faster on their own); what it saves is the z buffer,
// 2*B*G*L floats, so the S4 block keeps the two passes. Packing and blocking as in linear.ts; the host
// passes `scratch` of linearScratchFloats(H) floats. y must not alias x, W or scratch.
import { sigmoidv } from "./vmath";

const MB = 128; // value rows per block (each brings its gate row: 256 rows of W); 3% faster than 64
const NB = 128;

// @ts-ignore: decorator
@inline
function rowBias(bias: usize, byteOffset: usize): v128 {
  return bias == 0 ? f32x4.splat(0.0) : v128.load32_splat(bias + byteOffset);
}

/**
 * y[g..g+2, n..n+8] from rows g, g+1 (values) and G+g, G+g+1 (gates). a = &W[g, 0],
 * gateOff = G*lda bytes, b = packed panel (K x 8), c = &y[g, n]. pair = false: row g only.
 */
// @ts-ignore: decorator
@inline
function tileGlu(a: usize, lda: usize, gateOff: usize, b: usize, c: usize, ldc: usize, K: i32, bias: usize, biasGate: usize, pair: bool): void {
  let v00 = rowBias(bias, 0), v01 = v00;
  let v10 = pair ? rowBias(bias, 4) : f32x4.splat(0.0), v11 = v10;
  let g00 = rowBias(biasGate, 0), g01 = g00;
  let g10 = pair ? rowBias(biasGate, 4) : f32x4.splat(0.0), g11 = g10;
  for (let k = 0; k < K; k++) {
    const b0 = v128.load(b), b1 = v128.load(b, 16);
    let s = v128.load32_splat(a);
    v00 = f32x4.add(v00, f32x4.mul(s, b0));
    v01 = f32x4.add(v01, f32x4.mul(s, b1));
    s = v128.load32_splat(a + gateOff);
    g00 = f32x4.add(g00, f32x4.mul(s, b0));
    g01 = f32x4.add(g01, f32x4.mul(s, b1));
    if (pair) {
      s = v128.load32_splat(a + lda);
      v10 = f32x4.add(v10, f32x4.mul(s, b0));
      v11 = f32x4.add(v11, f32x4.mul(s, b1));
      s = v128.load32_splat(a + lda + gateOff);
      g10 = f32x4.add(g10, f32x4.mul(s, b0));
      g11 = f32x4.add(g11, f32x4.mul(s, b1));
    }
    a += 4;
    b += 32;
  }
  v128.store(c, f32x4.mul(v00, sigmoidv(g00)));
  v128.store(c, f32x4.mul(v01, sigmoidv(g01)), 16);
  if (pair) {
    v128.store(c + ldc, f32x4.mul(v10, sigmoidv(g10)));
    v128.store(c + ldc, f32x4.mul(v11, sigmoidv(g11)), 16);
  }
}

/** One output element the plain way (columns past the last full 8-wide panel). */
// @ts-ignore: decorator
@inline
function scalarGlu(w: usize, lda: usize, gateOff: usize, x: usize, ldx: usize, K: i32, bias: usize, g: i32, G: i32): f32 {
  let v: f32 = bias == 0 ? <f32>0 : load<f32>(bias + ((<usize>g) << 2));
  let z: f32 = bias == 0 ? <f32>0 : load<f32>(bias + ((<usize>(G + g)) << 2));
  const a = w + <usize>g * lda;
  for (let k = 0; k < K; k++) {
    const xv = load<f32>(x + <usize>k * ldx);
    v += load<f32>(a + ((<usize>k) << 2)) * xv;
    z += load<f32>(a + gateOff + ((<usize>k) << 2)) * xv;
  }
  return v / (<f32>1.0 + Mathf.exp(-z));
}

/** y (B, G, L) = GLU(W (2G, H) x (B, H, L) + bias (2G)); `bias` = 0 means no bias. */
export function linearGluBHL(x: usize, w: usize, bias: usize, y: usize, B: i32, H: i32, G: i32, L: i32, scratch: usize): void {
  const K = H;
  const lda = (<usize>K) << 2;
  const ldx = (<usize>L) << 2;
  const ldy = ldx;
  const gateOff = <usize>G * lda;
  const panelBytes = <usize>K * 32;
  const biasGate = bias == 0 ? <usize>0 : bias + ((<usize>G) << 2);
  for (let bi = 0; bi < B; bi++) {
    const xb = x + <usize>bi * <usize>H * ldx;
    const yb = y + <usize>bi * <usize>G * ldy;
    for (let n0 = 0; n0 < L; n0 += NB) {
      const nEnd = min(L, n0 + NB);
      const nPanels = (nEnd - n0) >> 3;
      for (let p = 0; p < nPanels; p++) {
        let src = xb + ((<usize>(n0 + (p << 3))) << 2);
        let dst = scratch + <usize>p * panelBytes;
        for (let k = 0; k < K; k++) {
          v128.store(dst, v128.load(src));
          v128.store(dst, v128.load(src, 16), 16);
          src += ldx;
          dst += 32;
        }
      }
      for (let g0 = 0; g0 < G; g0 += MB) {
        const gEnd = min(G, g0 + MB);
        for (let p = 0; p < nPanels; p++) {
          const nb = (<usize>(n0 + (p << 3))) << 2;
          const panel = scratch + <usize>p * panelBytes;
          let g = g0;
          for (; g + 2 <= gEnd; g += 2) {
            const gb = (<usize>g) << 2;
            tileGlu(w + <usize>g * lda, lda, gateOff, panel, yb + <usize>g * ldy + nb, ldy, K, bias == 0 ? <usize>0 : bias + gb, bias == 0 ? <usize>0 : biasGate + gb, true);
          }
          if (g < gEnd) {
            const gb = (<usize>g) << 2;
            tileGlu(w + <usize>g * lda, lda, gateOff, panel, yb + <usize>g * ldy + nb, ldy, K, bias == 0 ? <usize>0 : bias + gb, bias == 0 ? <usize>0 : biasGate + gb, false);
          }
        }
        for (let n = n0 + (nPanels << 3); n < nEnd; n++) {
          const nb = (<usize>n) << 2;
          for (let g = g0; g < gEnd; g++) store<f32>(yb + <usize>g * ldy + nb, scalarGlu(w, lda, gateOff, xb + nb, ldx, K, bias, g, G));
        }
      }
    }
  }
}

