// Build the static demo page (dist/): one bundled script (the wasm is inline) and index.html.
import { mkdirSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { build } from "esbuild";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const out = join(root, "dist");
mkdirSync(out, { recursive: true });
await build({
  entryPoints: [join(root, "src/main.ts")],
  outfile: join(out, "main.js"),
  bundle: true,
  format: "esm",
  target: "es2022",
  platform: "browser",
  logLevel: "warning",
});
writeFileSync(
  join(out, "index.html"),
  `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>s4wasm streaming demo</title>
<style>body{font:14px system-ui,sans-serif;margin:1.5rem;color:#1b1f24}canvas{border:1px solid #ddd;max-width:100%}</style></head>
<body><h1>S4 in step mode, in your browser</h1>
<p>An S4D block (N = 64, seeded official init) runs one sample at a time with its state kept in WebAssembly memory.</p>
<canvas id="plot" width="900" height="420"></canvas>
<p id="status">loading…</p>
<script type="module" src="main.js"></script></body></html>
`,
);
