// `s4wasm-bench conformance`: golden files (--golden DIR) through the project's public APIs.
import { loadKernels } from "@s4wasm/kernels";
import { runModelConformance } from "../conformance/model.js";
import { runConformance, summarize } from "../conformance/runner.js";

export interface ConformanceArgs {
  /** Folder of golden files; or give `model` (an official checkpoint folder) instead. */
  golden?: string;
  /** Official checkpoint folder (model.safetensors, config.json, io.json); `out` is then a file. */
  model?: string;
  out: string;
  backend: "wasm" | "js";
  only?: string[];
  /** Threads of the wasm kernels (loadKernels' `threads`; default 1): outputs must not change. */
  threads?: number;
}

/** Returns the process exit code: 1 when any compared output exceeds the tolerance or errors. */
export async function conformanceCommand(args: ConformanceArgs): Promise<number> {
  const kernels = await loadKernels({ backend: args.backend, threads: args.threads });
  const tolerance = args.backend === "wasm" ? 1e-4 : 1e-9;
  console.log(
    `conformance: backend ${args.backend} (${kernels.dtype}, ${kernels.threads} thread${kernels.threads > 1 ? "s" : ""}), tolerance ${tolerance} relative`,
  );
  if (!args.golden === !args.model) {
    console.error("conformance: give exactly one of --golden DIR or --model DIR");
    return 2;
  }
  const results = args.model
    ? await runModelConformance({ dir: args.model, outFile: args.out, kernels, tolerance })
    : await runConformance({ kernels, goldenDir: args.golden as string, outDir: args.out, only: args.only, tolerance });
  const s = summarize(results);
  console.log(
    `outputs: ${s.ok} ok, ${s.fail} failed, ${s.error} errored, ${s.unsupported} unsupported, ${s.skipped} skipped (informational); written to ${args.out}`,
  );
  kernels.dispose();
  return s.fail + s.error > 0 ? 1 : 0;
}
