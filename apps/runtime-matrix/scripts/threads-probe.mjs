// Threads check for Deno, Bun and Node, run against the package as installed (unbundled: the
// pool reads kernels-threads.wasm from beside the package's JS). Prints the JSON of
// threads-check.mjs.
import { loadKernels } from "@s4wasm/kernels";
import { threadsCheck } from "./threads-check.mjs";

console.log(JSON.stringify(await threadsCheck(loadKernels)));
