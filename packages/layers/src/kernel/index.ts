export { DPLRKernel, type DPLRKernelOptions, dplrKernel } from "./dplr-kernel.js";
export { S4DKernel, type S4DKernelOptions, s4dKernel } from "./s4d-kernel.js";
export { SSMKernel } from "./ssm-kernel.js";
export { fromS4dPy, fromS4PyDiag, type S4dPyStorage, type S4PyDiagStorage } from "./storage.js";
