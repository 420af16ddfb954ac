/** The plain-TypeScript twin of every wasm primitive (float64), same signatures over arrays. */

export { activation } from "./activation.js";
export { cauchy, cauchyConj } from "./cauchy.js";
export { cauchyWoodbury1 } from "./cauchy-woodbury.js";
export { type CMat64, cMatMul, conjBlockPower } from "./cmatmul.js";
export { cmul, cmulAcc } from "./cmul.js";
export { dft, twiddleTable } from "./dft.js";
export { erf, erf64, erfc64, gelu, gelu64 } from "./erf.js";
export {
  FFT_MAX_N,
  type FFTTwin,
  factorize,
  fft,
  fftTwin,
  irfft,
  nextPow2,
  planComplexFFT,
  preProcess,
  type RFFTTwin,
  rfft,
  rfftTwin,
} from "./fft.js";
export { type FFTConvTwin, fftConvApply, fftConvSetKernel, fftConvTwin, kernelRow } from "./fftconv.js";
export { glu } from "./glu.js";
export { layerNormRows, layerNormStrided } from "./layernorm.js";
export { linearBHL, linearBLH, linearGluBHL } from "./linear.js";
export { meanPoolColumns, meanPoolRows } from "./meanpool.js";
export type { OutPlane, Plane } from "./planes.js";
export { linearScan, linearScanChunked, scanScratchFloats } from "./scan.js";
export { diagStep } from "./step.js";
export { denseStep } from "./step-dense.js";
export { DPLR_STEP_PLANES, dplrStep } from "./step-dplr.js";
export { stepMatVec } from "./step-matvec.js";
export { vandermonde, vandermondeTranspose } from "./vandermonde.js";
