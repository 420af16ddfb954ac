export { DIAG_INITS, type DiagInit, diagInit, dplrLegsInit, randomC, randomLogDt } from "./init.js";
export { type NPLR, nplr } from "./nplr.js";
export { makeRng, type Rng } from "./random.js";
export { checkMeasure, MEASURES, type Measure, rankCorrection, transition } from "./transition.js";
