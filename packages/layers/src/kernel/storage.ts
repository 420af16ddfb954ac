/**
 * The two official storages of the same S4D numbers, converted to canonical S4DParams
 * (A itself, dt = exp(logDt)); see fixtures/golden/README.md "S4D discretization":
 *   s4d.py (S4DKernel):  log_dt (H); A = -exp(log_A_real) + i A_imag (H, N/2); B = 1; C (channels, H, N/2)
 *   s4.py  (SSMKernelDiag): inv_dt (H, 1) holding log_dt (dt_transform "exp"); A = -exp(A_real) - i A_imag;
 *                           B (H, N/2) complex; C (channels, H, N/2)
 * Complex tensors are given as split planes (official view_as_real storage already split).
 */
import { S4ShapeError } from "@s4wasm/kernels";
import type { Complex64, S4DParams } from "../ssm/params.js";

/** The S4D parameters as models/s4/s4d.py stores them (A = -exp(log_A_real) + i A_imag, B = 1). */
export interface S4dPyStorage {
  /** (H) */
  log_dt: ArrayLike<number>;
  /** (H, N/2) */
  log_A_real: ArrayLike<number>;
  /** (H, N/2) */
  A_imag: ArrayLike<number>;
  /** (channels, H, N/2) */
  C: {
    /** Real parts. */
    re: ArrayLike<number>;
    /** Imaginary parts. */
    im: ArrayLike<number>;
  };
}

/** The S4D parameters as models/s4/s4.py SSMKernelDiag stores them (A = -exp(A_real) - i A_imag). */
export interface S4PyDiagStorage {
  /** (H) or (H, 1): log dt */
  inv_dt: ArrayLike<number>;
  /** (H, N/2) */
  A_real: ArrayLike<number>;
  /** (H, N/2) */
  A_imag: ArrayLike<number>;
  /** (H, N/2) */
  B: {
    /** Real parts. */
    re: ArrayLike<number>;
    /** Imaginary parts. */
    im: ArrayLike<number>;
  };
  /** (channels, H, N/2) */
  C: {
    /** Real parts. */
    re: ArrayLike<number>;
    /** Imaginary parts. */
    im: ArrayLike<number>;
  };
}

function sizes(where: string, H: number, aLen: number, cLen: number): { N2: number; channels: number } {
  if (H < 1 || aLen % H !== 0 || aLen === 0) {
    throw new S4ShapeError(`${where}: A has ${aLen} values, not a multiple of H = ${H}`);
  }
  const N2 = aLen / H;
  if (cLen % (H * N2) !== 0 || cLen === 0) {
    throw new S4ShapeError(`${where}(C): expected length channels*H*N2 (H*N2 = ${H * N2}), got ${cLen}`);
  }
  return { N2, channels: cLen / (H * N2) };
}

const c64 = (c: { re: ArrayLike<number>; im: ArrayLike<number> }): Complex64 => ({
  re: Float64Array.from(c.re),
  im: Float64Array.from(c.im),
});

/** s4d.py storage -> S4DParams (B = 1). */
export function fromS4dPy(s: S4dPyStorage): S4DParams {
  const H = s.log_dt.length;
  const { N2, channels } = sizes("fromS4dPy", H, s.log_A_real.length, s.C.re.length);
  const n = H * N2;
  const A = { re: new Float64Array(n), im: new Float64Array(n) };
  for (let i = 0; i < n; i++) {
    A.re[i] = -Math.exp(s.log_A_real[i]);
    A.im[i] = s.A_imag[i];
  }
  const B = { re: new Float64Array(n).fill(1), im: new Float64Array(n) };
  return { H, N2, channels, logDt: Float64Array.from(s.log_dt), A, B, C: c64(s.C) };
}

/** s4.py diagonal storage -> S4DParams. */
export function fromS4PyDiag(s: S4PyDiagStorage): S4DParams {
  const H = s.inv_dt.length;
  const { N2, channels } = sizes("fromS4PyDiag", H, s.A_real.length, s.C.re.length);
  const n = H * N2;
  const A = { re: new Float64Array(n), im: new Float64Array(n) };
  for (let i = 0; i < n; i++) {
    A.re[i] = -Math.exp(s.A_real[i]);
    A.im[i] = -s.A_imag[i];
  }
  return { H, N2, channels, logDt: Float64Array.from(s.inv_dt), A, B: c64(s.B), C: c64(s.C) };
}
