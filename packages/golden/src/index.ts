/** Reader/writer of `s4ref-golden/1` reference vectors (runtime-neutral; see ./node for files). */

export * from "./error.js";
export * from "./golden.js";
export * from "./schema.js";
export * from "./tensor.js";
