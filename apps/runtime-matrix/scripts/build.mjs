// Build the runtime-matrix bundles: extract one golden case, bundle the smoke check for Deno/Bun,
// Chromium and workerd with esbuild (ESM, no Node APIs), and lay out the workerd config.
import { copyFileSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { build } from "esbuild";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const out = join(root, "build");
mkdirSync(out, { recursive: true });

const fft = JSON.parse(readFileSync(join(root, "../../fixtures/golden/fft.json"), "utf8"));
const c = fft.cases.find((x) => x.name === "fft_L100");
const plane = (t) => ({ re: t.re, im: t.im });
writeFileSync(
  join(out, "golden-case.json"),
  JSON.stringify({
    name: `fft/${c.name}`,
    xc: plane(c.inputs.xc),
    fft_xc: plane(c.outputs.fft_xc),
    ifft_xc: plane(c.outputs.ifft_xc),
  }),
);

const common = {
  bundle: true,
  format: "esm",
  target: "es2022",
  logLevel: "warning",
  platform: "neutral",
  mainFields: ["module", "main"],
};
await build({ ...common, entryPoints: [join(root, "src/cli-entry.ts")], outfile: join(out, "cli.js") });
await build({ ...common, entryPoints: [join(root, "src/browser-entry.ts")], outfile: join(out, "browser.js") });
await build({ ...common, entryPoints: [join(root, "src/browser-threads-entry.ts")], outfile: join(out, "threads.js") });
await build({
  ...common,
  entryPoints: [join(root, "src/worker-entry.ts")],
  outfile: join(out, "worker/worker.js"),
  external: ["./kernels.wasm"],
});

const require = createRequire(import.meta.url);
copyFileSync(require.resolve("@s4wasm/kernels/kernels.wasm"), join(out, "worker/kernels.wasm"));
// the threads page passes the threads build as a URL beside it, as a bundled page would
copyFileSync(require.resolve("@s4wasm/kernels/kernels-threads.wasm"), join(out, "kernels-threads.wasm"));
// workerd: the worker and the wasm as modules; the test picks the port with --socket-addr.
writeFileSync(
  join(out, "worker/config.capnp"),
  `using Workerd = import "/workerd/workerd.capnp";

const config :Workerd.Config = (
  services = [ (name = "main", worker = .smokeWorker) ],
  sockets = [ (name = "http", address = "127.0.0.1:8080", http = (), service = "main") ],
);

const smokeWorker :Workerd.Worker = (
  modules = [
    (name = "worker.js", esModule = embed "worker.js"),
    (name = "kernels.wasm", wasm = embed "kernels.wasm"),
  ],
  compatibilityDate = "2025-06-01",
);
`,
);
writeFileSync(
  join(out, "threads.html"),
  '<!doctype html><html><head><meta charset="utf-8"><title>s4wasm threads</title></head><body>running…<script type="module" src="threads.js"></script></body></html>\n',
);
writeFileSync(
  join(out, "index.html"),
  '<!doctype html><html><head><meta charset="utf-8"><title>s4wasm smoke</title></head><body>running…<script type="module" src="browser.js"></script></body></html>\n',
);
