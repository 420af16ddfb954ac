import { S4ShapeError, S4ValueError } from "@s4wasm/kernels";

/**
 * HiPPO transition matrices (A, B) of the official `hippo.transition(measure, N)` and their
 * low-rank corrections P (official `rank_correction`), float64, row-major.
 *
 *   legs: A[n,k] = -sqrt(2n+1) sqrt(2k+1) (n > k), -(n+1) (n = k), 0 (n < k);  B[n] = sqrt(2n+1)
 *   legt: A[n,k] = -1/2 sqrt(2n+1) sqrt(2k+1) * ((-1)^(n-k) if n < k else 1); B[n] = 1/2 sqrt(2n+1)
 *   lagt: A = I/2 - tril(ones);  B = beta (default 1)
 *   fout: A = pi (-diag(d, 1) + diag(d, -1)) - b b^T, d = [0,1,1,2,2,...][1:], b = [1, 0, sqrt2, 0, sqrt2, ...]; B = b
 * A + sum_r P_r P_r^T is then normal (-I/2 + skew for legs, skew for legt/lagt/fout).
 */
export type Measure = "legs" | "legt" | "lagt" | "fout";
/** Every Measure name, in a fixed order. */
export const MEASURES: readonly Measure[] = ["legs", "legt", "lagt", "fout"];

/** `measure` as a Measure, or S4ValueError naming `where` and the accepted measures. */
export function checkMeasure(where: string, measure: unknown): Measure {
  if (typeof measure !== "string" || !(MEASURES as readonly string[]).includes(measure)) {
    throw new S4ValueError(`${where}: expected one of ${MEASURES.map((m) => `"${m}"`).join(", ")}, got ${String(measure)}`);
  }
  return measure as Measure;
}

export function checkStateSize(where: string, N: unknown, even: boolean): number {
  if (typeof N !== "number" || !Number.isInteger(N) || N < (even ? 2 : 1) || N > 4096) {
    throw new S4ShapeError(`${where}: expected an integer state size N in [${even ? 2 : 1}, 4096], got ${String(N)}`);
  }
  if (even && N % 2 !== 0) {
    throw new S4ShapeError(`${where}: expected an even state size N (N/2 conjugate pairs are stored), got ${N}`);
  }
  return N;
}

/** A (N, N) and B (N) of a HiPPO measure. */
export function transition(
  measure: Measure,
  N: number,
  beta = 1,
): {
  /** Transition A (N, N), row-major. */
  A: Float64Array;
  /** Input B (N). */
  B: Float64Array;
} {
  checkMeasure("transition(measure)", measure);
  checkStateSize("transition(N)", N, false);
  const A = new Float64Array(N * N);
  const B = new Float64Array(N);
  if (measure === "legs") {
    for (let n = 0; n < N; n++) {
      B[n] = Math.sqrt(2 * n + 1);
      for (let k = 0; k < n; k++) A[n * N + k] = -Math.sqrt(2 * n + 1) * Math.sqrt(2 * k + 1);
      A[n * N + n] = -(n + 1);
    }
  } else if (measure === "legt") {
    for (let n = 0; n < N; n++) {
      B[n] = 0.5 * Math.sqrt(2 * n + 1);
      for (let k = 0; k < N; k++) {
        const sign = n < k ? ((k - n) % 2 === 0 ? 1 : -1) : 1;
        A[n * N + k] = -0.5 * Math.sqrt(2 * n + 1) * sign * Math.sqrt(2 * k + 1);
      }
    }
  } else if (measure === "lagt") {
    for (let n = 0; n < N; n++) {
      B[n] = beta;
      for (let k = 0; k <= n; k++) A[n * N + k] = -1;
      A[n * N + n] += 0.5;
    }
  } else {
    // fout: d = [0,0,1,1,2,2,...][1:] on the super/sub diagonal
    const b = foutB(N);
    for (let i = 0; i + 1 < N; i++) {
      const d = Math.floor((i + 1) / 2);
      A[i * N + i + 1] = -Math.PI * d;
      A[(i + 1) * N + i] = Math.PI * d;
    }
    for (let n = 0; n < N; n++) {
      B[n] = b[n];
      for (let k = 0; k < N; k++) A[n * N + k] -= b[n] * b[k];
    }
  }
  return { A, B };
}

function foutB(N: number): Float64Array {
  const b = new Float64Array(N);
  for (let n = 0; n < N; n += 2) b[n] = Math.SQRT2;
  b[0] = 1;
  return b;
}

/** Low-rank correction P (rank, N) such that A + P^T P is normal; rows past the measure's own rank are 0. */
export function rankCorrection(measure: Measure, N: number, rank = 1): Float64Array {
  checkMeasure("rankCorrection(measure)", measure);
  checkStateSize("rankCorrection(N)", N, false);
  const need = measure === "legt" ? 2 : 1;
  if (!Number.isInteger(rank) || rank < need) {
    throw new S4ShapeError(`rankCorrection(rank): measure "${measure}" needs rank >= ${need}, got ${rank}`);
  }
  const P = new Float64Array(rank * N);
  for (let n = 0; n < N; n++) {
    if (measure === "legs") P[n] = Math.sqrt(0.5 + n);
    else if (measure === "lagt") P[n] = Math.SQRT1_2;
    else if (measure === "fout") P[n] = foutB(N)[n];
    else {
      const p = Math.sqrt(1 + 2 * n) * Math.SQRT1_2;
      if (n % 2 === 1)
        P[n] = p; // P0: zero on even n
      else P[N + n] = p; // P1: zero on odd n
    }
  }
  return P;
}
