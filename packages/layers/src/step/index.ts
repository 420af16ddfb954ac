export { FusedBlockStepper, type FusedBlockStepperOptions } from "./block-stepper.js";
export { diagonalizeStepSystem, MAX_CONDITION } from "./diagonalize.js";
export { cEigenvalues, cEigenvectors } from "./eig.js";
export { StepMode, type StepModeSource } from "./step-mode.js";
export { Stepper } from "./stepper.js";
export { asComplex, type StepSetupOptions, type StepSystem, stepSystemDPLR, stepSystemS4D } from "./system.js";
