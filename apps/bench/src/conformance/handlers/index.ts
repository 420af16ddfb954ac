// Every golden function the conformance runner knows. One handler per file; add a line here.
import type { ConformanceHandler } from "../types.js";
import { fftHandler } from "./fft.js";
import { fftconvHandler } from "./fftconv.js";

export const HANDLERS: ConformanceHandler[] = [fftHandler, fftconvHandler];
