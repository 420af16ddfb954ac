// Entry for Cloudflare workerd: the wasm comes in as a compiled WebAssembly.Module declared in the
// worker config (workerd forbids compiling wasm from bytes at run time).
import golden from "../build/golden-case.json" with { type: "json" };
// @ts-expect-error: resolved by workerd from the config's wasm module entry
import kernelsModule from "./kernels.wasm";
import { type SmokeCase, smoke } from "./smoke.js";

export default {
  async fetch(): Promise<Response> {
    try {
      return Response.json(await smoke(golden as SmokeCase, kernelsModule as WebAssembly.Module));
    } catch (err) {
      return Response.json({ error: `${(err as Error).name}: ${(err as Error).message}` }, { status: 500 });
    }
  },
};
