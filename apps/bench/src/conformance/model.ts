// `conformance --model DIR`: a checkpoint of the official PyTorch code (model.safetensors +
// config.json) and its io.json (function official_model): every case's `u` through a freshly
// loaded module, `y` compared with the official float64 output. The kernels of each layer and
// the DPLR C-tilde the official module writes back are compared too where io.json has them.
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { complex, type GoldenCase, parseGolden, real, type Tensor } from "@s4wasm/golden";
import type { Kernels } from "@s4wasm/kernels";
import { DPLRKernel, S4Block, type S4Model } from "@s4wasm/layers";
import { loadOfficialDir } from "@s4wasm/layers/node";
import { formatCases, type OutputResult, runGoldenFile, withOurOutputs } from "./runner.js";
import type { ConformanceHandler } from "./types.js";

function inputOf(c: GoldenCase, kernels: Kernels): Float32Array | Float64Array {
  const u = c.inputs.u;
  if (u?.kind !== "real") throw new Error(`io.json case ${c.name}: expected a real input "u"`);
  return kernels.backend === "wasm" ? Float32Array.from(u.data) : u.data;
}

function handlerFor(dir: string): ConformanceHandler {
  return {
    function: "official_model",
    skip: { y_float32: "the official float32 output, for reference: we compare with the float64 y" },
    async run(c, { kernels }) {
      const module = await loadOfficialDir(dir, { kernels });
      try {
        const u = c.inputs.u;
        const L = c.params.L as number;
        const batch = u.shape[0];
        const y = module.forward(inputOf(c, kernels), { batch, length: L });
        const out: Record<string, Tensor> = { y: real(c.outputs.y.shape, y) };
        const blocks = module instanceof S4Block ? [module] : (module as S4Model).blocks;
        for (const [name, t] of Object.entries(c.outputs)) {
          const m = name.match(/^K(?:_layer(\d+))?$/);
          if (m) out[name] = real(t.shape, blocks[Number(m[1] ?? 0)].parts.kernel.kernel(L));
        }
        const kernel = blocks[0].parts.kernel;
        if (c.outputs.C_after_forward && kernel instanceof DPLRKernel) {
          // The official module overwrites C with C-tilde at l_kernel = L on its first forward.
          const Ct = kernel.cTilde(L);
          out.C_after_forward = complex(c.outputs.C_after_forward.shape, Ct.re, Ct.im);
        }
        return out;
      } finally {
        module.dispose();
      }
    },
  };
}

export async function runModelConformance(opts: {
  kernels: Kernels;
  dir: string;
  outFile: string;
  tolerance: number;
  log?: (line: string) => void;
}): Promise<OutputResult[]> {
  const log = opts.log ?? console.log;
  const golden = parseGolden(readFileSync(join(opts.dir, "io.json"), "utf8"), join(opts.dir, "io.json"));
  const results = await runGoldenFile(
    golden,
    handlerFor(opts.dir),
    opts.kernels,
    opts.tolerance,
    opts.dir.replace(/\/+$/, "").split("/").pop() ?? "model",
  );
  for (const line of formatCases(results)) log(line);
  writeFileSync(opts.outFile, JSON.stringify(withOurOutputs(golden, results.outputs)));
  return results;
}
