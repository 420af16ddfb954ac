// Build the worker: bundle src/worker.ts with esbuild (ESM, no Node APIs), copy the wasm, the
// checkpoint and its config next to it, and write the workerd config that declares them.
import { copyFileSync, mkdirSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { build } from "esbuild";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const out = join(root, "build");
const checkpointDir = join(root, "../../fixtures/official/s4d_block");
mkdirSync(out, { recursive: true });

await build({
  entryPoints: [join(root, "src/worker.ts")],
  outfile: join(out, "worker.js"),
  bundle: true,
  format: "esm",
  target: "es2022",
  platform: "neutral",
  mainFields: ["module", "main"],
  // as wrangler does: @s4wasm/kernels then resolves to its workerd entry (no inline wasm copy)
  conditions: ["workerd", "worker"],
  external: ["./kernels.wasm", "./model.safetensors", "./config.json"],
  logLevel: "warning",
});
const require = createRequire(import.meta.url);
copyFileSync(require.resolve("@s4wasm/kernels/kernels.wasm"), join(out, "kernels.wasm"));
copyFileSync(join(checkpointDir, "model.safetensors"), join(out, "model.safetensors"));
copyFileSync(join(checkpointDir, "config.json"), join(out, "config.json"));
writeFileSync(
  join(out, "config.capnp"),
  `using Workerd = import "/workerd/workerd.capnp";

const config :Workerd.Config = (
  services = [ (name = "main", worker = .s4Worker) ],
  sockets = [ (name = "http", address = "127.0.0.1:8787", http = (), service = "main") ],
);

const s4Worker :Workerd.Worker = (
  modules = [
    (name = "worker.js", esModule = embed "worker.js"),
    (name = "kernels.wasm", wasm = embed "kernels.wasm"),
    (name = "model.safetensors", data = embed "model.safetensors"),
    (name = "config.json", json = embed "config.json"),
  ],
  compatibilityDate = "2025-06-01",
);
`,
);
