// Every golden function the conformance runner knows. One handler per file; add a line here.
import type { ConformanceHandler } from "../types.js";
import { fftHandler } from "./fft.js";
import { fftconvHandler } from "./fftconv.js";
import { linearScanHandler } from "./linear_scan.js";
import { recurrentStepHandler } from "./recurrent_step.js";

export const HANDLERS: ConformanceHandler[] = [fftHandler, fftconvHandler, linearScanHandler, recurrentStepHandler];
