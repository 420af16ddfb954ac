// A Cloudflare Worker serving S4 inference: POST {"u": number[], "batch": B, "length": L} with u
// laid out (B, H, L) and get {"y": number[]} back (the official S4Block output, same layout).
//
// workerd does not compile wasm from bytes at run time, so the kernels come in as a compiled
// WebAssembly.Module declared in the worker config, and so does the checkpoint (a data module).
import { loadOfficial, type OfficialConfig, type OfficialModule } from "@s4wasm/layers";
// @ts-expect-error: modules declared in config.capnp
import config from "./config.json";
// @ts-expect-error: modules declared in config.capnp
import kernelsWasm from "./kernels.wasm";
// @ts-expect-error: modules declared in config.capnp
import checkpoint from "./model.safetensors";

let model: Promise<OfficialModule> | undefined;

function load(): Promise<OfficialModule> {
  model ??= loadOfficial(new Uint8Array(checkpoint as ArrayBuffer), config as OfficialConfig, {
    backend: "wasm",
    wasm: kernelsWasm as WebAssembly.Module,
  });
  return model;
}

interface Request_ {
  u?: unknown;
  batch?: unknown;
  length?: unknown;
}

export default {
  async fetch(request: Request): Promise<Response> {
    if (request.method !== "POST") {
      return Response.json(
        { usage: 'POST {"u": number[] (batch*H*length, layout (B, H, L)), "batch": B, "length": L}' },
        { status: 405 },
      );
    }
    let body: Request_;
    try {
      body = (await request.json()) as Request_;
    } catch {
      return Response.json({ error: "expected a JSON body" }, { status: 400 });
    }
    if (!Array.isArray(body.u) || typeof body.batch !== "number" || typeof body.length !== "number") {
      return Response.json({ error: 'expected {"u": number[], "batch": number, "length": number}' }, { status: 400 });
    }
    const m = await load();
    try {
      const y = m.forward(Float32Array.from(body.u as number[]), { batch: body.batch, length: body.length });
      return Response.json({ y: Array.from(y) });
    } catch (err) {
      // Typed input errors (S4ShapeError, S4ValueError) name the argument: hand them back as 400.
      const e = err as Error;
      const status = e.name.startsWith("S4") ? 400 : 500;
      return Response.json({ error: `${e.name}: ${e.message}` }, { status });
    }
  },
};
