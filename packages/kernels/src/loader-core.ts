// The body of loadKernels(): instantiate kernels.wasm in any runtime, or fall back to the JS twin.
// The inline copy comes from the entry point (loader.ts has it, loader-workerd.ts does not), so
// a bundle for workerd, which cannot compile bytes anyway, carries no 285 KB base64 string.
//
// Sources: nothing (the inline base64 copy: works in Node, Deno, Bun and browsers without file
// access or fetch), a WebAssembly.Module (required on Cloudflare workerd, which forbids
// compiling from bytes: declare the .wasm as a module and pass it in), bytes, or a URL.
import { decodeBase64 } from "./base64.js";
import { S4BackendError } from "./errors.js";
import { fetchBytes } from "./fetch-bytes.js";
import { instantiate } from "./generated/bindings.js";
import { Kernels } from "./kernels.js";
import { WasmArena } from "./memory/arena.js";
import { hasWasmSimd } from "./simd.js";
import { ThreadPool, workerFactory } from "./threads/pool.js";
import { importsMemory, sharedMemory, threadsModule } from "./threads/shared-instance.js";
import type { BackendChoice } from "./types.js";
import { checkInt, checkOneOf } from "./validate.js";
import { type KernelExports, REQUIRED_EXPORTS } from "./wasm-exports.js";

/** Where kernels.wasm comes from. */
export type WasmSource = WebAssembly.Module | ArrayBuffer | ArrayBufferView | URL | string;

/** Options of {@link loadKernels}. */
export interface LoadOptions {
  /** `auto` (default): wasm where SIMD is available, else the JS twin with a one-time notice. */
  backend?: BackendChoice;
  /** The wasm to load (default: the inline copy). Same as the first argument of `loadKernels`. */
  wasm?: WasmSource;
  /** Override SIMD detection (true/false); for tests that simulate a runtime without SIMD. */
  simdSupported?: boolean;
  /** Called instead of console.warn for the fallback notice. */
  onNotice?: (message: string) => void;
  /**
   * Threads for the heavy primitives (default 1): with n > 1, n - 1 worker threads share the
   * kernels' memory, and large calls of the Linear, batched FFTs, FFT convolution, GELU / erf,
   * Vandermonde and DPLR resolvent split their rows across all n, with results identical to one
   * thread. Needs node:worker_threads (Node, Deno, Bun) or a browser's Web Workers on a cross-origin
   * isolated page (COOP same-origin, COEP require-corp), and loads the threads build of the wasm
   * (`@s4wasm/kernels/kernels-threads.wasm` from beside the package, or pass it as `wasm`: a
   * bundled page does). Ignored by the JS twin, which runs on one thread.
   */
  threads?: number;
}

let noticeShown = false;
const FALLBACK_NOTICE =
  "s4wasm: this runtime has no WebAssembly SIMD; using the plain-TypeScript kernels (float64, slower). " +
  'Pass { backend: "js" } to choose them explicitly and silence this notice.';

/** The inline wasm's base64 text, or null where the entry point carries none (workerd). */
export type InlineWasm = () => string | null;

/** loadKernels with the inline copy supplied by the entry point (see loader.ts). */
export async function loadKernelsWith(
  inline: InlineWasm,
  source?: WasmSource | LoadOptions,
  options: LoadOptions = {},
): Promise<Kernels> {
  const opts: LoadOptions = isOptions(source) ? { ...source } : { ...options, wasm: source ?? options.wasm };
  const backend = checkOneOf("loadKernels(options.backend)", opts.backend ?? "auto", ["auto", "wasm", "js"] as const);
  const threads = checkInt("loadKernels(options.threads)", opts.threads ?? 1, 1, 256);
  if (backend === "js") return new Kernels(null);
  const simd = opts.simdSupported ?? hasWasmSimd();
  if (!simd) {
    if (backend === "wasm") {
      throw new S4BackendError(
        'loadKernels(options.backend): expected a runtime with WebAssembly SIMD for backend "wasm", got none ' +
          '(use backend "auto" or "js" to run the plain-TypeScript kernels)',
      );
    }
    if (!noticeShown) {
      noticeShown = true;
      (opts.onNotice ?? console.warn)(FALLBACK_NOTICE);
    }
    return new Kernels(null);
  }
  // how this runtime starts workers, first: a runtime without them refuses before loading anything
  const startWorker = threads > 1 ? await workerFactory(threads) : null;
  const module = startWorker && opts.wasm === undefined ? await threadsModule() : await compileSource(opts.wasm, inline);
  checkExports(module);
  const shared = importsMemory(module);
  if (threads > 1 && !shared) {
    throw new S4BackendError(
      `loadKernels(source): expected the threads build (kernels-threads.wasm, which imports a shared memory) for threads: ${threads}, got a module that defines its own memory`,
    );
  }
  const memory = shared ? sharedMemory() : null;
  let exports: KernelExports;
  try {
    exports = (await instantiate(module, memory ? { env: { memory } } : {})) as KernelExports;
  } catch (err) {
    throw new S4BackendError(`loadKernels(source): the module did not instantiate: ${(err as Error).message}`);
  }
  const pool = memory && startWorker ? await ThreadPool.start(module, memory, threads, startWorker) : null;
  return new Kernels({ exports, arena: new WasmArena(exports.memory, exports.heapBase()), pool });
}

function isOptions(value: unknown): value is LoadOptions {
  return (
    typeof value === "object" &&
    value !== null &&
    !(value instanceof WebAssembly.Module) &&
    !(value instanceof ArrayBuffer) &&
    !ArrayBuffer.isView(value) &&
    !(value instanceof URL)
  );
}

async function compileSource(source: WasmSource | undefined, inline: InlineWasm): Promise<WebAssembly.Module> {
  if (source instanceof WebAssembly.Module) return source;
  let bytes: Uint8Array;
  if (source === undefined) {
    const text = inline();
    if (text === null) {
      throw new S4BackendError(
        "loadKernels(source): expected the kernels.wasm module (this workerd build carries no inline copy: " +
          'import kernelsWasm from "./kernels.wasm" and pass loadKernels(kernelsWasm)), got nothing',
      );
    }
    bytes = decodeBase64(text);
  } else if (source instanceof ArrayBuffer) bytes = new Uint8Array(source);
  else if (ArrayBuffer.isView(source)) bytes = new Uint8Array(source.buffer, source.byteOffset, source.byteLength);
  else if (typeof source === "string" || source instanceof URL) bytes = await fetchBytes(parseUrl(String(source)));
  else throw new S4BackendError(`loadKernels(source): expected a WebAssembly.Module, bytes or a URL, got ${typeof source}`);
  try {
    return await WebAssembly.compile(bytes as BufferSource);
  } catch (err) {
    throw new S4BackendError(
      `loadKernels(source): expected the bytes of kernels.wasm, got ${bytes.length} bytes that are not a valid WebAssembly module (${(err as Error).message})`,
    );
  }
}

/** A URL string, or S4BackendError naming it (new URL throws an engine TypeError). */
function parseUrl(text: string): URL {
  try {
    return new URL(text);
  } catch {
    throw new S4BackendError(
      `loadKernels(source): expected a WebAssembly.Module, bytes or an absolute URL of kernels.wasm, got the string "${text.slice(0, 80)}"`,
    );
  }
}

function checkExports(module: WebAssembly.Module): void {
  const have = new Set(WebAssembly.Module.exports(module).map((e) => e.name));
  const missing = REQUIRED_EXPORTS.filter((name) => !have.has(name));
  if (missing.length > 0) {
    throw new S4BackendError(
      `loadKernels(source): expected the s4wasm kernels module, got a module without the exports ${missing.join(", ")}`,
    );
  }
}
