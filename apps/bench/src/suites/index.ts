// Every benchmark suite, in the order `run` executes them. One suite per file; add a line here.
import { cmulSuite } from "./cmul.js";
import { scanSuite } from "./scan.js";
import { stepSuite } from "./step.js";
import type { Suite } from "./types.js";

export const SUITES: Suite[] = [cmulSuite, scanSuite, stepSuite];
