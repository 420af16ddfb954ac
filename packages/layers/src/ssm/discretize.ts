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
 * dA = (I - dt/2 A)^-1 (I + dt/2 A), dB = (I - dt/2 A)^-1 dt B_full, with A_full = diag(Lambda_f)
 * - P_f P_f^H (Lambda_f = [Lambda, conj Lambda], P_f = [P; conj P], rank R). I - dt/2 A is
 * diagonal plus rank R, so its inverse is formed by the Woodbury identity (an R x R solve per
 * channel) and dA written directly: O(H N^2 R) instead of a dense O(H N^3) solve per channel.
 *   M = D2 + U V^H,  D2 = diag(1 - d Lambda_f), U = d P_f, V = P_f, d = dt/2
 *   M^-1 = D2^-1 - X Y^H,  X = D2^-1 U S^-1, Y^H = V^H D2^-1, S = I + V^H D2^-1 U
 *   dA = M^-1 (D1 - U V^H) = diag(d1/d2) - X (Y^H D1) - (M^-1 U) V^H,  D1 = diag(1 + d Lambda_f)
 *   dB = dt M^-1 B_f = dt (D2^-1 B_f - X (Y^H B_f))
 */
export function discretizeDPLRDense(p: DPLRContinuous): {
  /** Full state size N = 2 N2. */
  N: number;
  /** Discrete state matrix dA (H, N, N), row-major. */
  dA: Complex64;
  /** Discrete input dB (H, N). */
  dB: Complex64;
} {
  const { H, N2, rank: R } = p;
  const N = 2 * N2;
  checkLen("discretizeDPLRDense(logDt)", p.logDt, H, "H");
  checkLen("discretizeDPLRDense(Lambda.re)", p.Lambda.re, H * N2, "H*N2");
  checkLen("discretizeDPLRDense(P.re)", p.P.re, R * H * N2, "rank*H*N2");
  checkLen("discretizeDPLRDense(B.re)", p.B.re, H * N2, "H*N2");
  const dA = complex64(H * N * N);
  const dB = complex64(H * N);
  // per channel: 1/d2 and d1 (N), P_f (R, N), G = D2^-1 U (N, R; named X), Z D1 (R, N), M^-1 U (N, R)
  const i2r = new Float64Array(N);
  const i2i = new Float64Array(N);
  const d1r = new Float64Array(N);
  const d1i = new Float64Array(N);
  const Pf = complex64(R * N);
  const X = complex64(N * R);
  const YD1 = complex64(R * N);
  const WU = complex64(N * R);
  const S = complex64(R * R);
  const T = complex64(R * R);
  const rhs = complex64(R * (N + 1));
  for (let h = 0; h < H; h++) {
    const dt = Math.exp(p.logDt[h]);
    const d = dt / 2;
    for (let j = 0; j < N; j++) {
      const src = h * N2 + (j % N2);
      const lr = p.Lambda.re[src];
      const li = j < N2 ? p.Lambda.im[src] : -p.Lambda.im[src];
      // 1/(1 - d lambda) and 1 + d lambda
      const ar = 1 - d * lr;
      const ai = -d * li;
      const m2 = ar * ar + ai * ai;
      i2r[j] = ar / m2;
      i2i[j] = -ai / m2;
      d1r[j] = 1 + d * lr;
      d1i[j] = d * li;
      for (let r = 0; r < R; r++) {
        const q = (r * H + h) * N2 + (j % N2);
        Pf.re[r * N + j] = p.P.re[q];
        Pf.im[r * N + j] = j < N2 ? p.P.im[q] : -p.P.im[q];
      }
    }
    // S = I + V^H D2^-1 U = I + d sum_j conj(P_f[r, j]) / d2_j P_f[s, j]; rhs = [Y^H = V^H D2^-1 | Y^H B_f]
    S.re.fill(0);
    S.im.fill(0);
    for (let r = 0; r < R; r++) {
      S.re[r * R + r] = 1;
      let yb = 0;
      let ybi = 0;
      for (let j = 0; j < N; j++) {
        // y_rj = conj(P_f[r, j]) / d2_j
        const pr = Pf.re[r * N + j];
        const pi = -Pf.im[r * N + j];
        const yr = pr * i2r[j] - pi * i2i[j];
        const yi = pr * i2i[j] + pi * i2r[j];
        rhs.re[r * (N + 1) + j] = yr;
        rhs.im[r * (N + 1) + j] = yi;
        const src = h * N2 + (j % N2);
        const br = p.B.re[src];
        const bi = j < N2 ? p.B.im[src] : -p.B.im[src];
        yb += yr * br - yi * bi;
        ybi += yr * bi + yi * br;
        for (let s2 = 0; s2 < R; s2++) {
          const ur = d * Pf.re[s2 * N + j];
          const ui = d * Pf.im[s2 * N + j];
          S.re[r * R + s2] += yr * ur - yi * ui;
          S.im[r * R + s2] += yr * ui + yi * ur;
        }
      }
      rhs.re[r * (N + 1) + N] = yb;
      rhs.im[r * (N + 1) + N] = ybi;
    }
    // Z = S^-1 [Y^H | Y^H B_f]  (R x (N + 1))
    const Z = cSolve(S, rhs, R, N + 1);
    // X = D2^-1 U S^-1, so X (Y^H ...) = D2^-1 U Z: keep G = D2^-1 U (N, R) and apply Z
    for (let j = 0; j < N; j++) {
      for (let r = 0; r < R; r++) {
        const ur = d * Pf.re[r * N + j];
        const ui = d * Pf.im[r * N + j];
        X.re[j * R + r] = ur * i2r[j] - ui * i2i[j];
        X.im[j * R + r] = ur * i2i[j] + ui * i2r[j];
      }
    }
    // M^-1 = D2^-1 - G Z[:, :N]; (Y^H-part) times D1: YD1[r, b] = Z[r, b] d1_b
    for (let r = 0; r < R; r++)
      for (let b = 0; b < N; b++) {
        const zr = Z.re[r * (N + 1) + b];
        const zi = Z.im[r * (N + 1) + b];
        YD1.re[r * N + b] = zr * d1r[b] - zi * d1i[b];
        YD1.im[r * N + b] = zr * d1i[b] + zi * d1r[b];
      }
    // M^-1 U = G - G T with T = Z[:, :N] U (R x R)
    for (let q = 0; q < R; q++)
      for (let r = 0; r < R; r++) {
        let zur = 0;
        let zui = 0;
        for (let b = 0; b < N; b++) {
          const zr = Z.re[q * (N + 1) + b];
          const zi = Z.im[q * (N + 1) + b];
          const ur = d * Pf.re[r * N + b];
          const ui = d * Pf.im[r * N + b];
          zur += zr * ur - zi * ui;
          zui += zr * ui + zi * ur;
        }
        T.re[q * R + r] = zur;
        T.im[q * R + r] = zui;
      }
    for (let a = 0; a < N; a++)
      for (let r = 0; r < R; r++) {
        let tr = 0;
        let ti = 0;
        for (let q = 0; q < R; q++) {
          const gr = X.re[a * R + q];
          const gi = X.im[a * R + q];
          tr += gr * T.re[q * R + r] - gi * T.im[q * R + r];
          ti += gr * T.im[q * R + r] + gi * T.re[q * R + r];
        }
        WU.re[a * R + r] = X.re[a * R + r] - tr;
        WU.im[a * R + r] = X.im[a * R + r] - ti;
      }
    // dA[a, b] = [a == b] d1/d2 - sum_r G[a, r] YD1[r, b] - sum_r WU[a, r] conj(P_f[r, b])
    const base = h * N * N;
    for (let a = 0; a < N; a++) {
      for (let b = 0; b < N; b++) {
        let vr = 0;
        let vi = 0;
        if (a === b) {
          vr = d1r[a] * i2r[a] - d1i[a] * i2i[a];
          vi = d1r[a] * i2i[a] + d1i[a] * i2r[a];
        }
        for (let r = 0; r < R; r++) {
          const gr = X.re[a * R + r];
          const gi = X.im[a * R + r];
          const yr = YD1.re[r * N + b];
          const yi = YD1.im[r * N + b];
          const wr = WU.re[a * R + r];
          const wi = WU.im[a * R + r];
          const pr = Pf.re[r * N + b];
          const pi = -Pf.im[r * N + b];
          vr -= gr * yr - gi * yi + (wr * pr - wi * pi);
          vi -= gr * yi + gi * yr + (wr * pi + wi * pr);
        }
        dA.re[base + a * N + b] = vr;
        dA.im[base + a * N + b] = vi;
      }
      // dB = dt (D2^-1 B_f - G (Z[:, N]))
      const src = h * N2 + (a % N2);
      const br = p.B.re[src];
      const bi = a < N2 ? p.B.im[src] : -p.B.im[src];
      let vr = br * i2r[a] - bi * i2i[a];
      let vi = br * i2i[a] + bi * i2r[a];
      for (let r = 0; r < R; r++) {
        const gr = X.re[a * R + r];
        const gi = X.im[a * R + r];
        const zr = Z.re[r * (N + 1) + N];
        const zi = Z.im[r * (N + 1) + N];
        vr -= gr * zr - gi * zi;
        vi -= gr * zi + gi * zr;
      }
      dB.re[h * N + a] = dt * vr;
      dB.im[h * N + a] = dt * vi;
    }
  }
  return { N, dA, dB };
}

/**
 * a^p for one channel's dense conjugate-block dA (N x N): the float64 twin by default; a kernels
 * instance passes its wasm f64x2 plan (k.conjBlockPower), about 7x faster at N = 64.
 */
export type ConjBlockPower = (a: Complex64, n: number, p: number) => Complex64;

/** I - dA^L for one channel (N x N), dA given as the (H, N, N) stack. */
function iMinusPowL(dA: Complex64, h: number, N: number, L: number, power: ConjBlockPower): Complex64 {
  const one: Complex64 = {
    re: dA.re.subarray(h * N * N, (h + 1) * N * N),
    im: dA.im.subarray(h * N * N, (h + 1) * N * N),
  };
  // dA of the full conjugate-pair state is [[X, Y], [conj Y, conj X]]: half-cost powers
  const pw = power(one, N, L);
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
 * C: (channels, H, N2) original C. Returns (channels, H, N2). `power` computes dA^L per channel
 * (default: the float64 twin; DPLRKernel passes the wasm plan on the wasm backend).
 */
export function cTildeFromC(
  dA: Complex64,
  C: Complex64,
  H: number,
  N2: number,
  L: number,
  power: ConjBlockPower = cMatPowConjBlock,
): Complex64 {
  return convertC(dA, C, H, N2, L, "forward", power);
}

/** Inverse of cTildeFromC: C_full = C~_full (I - dA^L)^-1, solved as (I - dA^L)^T C^T = C~^T. */
export function cFromCTilde(
  dA: Complex64,
  CTilde: Complex64,
  H: number,
  N2: number,
  L: number,
  power: ConjBlockPower = cMatPowConjBlock,
): Complex64 {
  return convertC(dA, CTilde, H, N2, L, "inverse", power);
}

function convertC(
  dA: Complex64,
  C: Complex64,
  H: number,
  N2: number,
  L: number,
  dir: "forward" | "inverse",
  power: ConjBlockPower,
): Complex64 {
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
    const M = iMinusPowL(dA, h, N, L, power);
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
