/**
 * @s4wasm/kernels — WebAssembly SIMD kernels for S4 state space models, with a plain-TypeScript
 * twin of every primitive. Start with `loadKernels()`.
 * @packageDocumentation
 */

export { S4BackendError, S4Error, S4ShapeError, S4StateError, S4ValueError } from "./errors.js";
export { ACTIVATION_KINDS, type ActivationName } from "./js/activation.js";
export * as js from "./js/index.js";
export { Kernels } from "./kernels.js";
export { type LoadOptions, loadKernels, type WasmSource } from "./loader.js";
export { WasmArena } from "./memory/arena.js";
export { checkFiniteResult, checkFiniteResultAt } from "./memory/finite-result.js";
export { setFinite } from "./memory/set-finite.js";
export { WasmBuffer, Workspace } from "./memory/workspace.js";
export { type BlockLayout, type BlockShape, GrowingBuffers } from "./primitives/block-io.js";
export { type CauchyOptions, CauchyPlan } from "./primitives/cauchy.js";
export { type CauchyWoodburyOptions, CauchyWoodburyPlan } from "./primitives/cauchy-woodbury.js";
export { type ComplexMultiplyOptions, ComplexMultiplyPlan } from "./primitives/complex-multiply.js";
export { type ConjBlockPowerOptions, ConjBlockPowerPlan } from "./primitives/conj-block-power.js";
export { type DFTOptions, DFTPlan } from "./primitives/dft.js";
export { type ElementwiseFunction, ElementwisePlan } from "./primitives/elementwise.js";
export { type FFTOptions, FFTPlan } from "./primitives/fft.js";
export { type FFTConvApplyOptions, type FFTConvOptions, FFTConvPlan } from "./primitives/fftconv.js";
export { type GLUOptions, GLUPlan } from "./primitives/glu.js";
export { type LayerNormOptions, LayerNormPlan } from "./primitives/layer-norm.js";
export { type LinearOptions, LinearPlan } from "./primitives/linear.js";
export { type MeanPoolOptions, MeanPoolPlan } from "./primitives/mean-pool.js";
export { Plan } from "./primitives/plan.js";
export { type RFFTOptions, RFFTPlan } from "./primitives/rfft.js";
export {
  type LinearScanCall,
  type LinearScanOptions,
  LinearScanPlan,
  type LinearScanResult,
  type ScanMethod,
} from "./primitives/scan.js";
export { type DiagStepOptions, type DiagStepParams, DiagStepPlan } from "./primitives/step.js";
export { type DenseStepOptions, type DenseStepParams, DenseStepPlan } from "./primitives/step-dense.js";
export { type DPLRStepOptions, type DPLRStepParams, DPLRStepPlan } from "./primitives/step-dplr.js";
export { type StepLinearOptions, StepLinearPlan } from "./primitives/step-matvec.js";
export { STATE_OVERFLOW_HINT, StepPlan } from "./primitives/step-plan.js";
export { SSMState, StateSnapshot } from "./primitives/step-state.js";
export { type VandermondeOptions, VandermondePlan } from "./primitives/vandermonde.js";
export type { WasmRuntime } from "./runtime.js";
export { hasWasmSimd } from "./simd.js";
export type { BackendChoice, BackendKind, Complex, FloatArray } from "./types.js";
export * as validate from "./validate.js";
export type { KernelExports } from "./wasm-exports.js";
