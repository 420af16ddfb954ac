// Every golden function the conformance runner knows. One handler per file; add a line here.
import type { ConformanceHandler } from "../types.js";
import { cauchyHandler } from "./cauchy.js";
import { fftHandler } from "./fft.js";
import { fftconvHandler } from "./fftconv.js";
import { hippoLegsHandler } from "./hippo_legs.js";
import { linearScanHandler } from "./linear_scan.js";
import { recurrentStepHandler } from "./recurrent_step.js";
import { s4BlockHandler } from "./s4_block.js";
import { s4DplrKernelHandler } from "./s4_dplr_kernel.js";
import { s4dKernelHandler } from "./s4d_kernel.js";
import { vandermondeHandler } from "./vandermonde.js";

export const HANDLERS: ConformanceHandler[] = [
  fftHandler,
  fftconvHandler,
  linearScanHandler,
  recurrentStepHandler,
  cauchyHandler,
  vandermondeHandler,
  hippoLegsHandler,
  s4dKernelHandler,
  s4DplrKernelHandler,
  s4BlockHandler,
];
