/**
 * @s4wasm/layers: S4 as users meet it. HiPPO inits, S4D and S4 (DPLR) kernels, FFT convolution,
 * step mode, S4Block, S4Model, official PyTorch weight import.
 */
export const LAYERS_VERSION = "0.0.0";
// What users of the layers need from the kernels, so one import is enough.
export {
  type BackendChoice,
  type Complex,
  type FloatArray,
  type Kernels,
  loadKernels,
  S4BackendError,
  S4Error,
  S4ShapeError,
  S4StateError,
  S4ValueError,
} from "@s4wasm/kernels";
export { BlockStepper } from "./block/block-stepper.js";
export { ConvStepper } from "./block/conv-stepper.js";
export { createS4Block, createS4Model, type S4BlockInit, type S4ModelInit } from "./block/create.js";
export { FFTConv, type FFTConvConfig, type KernelSource } from "./block/fft-conv.js";
export { FixedKernel } from "./block/fixed-kernel.js";
export { type LayerBackendOptions, resolveKernels } from "./block/layer-options.js";
export { ModelSnapshot, ModelStepper } from "./block/model-stepper.js";
export { type ForwardShape, S4Block, type S4BlockParts, type SSMKernelSource } from "./block/s4-block.js";
export { type LinearParts, S4Model, type S4ModelParts } from "./block/s4-model.js";
export * from "./hippo/index.js";
export * from "./kernel/index.js";
export * from "./official/index.js";
export {
  type ConjBlockPower,
  cFromCTilde,
  cTildeFromC,
  type DPLRContinuous,
  type DPLRDense,
  discretizeDPLRDense,
  discretizeS4D,
  dplrDenseContinuous,
  type S4DContinuous,
  type S4DDiscrete,
} from "./ssm/discretize.js";
export { cIdentity, cMatMul, cMatPow, cMatPowConjBlock, cSolve, cTranspose } from "./ssm/linalg.js";
export { type Complex64, complex64, type Discretization, type DPLRParams, type S4DParams } from "./ssm/params.js";
export {
  asComplex,
  cEigenvalues,
  cEigenvectors,
  diagonalizeStepSystem,
  FusedBlockStepper,
  type FusedBlockStepperOptions,
  MAX_CONDITION,
  StepMode,
  type StepModeSource,
  Stepper,
  type StepSetupOptions,
  type StepSystem,
  stepSystemDPLR,
  stepSystemS4D,
} from "./step/index.js";
