// The bytes at a URL: file: URLs read from disk (fetch() cannot read them in Node; the module name
// is hidden from bundlers on purpose, as only Node-like runtimes have file: URLs), others fetched.
import { S4BackendError } from "./errors.js";

/** The bytes at `url`; an S4BackendError naming `where` for an HTTP error status. */
export async function fetchBytes(url: URL, where = "loadKernels(source)"): Promise<Uint8Array> {
  if (url.protocol === "file:") {
    const fsName = "node:fs/promises";
    const fs = (await import(/* @vite-ignore */ fsName)) as { readFile(u: URL): Promise<Uint8Array> };
    return new Uint8Array(await fs.readFile(url));
  }
  const res = await fetch(url);
  if (!res.ok) throw new S4BackendError(`${where}: fetching ${url} gave HTTP ${res.status}`);
  return new Uint8Array(await res.arrayBuffer());
}
