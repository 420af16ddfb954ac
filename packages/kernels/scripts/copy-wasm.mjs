// Build step: ship the raw kernels.wasm beside the JS so bundlers and workerd can import
// `@s4wasm/kernels/kernels.wasm` as a module, and the threads build where the pool's loader
// reads it (dist/generated/, the same place relative to the JS as src/generated/ is to the TS).
import { copyFileSync, mkdirSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
copyFileSync(join(root, "build/kernels.wasm"), join(root, "dist/kernels.wasm"));
mkdirSync(join(root, "dist/generated"), { recursive: true });
copyFileSync(join(root, "src/generated/kernels-threads.wasm"), join(root, "dist/generated/kernels-threads.wasm"));
