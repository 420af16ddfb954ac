import { copyFileSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { loadKernels } from "@s4wasm/kernels";
import { describe, expect, it } from "vitest";
import { runModelConformance } from "../src/conformance/model.js";

const OFFICIAL = new URL("../../../fixtures/official/", import.meta.url).pathname;
const FOLDERS = ["s4d_block", "s4_dplr_block_bidir", "s4d_minimal", "s4model_example"];

describe.each(["wasm", "js"] as const)("conformance --model (%s)", (backend) => {
  it.each(FOLDERS)("%s: every case's y within tolerance, written in the same schema", async (name) => {
    const kernels = await loadKernels({ backend });
    const out = join(mkdtempSync(join(tmpdir(), "s4wasm-model-")), "y.json");
    const results = await runModelConformance({
      dir: join(OFFICIAL, name),
      outFile: out,
      kernels,
      tolerance: backend === "wasm" ? 1e-4 : 1e-9,
      log: () => {},
    });
    const ys = results.filter((r) => r.output === "y");
    expect(ys.length).toBeGreaterThan(0);
    expect(ys.every((r) => r.status === "ok")).toBe(true);
    const written = JSON.parse(readFileSync(out, "utf8"));
    expect(written.schema).toBe("s4ref-golden/1");
    expect(written.function).toBe("official_model");
    expect(written.cases[0].outputs.y.shape).toEqual(
      JSON.parse(readFileSync(join(OFFICIAL, name, "io.json"), "utf8")).cases[0].outputs.y.shape,
    );
  });
});

describe("conformance --model failures", () => {
  it("reports a fail when io.json's y is not what the model computes, and an error for a broken checkpoint", async () => {
    const kernels = await loadKernels({ backend: "js" });
    const dir = mkdtempSync(join(tmpdir(), "s4wasm-model-bad-"));
    const src = join(OFFICIAL, "s4d_minimal");
    copyFileSync(join(src, "config.json"), join(dir, "config.json"));
    const io = JSON.parse(readFileSync(join(src, "io.json"), "utf8"));
    io.cases[0].outputs.y.data = io.cases[0].outputs.y.data.map((v: number) => v * 1.01);
    writeFileSync(join(dir, "io.json"), JSON.stringify(io));
    copyFileSync(join(src, "model.safetensors"), join(dir, "model.safetensors"));
    const r1 = await runModelConformance({ dir, outFile: join(dir, "y.json"), kernels, tolerance: 1e-9, log: () => {} });
    expect(r1.find((r) => r.output === "y" && r.case === io.cases[0].name)?.status).toBe("fail");
    writeFileSync(join(dir, "model.safetensors"), new Uint8Array(5));
    const r2 = await runModelConformance({ dir, outFile: join(dir, "y.json"), kernels, tolerance: 1e-9, log: () => {} });
    expect(r2.filter((r) => r.output === "y").every((r) => r.status === "error" && /SafetensorsError/.test(r.note ?? ""))).toBe(
      true,
    );
  });
});
