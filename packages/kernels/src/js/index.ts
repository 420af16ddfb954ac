/** The plain-TypeScript twin of every wasm primitive (float64), same signatures over arrays. */
export { cmul, cmulAcc } from "./cmul.js";
export { dft, twiddleTable } from "./dft.js";
