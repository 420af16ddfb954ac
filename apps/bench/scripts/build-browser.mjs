// Bundle the browser benchmark page (dist/browser): the same suites and harness as the CLI.
import { copyFileSync, mkdirSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { build } from "esbuild";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const out = join(root, "dist/browser");
mkdirSync(out, { recursive: true });
await build({
  entryPoints: [join(root, "src/browser/entry.ts")],
  outfile: join(out, "bench.js"),
  bundle: true,
  format: "esm",
  target: "es2022",
  platform: "browser",
  logLevel: "warning",
});
// the threads build, served beside the bundle for the Web Worker contenders (entry.ts)
copyFileSync(createRequire(import.meta.url).resolve("@s4wasm/kernels/kernels-threads.wasm"), join(out, "kernels-threads.wasm"));
writeFileSync(
  join(out, "index.html"),
  `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>s4wasm benchmark (browser)</title>
<style>body{font:14px system-ui,sans-serif;margin:2rem}pre{font:12px ui-monospace,monospace}</style></head>
<body><h1>s4wasm benchmark</h1>
<p>WASM SIMD vs plain JS vs peer libraries, in this browser. Choose with the URL:
<code>?suite=fft,conv&amp;quick=1&amp;sizes=1024,4096&amp;repeats=7&amp;threads=2</code>.</p>
<p id="status">starting…</p><pre id="table"></pre>
<script type="module" src="bench.js"></script></body></html>
`,
);
