// `conformance --model DIR`: an official checkpoint folder (model.safetensors, config.json
// { module, args }, io.json of function official_model) through loadOfficial: every case's u is
// run by a freshly loaded module (as the fixtures were made), y is compared with io.json's y
// (the official float64 output) and written to FILE in the same schema.
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { fromTensor, type RawGoldenFile, real, relError, type Tensor } from "@s4wasm/golden";
import { readGoldenFile } from "@s4wasm/golden/node";
import type { Kernels } from "@s4wasm/kernels";
import { loadOfficial, type OfficialConfig, S4Block } from "@s4wasm/layers";
import { formatCases, type OutputResult } from "./runner.js";

export interface ModelConformanceOptions {
  dir: string;
  outFile: string;
  kernels: Kernels;
  tolerance: number;
  log?: (line: string) => void;
}

export async function runModelConformance(opts: ModelConformanceOptions): Promise<OutputResult[]> {
  const log = opts.log ?? console.log;
  const bytes = new Uint8Array(readFileSync(join(opts.dir, "model.safetensors")));
  const config = JSON.parse(readFileSync(join(opts.dir, "config.json"), "utf8")) as OfficialConfig;
  const io = readGoldenFile(join(opts.dir, "io.json"));
  if (io.function !== "official_model") {
    throw new Error(`conformance --model: ${join(opts.dir, "io.json")} has function "${io.function}", expected "official_model"`);
  }
  const results: OutputResult[] = [];
  const outputs = new Map<string, Record<string, Tensor>>();
  const file = "io";
  for (const c of io.cases) {
    const base = { file, case: c.name, output: "y" };
    try {
      const model = await loadOfficial(bytes, config, { kernels: opts.kernels });
      const u = c.inputs.u;
      if (u.kind !== "real") throw new Error("u must be real");
      // S4Model: (B, L, d_input); a block: (B, H, L) when transposed (layout BHL), else (B, L, H).
      const [B, a, b] = u.shape;
      const length = model instanceof S4Block && model.layout === "BHL" ? b : a;
      const x = opts.kernels.backend === "wasm" ? Float32Array.from(u.data) : u.data;
      const y = model.forward(x, { batch: B, length });
      model.dispose();
      const expected = c.outputs.y;
      const got = real(expected.shape, y);
      outputs.set(c.name, { y: got });
      const err = relError(got, expected);
      results.push({ ...base, status: err <= opts.tolerance ? "ok" : "fail", relErr: err });
    } catch (err) {
      results.push({ ...base, status: "error", relErr: null, note: `${(err as Error).name}: ${(err as Error).message}` });
    }
    for (const name of Object.keys(c.outputs)) {
      if (name !== "y") results.push({ file, case: c.name, output: name, status: "skipped", relErr: null, note: "informational" });
    }
  }
  for (const line of formatCases(results)) log(line);
  const raw: RawGoldenFile = {
    ...io.raw,
    cases: io.raw.cases.map((c) => ({
      ...c,
      outputs: Object.fromEntries(Object.entries(outputs.get(c.name) ?? {}).map(([k, t]) => [k, fromTensor(t)])),
    })),
  };
  writeFileSync(opts.outFile, JSON.stringify(raw));
  return results;
}
