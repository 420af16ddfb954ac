// Plain-TypeScript twin of assembly/fftconv.ts (float64): causal FFT convolution with a kept
// kernel spectrum, official S4 conventions (FFT size n = 2L):
//   y[b,h,:] = irfft(rfft(u[b,h,:], n) * rfft(k[h,:], n), n)[:L] + D[h] * u[b,h,:]
// where k[h] is K[h] zero-padded to 2L (causal) or the two-sided kernel
//   pad(K0[h], (0, L)) + pad(flip(K1[h]), (L, 0))   (bidirectional; backward taps shifted by one).

import type { FloatArray as Plane } from "../types.js";
import { irfft, type RFFTTwin, rfft, rfftTwin } from "./fft.js";

/** The float64 FFT convolution twin: its real FFT of 2L, the kept kernel spectrum and scratch. */
export interface FFTConvTwin {
  /** H, the number of channels. */
  H: number;
  /** L, sequence and kernel length; the FFT size is 2L. */
  L: number;
  /** The real FFT twin of n = 2L. */
  rt: RFFTTwin;
  /** Kernel spectrum (H, L+1) complex, unnormalised. */
  specRe: Float64Array;
  /** Imaginary parts of the kernel spectrum, (H, L+1). */
  specIm: Float64Array;
  /** Scratch: one row's spectrum, (L+1) re. */
  XRe: Float64Array;
  /** Scratch: one row's spectrum, (L+1) im. */
  XIm: Float64Array;
  /** Scratch: one real row of 2L (a padded kernel or an inverse transform). */
  row: Float64Array;
}

/** Make the FFT convolution twin for H channels of length L (kernel not set yet). */
export function fftConvTwin(H: number, L: number): FFTConvTwin {
  const nb = L + 1;
  return {
    H,
    L,
    rt: rfftTwin(2 * L),
    specRe: new Float64Array(H * nb),
    specIm: new Float64Array(H * nb),
    XRe: new Float64Array(nb),
    XIm: new Float64Array(nb),
    row: new Float64Array(2 * L),
  };
}

/** The length-2L kernel of channel h: causal K (H, L) padded, or two-sided from K (2, H, L). */
export function kernelRow(K: Plane, H: number, L: number, h: number, bidirectional: boolean, row: Float64Array): void {
  row.fill(0);
  for (let j = 0; j < L; j++) row[j] = K[h * L + j];
  if (bidirectional) {
    const back = H * L + h * L;
    // pad(flip(K1), (L, 0)): row[L + j] = K1[L-1-j], so K1[0] sits at index 2L-1, i.e. lag -1.
    for (let j = 0; j < L; j++) row[L + j] += K[back + L - 1 - j];
  }
}

/** Keep the spectrum of every channel's kernel. K: (H, L), or (2, H, L) if bidirectional. */
export function fftConvSetKernel(t: FFTConvTwin, K: Plane, bidirectional: boolean): void {
  const { H, L } = t;
  const nb = L + 1;
  for (let h = 0; h < H; h++) {
    kernelRow(K, H, L, h, bidirectional, t.row);
    rfft(t.rt, t.row, 2 * L, t.specRe.subarray(h * nb, (h + 1) * nb), t.specIm.subarray(h * nb, (h + 1) * nb), 1);
  }
}

/** y = conv(u, k) + D u. Shapes: u, y (batch, H, L); D (H) or null. */
export function fftConvApply(t: FFTConvTwin, u: Plane, D: Plane | null, y: Float64Array, batch: number): void {
  const { H, L, XRe, XIm, row } = t;
  const nb = L + 1;
  for (let b = 0; b < batch; b++) {
    for (let h = 0; h < H; h++) {
      const off = (b * H + h) * L;
      const urow = u.subarray(off, off + L);
      rfft(t.rt, urow, L, XRe, XIm, 1);
      const s = h * nb;
      for (let k = 0; k < nb; k++) {
        const ar = XRe[k];
        const ai = XIm[k];
        XRe[k] = ar * t.specRe[s + k] - ai * t.specIm[s + k];
        XIm[k] = ar * t.specIm[s + k] + ai * t.specRe[s + k];
      }
      irfft(t.rt, XRe, XIm, row, 1);
      const d = D ? D[h] : 0;
      for (let j = 0; j < L; j++) y[off + j] = row[j] + d * urow[j];
    }
  }
}
