// Build step: ship the raw kernels.wasm beside the JS so bundlers and workerd can import
// `@s4wasm/kernels/kernels.wasm` as a module.
import { copyFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
copyFileSync(join(root, "build/kernels.wasm"), join(root, "dist/kernels.wasm"));
