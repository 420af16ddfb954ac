// kernels.wasm: every export of the S4 kernels, one file a primitive.
//
// ABI contract (all primitives): arguments are byte offsets into this module's linear memory
// (`usize`) and element counts (`i32`). Complex data is split planes (separate re and im f32
// arrays). Kernels never allocate: the host owns every byte above `heapBase()` and hands
// buffers in. Buffers should be 16-byte aligned (SIMD loads do not require it, but it is faster).
export { heapBase } from "./memory";
export { cmul, cmulAcc } from "./cmul";
export { dft } from "./dft";
export { activation } from "./activation";
export { erf, gelu } from "./gelu";
export { allFinite } from "./finite";
export { flushTiny } from "./flush-tiny";
export { glu } from "./glu";
export { layerNormRows, layerNormScratchFloats, layerNormStrided } from "./layernorm";
export { linearBHL, linearBLH, linearScratchFloats, packRows4 } from "./linear";
export { linearGluBHL, linearGluScratchFloats } from "./linear-glu";
export { linearStrassenBHL, strassenFits, strassenPackA, strassenScratchFloats, strassenWeightFloats } from "./linear-strassen";
export { meanPoolColumns, meanPoolRows } from "./meanpool";
export { cauchy, cauchyConj } from "./cauchy";
export { cauchyWoodbury1, cauchyWoodburyScratchBytes } from "./cauchy-woodbury";
export { vandermonde, vandermondeScratchFloats, vandermondeTranspose } from "./vandermonde";
export { linearScan, linearScanChunked, scanScratchFloats } from "./scan";
export { diagStep, diagStepScaled } from "./step";
export { stepBlockScaled } from "./step-block";
export { denseStep } from "./step-dense";
export { fftRows, fftScale } from "./fft";
export { irfftRows, rfftRows } from "./rfft";
export { fftConvRows, kernelSpectrumRows } from "./fftconv";
export { dplrStep } from "./step-dplr";
export { stepMatVec, stepMatVecPacked } from "./step-matvec";
export { conjBlockPower64 } from "./conj-block-power";
