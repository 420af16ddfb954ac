/**
 * Discretisation of the continuous SSM (A, B) with step dt = exp(logDt[h]), float64.
 *
 * S4D (diagonal, per mode):
 *   ZOH:      dA = exp(dt A),               dB = (exp(dt A) - 1) / A * B
 *   bilinear: dA = (1 + dt A/2)/(1 - dt A/2), dB = dt B / (1 - dt A/2)
 * S4 DPLR, dense on the full 2*N2 conjugate-pair system (bilinear, as the official step mode):
 *   A = diag([Lambda, conj Lambda]) - sum_r p_r p_r^H,  p_r = [P_r, conj P_r],  B_full = [B, conj B]
 *   dA = (I - dt/2 A)^-1 (I + dt/2 A),  dB = (I - dt/2 A)^-1 dt B_full
 * C-tilde (what the official DPLR module stores as C): C~ = C_full (I - dA^L) as a row vector,
 * first N2 entries kept (the rest are their conjugates); the inverse solves with (I - dA^L)^T.
 */
import { S4ShapeError } from "@s4wasm/kernels";
import { cIdentity, cMatMul, cMatPowConjBlock, cSolve, cTranspose } from "./linalg.js";
import { type Complex64, complex64, type Discretization } from "./params.js";

/** The part of S4DParams discretisation needs. */
export interface S4DContinuous {
  /** Channels H. */
  H: number;
  /** Stored complex modes N/2. */
  N2: number;
  /** (H) */
  logDt: Float64Array;
  /** (H, N2) */
  A: Complex64;
  /** (H, N2) */
  B: Complex64;
}

/** Discrete S4D parameters, each (H, N2). */
export interface S4DDiscrete {
  /** Discrete state (diagonal) dA (H, N2). */
  dA: Complex64;
  /** Discrete input dB (H, N2). */
  dB: Complex64;
}

function checkLen(where: string, arr: Float64Array | Float32Array, n: number, formula: string): void {
  if (arr.length !== n) throw new S4ShapeError(`${where}: expected length ${n} (${formula}), got ${arr.length}`);
}

/** S4D discretisation: dA, dB (H, N2) from dt = exp(logDt) (H), A, B (H, N2). */
export function discretizeS4D(p: S4DContinuous, disc: Discretization): S4DDiscrete {
  const { H, N2 } = p;
  const n = H * N2;
  checkLen("discretizeS4D(logDt)", p.logDt, H, "H");
  for (const [name, c] of [
    ["A", p.A],
    ["B", p.B],
  ] as const) {
    checkLen(`discretizeS4D(${name}.re)`, c.re, n, "H*N2");
    checkLen(`discretizeS4D(${name}.im)`, c.im, n, "H*N2");
  }
  const dA = complex64(n);
  const dB = complex64(n);
  for (let h = 0; h < H; h++) {
    const dt = Math.exp(p.logDt[h]);
    for (let j = 0; j < N2; j++) {
      const i = h * N2 + j;
      const ar = p.A.re[i];
      const ai = p.A.im[i];
      const br = p.B.re[i];
      const bi = p.B.im[i];
      const xr = dt * ar;
      const xi = dt * ai;
      if (disc === "zoh") {
        const e = Math.exp(xr);
        dA.re[i] = e * Math.cos(xi);
        dA.im[i] = e * Math.sin(xi);
        // expm1(x) for complex x without cancellation: expm1(a) cos b - 2 sin^2(b/2) + i e^a sin b
        const s = Math.sin(xi / 2);
        const mr = Math.expm1(xr) * Math.cos(xi) - 2 * s * s;
        const mi = dA.im[i];
        // (expm1(dt A) / (dt A)) * dt * B
        const den = xr * xr + xi * xi;
        const qr = (mr * xr + mi * xi) / den;
        const qi = (mi * xr - mr * xi) / den;
        dB.re[i] = dt * (qr * br - qi * bi);
        dB.im[i] = dt * (qr * bi + qi * br);
      } else {
        // 1/(1 - x/2), then dA = (1 + x/2) * that, dB = dt B * that
        const dr = 1 - xr / 2;
        const di = -xi / 2;
        const den = dr * dr + di * di;
        const ir = dr / den;
        const ii = -di / den;
        const nr = 1 + xr / 2;
        const ni = xi / 2;
        dA.re[i] = nr * ir - ni * ii;
        dA.im[i] = nr * ii + ni * ir;
        dB.re[i] = dt * (br * ir - bi * ii);
        dB.im[i] = dt * (br * ii + bi * ir);
      }
    }
  }
  return { dA, dB };
}

/** The part of DPLRParams the dense discretisation needs. */
export interface DPLRContinuous {
  /** Channels H. */
  H: number;
  /** Stored complex modes N/2. */
  N2: number;
  /** Rank R of the low-rank term. */
  rank: number;
  /** (H) */
  logDt: Float64Array;
  /** (H, N2) */
  Lambda: Complex64;
  /** (rank, H, N2) */
  P: Complex64;
  /** (H, N2) */
  B: Complex64;
}

/** Dense full-state DPLR system: A (H, N, N), B (H, N) with N = 2*N2. */
export interface DPLRDense {
  /** Full state size N = 2 N2. */
  N: number;
  /** Continuous A_full (H, N, N), row-major. */
  A: Complex64;
  /** Continuous B_full (H, N). */
  B: Complex64;
}

/** A_full = diag([Lambda, conj Lambda]) - sum_r p_r p_r^H and B_full = [B, conj B], per channel. */
export function dplrDenseContinuous(p: DPLRContinuous): DPLRDense {
  const { H, N2, rank } = p;
  const N = 2 * N2;
  checkLen("dplrDenseContinuous(Lambda.re)", p.Lambda.re, H * N2, "H*N2");
  checkLen("dplrDenseContinuous(P.re)", p.P.re, rank * H * N2, "rank*H*N2");
  checkLen("dplrDenseContinuous(B.re)", p.B.re, H * N2, "H*N2");
  const A = complex64(H * N * N);
  const B = complex64(H * N);
  const pr = new Float64Array(N);
  const pi = new Float64Array(N);
  for (let h = 0; h < H; h++) {
    const base = h * N * N;
    for (let j = 0; j < N2; j++) {
      const lr = p.Lambda.re[h * N2 + j];
      const li = p.Lambda.im[h * N2 + j];
      A.re[base + j * N + j] = lr;
      A.im[base + j * N + j] = li;
      A.re[base + (j + N2) * N + j + N2] = lr;
      A.im[base + (j + N2) * N + j + N2] = -li;
      B.re[h * N + j] = p.B.re[h * N2 + j];
      B.im[h * N + j] = p.B.im[h * N2 + j];
      B.re[h * N + j + N2] = p.B.re[h * N2 + j];
      B.im[h * N + j + N2] = -p.B.im[h * N2 + j];
    }
    for (let r = 0; r < rank; r++) {
      for (let j = 0; j < N2; j++) {
        const q = (r * H + h) * N2 + j;
        pr[j] = p.P.re[q];
        pi[j] = p.P.im[q];
        pr[j + N2] = p.P.re[q];
        pi[j + N2] = -p.P.im[q];
      }
      // (p p^H)[a][b] = p_a conj(p_b)
      for (let a = 0; a < N; a++) {
        for (let b = 0; b < N; b++) {
          A.re[base + a * N + b] -= pr[a] * pr[b] + pi[a] * pi[b];
          A.im[base + a * N + b] -= pi[a] * pr[b] - pr[a] * pi[b];
        }
      }
    }
  }
  return { N, A, B };
}

/**
 * Bilinear discretisation of the dense DPLR system: dA (H, N, N), dB (H, N), N = 2*N2.
 * dA = (I - dt/2 A)^-1 (I + dt/2 A), dB = (I - dt/2 A)^-1 dt B_full.
 */
export function discretizeDPLRDense(p: DPLRContinuous): {
  /** Full state size N = 2 N2. */
  N: number;
  /** Discrete state matrix dA (H, N, N), row-major. */
  dA: Complex64;
  /** Discrete input dB (H, N). */
  dB: Complex64;
} {
  const { H } = p;
  checkLen("discretizeDPLRDense(logDt)", p.logDt, H, "H");
  const { N, A, B } = dplrDenseContinuous(p);
  const dA = complex64(H * N * N);
  const dB = complex64(H * N);
  const M = complex64(N * N);
  const rhs = complex64(N * (N + 1));
  for (let h = 0; h < H; h++) {
    const dt = Math.exp(p.logDt[h]);
    const base = h * N * N;
    for (let a = 0; a < N; a++) {
      for (let b = 0; b < N; b++) {
        const id = a === b ? 1 : 0;
        const xr = (dt / 2) * A.re[base + a * N + b];
        const xi = (dt / 2) * A.im[base + a * N + b];
        M.re[a * N + b] = id - xr;
        M.im[a * N + b] = -xi;
        rhs.re[a * (N + 1) + b] = id + xr;
        rhs.im[a * (N + 1) + b] = xi;
      }
      rhs.re[a * (N + 1) + N] = dt * B.re[h * N + a];
      rhs.im[a * (N + 1) + N] = dt * B.im[h * N + a];
    }
    const X = cSolve(M, rhs, N, N + 1);
    for (let a = 0; a < N; a++) {
      for (let b = 0; b < N; b++) {
        dA.re[base + a * N + b] = X.re[a * (N + 1) + b];
        dA.im[base + a * N + b] = X.im[a * (N + 1) + b];
      }
      dB.re[h * N + a] = X.re[a * (N + 1) + N];
      dB.im[h * N + a] = X.im[a * (N + 1) + N];
    }
  }
  return { N, dA, dB };
}

/** I - dA^L for one channel (N x N), dA given as the (H, N, N) stack. */
function iMinusPowL(dA: Complex64, h: number, N: number, L: number): Complex64 {
  const one: Complex64 = {
    re: dA.re.subarray(h * N * N, (h + 1) * N * N),
    im: dA.im.subarray(h * N * N, (h + 1) * N * N),
  };
  // dA of the full conjugate-pair state is [[X, Y], [conj Y, conj X]]: half-cost powers
  const pw = cMatPowConjBlock(one, N, L);
  const I = cIdentity(N);
  for (let i = 0; i < N * N; i++) {
    pw.re[i] = I.re[i] - pw.re[i];
    pw.im[i] = -pw.im[i];
  }
  return pw;
}

function fullRow(C: Complex64, off: number, N2: number): Complex64 {
  const row = complex64(2 * N2);
  for (let j = 0; j < N2; j++) {
    row.re[j] = C.re[off + j];
    row.im[j] = C.im[off + j];
    row.re[j + N2] = C.re[off + j];
    row.im[j + N2] = -C.im[off + j];
  }
  return row;
}

/**
 * C-tilde = C_full (I - dA^L), first N2 kept. dA: (H, N, N) dense discrete A (N = 2*N2);
 * C: (channels, H, N2) original C. Returns (channels, H, N2).
 */
export function cTildeFromC(dA: Complex64, C: Complex64, H: number, N2: number, L: number): Complex64 {
  return convertC(dA, C, H, N2, L, "forward");
}

/** Inverse of cTildeFromC: C_full = C~_full (I - dA^L)^-1, solved as (I - dA^L)^T C^T = C~^T. */
export function cFromCTilde(dA: Complex64, CTilde: Complex64, H: number, N2: number, L: number): Complex64 {
  return convertC(dA, CTilde, H, N2, L, "inverse");
}

function convertC(dA: Complex64, C: Complex64, H: number, N2: number, L: number, dir: "forward" | "inverse"): Complex64 {
  const N = 2 * N2;
  const where = dir === "forward" ? "cTildeFromC" : "cFromCTilde";
  checkLen(`${where}(dA.re)`, dA.re, H * N * N, "H*N*N, N = 2*N2");
  if (C.re.length % (H * N2) !== 0 || C.re.length === 0) {
    throw new S4ShapeError(`${where}(C): expected length channels*H*N2 (H*N2 = ${H * N2}), got ${C.re.length}`);
  }
  if (!Number.isInteger(L) || L < 1) throw new S4ShapeError(`${where}(L): expected an integer >= 1, got ${L}`);
  const channels = C.re.length / (H * N2);
  const out = complex64(channels * H * N2);
  for (let h = 0; h < H; h++) {
    const M = iMinusPowL(dA, h, N, L);
    const Mt = dir === "inverse" ? cTranspose(M, N, N) : M;
    for (let c = 0; c < channels; c++) {
      const off = (c * H + h) * N2;
      const row = fullRow(C, off, N2);
      // forward: row (1 x N) @ M ; inverse: solve M^T x = row^T
      const res = dir === "forward" ? cMatMul(row, M, 1, N, N) : cSolve(Mt, row, N, 1);
      for (let j = 0; j < N2; j++) {
        out.re[off + j] = res.re[j];
        out.im[off + j] = res.im[j];
      }
    }
  }
  return out;
}
