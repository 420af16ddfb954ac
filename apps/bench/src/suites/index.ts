// Every benchmark suite, in the order `run` executes them. One suite per file; add a line here.
import { blockSuite } from "./block.js";
import { blockOpsSuite } from "./blockops.js";
import { cauchySuite } from "./cauchy.js";
import { cmulSuite } from "./cmul.js";
import { convSuite } from "./conv.js";
import { dplrKernelSuite } from "./dplr-kernel.js";
import { fftSuite } from "./fft.js";
import { s4dKernelSuite } from "./s4d-kernel.js";
import { scanSuite } from "./scan.js";
import { stepSuite } from "./step.js";
import type { Suite } from "./types.js";
import { vandermondeSuite } from "./vandermonde.js";

export const SUITES: Suite[] = [
  cmulSuite,
  fftSuite,
  convSuite,
  scanSuite,
  stepSuite,
  blockOpsSuite,
  blockSuite,
  cauchySuite,
  vandermondeSuite,
  s4dKernelSuite,
  dplrKernelSuite,
];
