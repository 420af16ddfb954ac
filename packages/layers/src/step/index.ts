export { StepMode, type StepModeSource } from "./step-mode.js";
export { Stepper } from "./stepper.js";
export { asComplex, type StepSetupOptions, type StepSystem, stepSystemDPLR, stepSystemS4D } from "./system.js";
