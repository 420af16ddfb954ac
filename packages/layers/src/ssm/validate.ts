/**
 * Checks of S4D / DPLR parameter records at the public entry points. Typed errors name the
 * argument, the expectation and what came (S4ShapeError for sizes, S4ValueError for values).
 */
import { type Complex, S4ShapeError, S4ValueError } from "@s4wasm/kernels";
import type { DPLRParams, S4DParams } from "./params.js";

function int(where: string, v: unknown, min: number): number {
  if (typeof v !== "number" || !Number.isInteger(v) || v < min) {
    throw new S4ShapeError(`${where}: expected an integer >= ${min}, got ${String(v)}`);
  }
  return v;
}

function arr(where: string, a: unknown, n: number, formula: string): void {
  if (!(a instanceof Float64Array) && !(a instanceof Float32Array)) {
    throw new S4ValueError(`${where}: expected a Float64Array or Float32Array, got ${a === null ? "null" : typeof a}`);
  }
  if (a.length !== n) throw new S4ShapeError(`${where}: expected length ${n} (${formula}), got ${a.length}`);
  for (let i = 0; i < n; i++) {
    if (!Number.isFinite(a[i])) throw new S4ValueError(`${where}: expected finite values, got ${a[i]} at index ${i}`);
  }
}

function cplx(where: string, c: unknown, n: number, formula: string): void {
  if (typeof c !== "object" || c === null || !("re" in c) || !("im" in c)) {
    throw new S4ValueError(`${where}: expected { re, im } planes`);
  }
  arr(`${where}.re`, (c as Complex).re, n, formula);
  arr(`${where}.im`, (c as Complex).im, n, formula);
}

/** The state size N from N2, rejecting what cannot be a conjugate-pair system. */
function stateSize(where: string, N2: unknown): number {
  if (typeof N2 !== "number" || !Number.isInteger(N2) || N2 < 1) {
    throw new S4ShapeError(
      `${where}: expected N2 = N/2 >= 1 stored modes (N must be even: modes come in conjugate pairs), got ${String(N2)}`,
    );
  }
  return N2;
}

function stable(where: string, re: ArrayLike<number>): void {
  for (let i = 0; i < re.length; i++) {
    if (!(re[i] < 0)) {
      throw new S4ValueError(`${where}: expected negative real parts (a stable system), got ${re[i]} at index ${i}`);
    }
  }
}

export function checkS4DParams(where: string, p: S4DParams): void {
  if (typeof p !== "object" || p === null) throw new S4ValueError(`${where}: expected S4D parameters, got ${String(p)}`);
  const H = int(`${where}.H`, p.H, 1);
  const N2 = stateSize(`${where}.N2`, p.N2);
  const ch = int(`${where}.channels`, p.channels, 1);
  arr(`${where}.logDt`, p.logDt, H, "H");
  cplx(`${where}.A`, p.A, H * N2, "H*N2");
  cplx(`${where}.B`, p.B, H * N2, "H*N2");
  cplx(`${where}.C`, p.C, ch * H * N2, "channels*H*N2");
  stable(`${where}.A.re`, p.A.re);
}

export function checkDPLRParams(where: string, p: DPLRParams): void {
  if (typeof p !== "object" || p === null) throw new S4ValueError(`${where}: expected DPLR parameters, got ${String(p)}`);
  const H = int(`${where}.H`, p.H, 1);
  const N2 = stateSize(`${where}.N2`, p.N2);
  const R = int(`${where}.rank`, p.rank, 1);
  const ch = int(`${where}.channels`, p.channels, 1);
  arr(`${where}.logDt`, p.logDt, H, "H");
  cplx(`${where}.Lambda`, p.Lambda, H * N2, "H*N2");
  cplx(`${where}.P`, p.P, R * H * N2, "rank*H*N2");
  cplx(`${where}.B`, p.B, H * N2, "H*N2");
  cplx(`${where}.C`, p.C, ch * H * N2, "channels*H*N2");
  stable(`${where}.Lambda.re`, p.Lambda.re);
  if (p.cForm !== "C" && p.cForm !== "CTilde") {
    throw new S4ValueError(`${where}.cForm: expected "C" or "CTilde", got ${JSON.stringify(p.cForm)}`);
  }
  // the spectrum is evaluated at tildeLength: it must be a length the FFTs support
  if (p.cForm === "CTilde") checkLength(`${where}.tildeLength`, p.tildeLength);
}

/** L >= 1 (any length: no power-of-two constraint). */
export function checkLength(where: string, L: unknown): number {
  if (typeof L !== "number" || !Number.isInteger(L) || L < 1 || L > 2 ** 22) {
    throw new S4ShapeError(`${where}: expected an integer length L in [1, ${2 ** 22}], got ${String(L)}`);
  }
  return L;
}
