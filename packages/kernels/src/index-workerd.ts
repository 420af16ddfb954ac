// The package entry under the "workerd" export condition (Cloudflare Workers bundlers set it):
// everything of index.ts, with a loadKernels that carries no inline wasm (see loader-workerd.ts).
// The explicit export below takes precedence over the star re-export.
export * from "./index.js";
export { loadKernels } from "./loader-workerd.js";
