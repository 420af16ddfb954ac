// Every benchmark suite, in the order `run` executes them. One suite per file; add a line here.
import { blockOpsSuite } from "./blockops.js";
import { cmulSuite } from "./cmul.js";
import { convSuite } from "./conv.js";
import { fftSuite } from "./fft.js";
import { scanSuite } from "./scan.js";
import { stepSuite } from "./step.js";
import type { Suite } from "./types.js";

export const SUITES: Suite[] = [cmulSuite, fftSuite, convSuite, scanSuite, stepSuite, blockOpsSuite];
