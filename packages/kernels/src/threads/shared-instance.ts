// The threads build of the kernels (kernels-threads.wasm: the same code compiled against an
// imported shared memory, asconfig target "threads") and its instantiation on a new shared memory.
// The file ships beside the JS (dist/generated/) rather than inline: most pages and edge workers
// run on one thread, and an inline copy would add ~160 KB to every browser and edge bundle.
import { S4BackendError } from "../errors.js";
import { fetchBytes } from "../fetch-bytes.js";

/** wasm32's whole address space, the maximum the threads build declares. */
const MAX_PAGES = 65536;
/** Initial pages: more than the build's static data (~40 KB) needs. */
const INITIAL_PAGES = 16;
/**
 * Where the threads build sits relative to this module (src/threads -> src/generated, and
 * dist/threads -> dist/generated). A variable, not a literal in `new URL(...)`: bundlers treat
 * the literal form as an asset reference and would copy the file into every browser bundle.
 */
const THREADS_WASM = "../generated/kernels-threads.wasm";

/** True when `module` imports its memory (the threads build) instead of defining one. */
export function importsMemory(module: WebAssembly.Module): boolean {
  return WebAssembly.Module.imports(module).some((i) => i.module === "env" && i.name === "memory" && i.kind === "memory");
}

/**
 * Maxima tried for the shared memory, in pages: a shared memory cannot move when it grows, so the
 * engine reserves its maximum up front, and a 32-bit or memory-constrained browser may refuse
 * wasm32's whole 4 GiB; 1 GiB and 256 MiB follow (the threads build accepts any maximum up to
 * its own, and the arena reports a request past the one it got).
 */
const SHARED_MAXIMA = [MAX_PAGES, 16384, 4096] as const;

/**
 * A new shared memory for the threads build, with the first maximum of SHARED_MAXIMA the engine
 * reserves; an S4BackendError naming the option when it reserves none. `create` is the
 * WebAssembly.Memory constructor call (a parameter for tests).
 */
export function sharedMemory(
  create: (maximum: number) => WebAssembly.Memory = (maximum) =>
    new WebAssembly.Memory({ initial: INITIAL_PAGES, maximum, shared: true }),
): WebAssembly.Memory {
  const refused: string[] = [];
  for (const maximum of SHARED_MAXIMA) {
    try {
      return create(maximum);
    } catch (err) {
      refused.push(`${maximum / 16} MiB: ${(err as Error).message}`);
    }
  }
  throw new S4BackendError(
    `loadKernels(options.threads): expected a shared wasm memory, got none from this engine (${refused.join("; ")})`,
  );
}

/**
 * The compiled threads build shipped with the package, from beside this module: read from disk
 * (Node, Deno, Bun) or fetched (a browser page serving the package's files as they are; a bundle
 * that moved this module passes the file as `wasm` instead).
 */
export async function threadsModule(): Promise<WebAssembly.Module> {
  const url = new URL(THREADS_WASM, import.meta.url);
  let bytes: Uint8Array;
  try {
    bytes = await fetchBytes(url, "loadKernels(options.threads)");
  } catch (err) {
    throw new S4BackendError(
      `loadKernels(options.threads): expected the threads build at ${url} (or pass it as options.wasm), got ${(err as Error).message}`,
    );
  }
  return WebAssembly.compile(bytes as BufferSource);
}
