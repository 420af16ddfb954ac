/// <reference types="node" />
/**
 * Node-only helpers (import from "@s4wasm/layers/node"): load an official checkpoint folder,
 * i.e. `model.safetensors` + `config.json` ({ module, args }) as the fixtures and the export
 * snippet of the README lay them out. The main entry stays free of Node APIs.
 */
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import type { LayerBackendOptions } from "../block/layer-options.js";
import type { CanonicalCheckpoint } from "./canonical.js";
import type { OfficialConfig } from "./config.js";
import { loadOfficial, type OfficialModule } from "./load-official.js";
import { readOfficial } from "./read-official.js";

async function readDir(dir: string): Promise<{ bytes: Uint8Array; config: OfficialConfig }> {
  const [bytes, json] = await Promise.all([readFile(join(dir, "model.safetensors")), readFile(join(dir, "config.json"), "utf8")]);
  return { bytes: new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength), config: JSON.parse(json) as OfficialConfig };
}

/** Canonical parameters of the checkpoint in `dir`. */
export async function readOfficialDir(dir: string): Promise<{ config: OfficialConfig; canonical: CanonicalCheckpoint }> {
  const { bytes, config } = await readDir(dir);
  return { config, canonical: readOfficial(bytes, config) };
}

/** The runnable module of the checkpoint in `dir` (see loadOfficial). */
export async function loadOfficialDir(dir: string, options: LayerBackendOptions = {}): Promise<OfficialModule> {
  const { bytes, config } = await readDir(dir);
  return loadOfficial(bytes, config, options);
}
