import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { GOLDEN_DIR } from "@s4wasm/golden/node";
import { loadKernels } from "@s4wasm/kernels";
import { describe, expect, it } from "vitest";
import { runConformance, summarize } from "../src/conformance/runner.js";

describe.each(["wasm", "js"] as const)("conformance runner (%s)", (backend) => {
  it("computes every supported golden output within tolerance and writes the same schema", async () => {
    const kernels = await loadKernels({ backend });
    const out = mkdtempSync(join(tmpdir(), "s4wasm-conf-"));
    const lines: string[] = [];
    const results = await runConformance({
      kernels,
      goldenDir: GOLDEN_DIR,
      outDir: out,
      tolerance: backend === "wasm" ? 1e-4 : 1e-9,
      log: (l) => lines.push(l),
    });
    const s = summarize(results);
    const bad = results.filter((r) => r.status === "fail" || r.status === "error");
    expect(bad).toEqual([]);
    expect(s.ok).toBeGreaterThan(0);
    // Every golden output is accounted for: compared, unsupported or skipped with a reason.
    expect(s.ok + s.unsupported + s.skipped).toBe(results.length);
    const written = JSON.parse(readFileSync(join(out, "fft.json"), "utf8"));
    expect(written.schema).toBe("s4ref-golden/1");
    expect(written.cases[0].outputs.fft_xc.dtype).toBe("complex128");
    expect(lines.some((l) => /fft\/fft_L100 {2}max rel_err=/.test(l))).toBe(true);
  });
});

describe.each(["wasm", "js"] as const)("conformance --model on every fixtures/official checkpoint (%s)", (backend) => {
  it("runs each io.json case through loadOfficial within tolerance, kernels and C-tilde included", async () => {
    const { OFFICIAL_DIR } = await import("@s4wasm/golden/node");
    const { readdirSync } = await import("node:fs");
    const { runModelConformance } = await import("../src/conformance/model.js");
    const kernels = await loadKernels({ backend });
    const tolerance = backend === "wasm" ? 1e-4 : 1e-9;
    const dirs = readdirSync(OFFICIAL_DIR, { withFileTypes: true }).filter((d) => d.isDirectory());
    expect(dirs.length).toBeGreaterThanOrEqual(4);
    for (const d of dirs) {
      const out = join(mkdtempSync(join(tmpdir(), "s4wasm-model-")), "y.json");
      const results = await runModelConformance({
        kernels,
        dir: join(OFFICIAL_DIR, d.name),
        outFile: out,
        tolerance,
        log: () => {},
      });
      expect(results.filter((r) => r.status !== "ok" && r.status !== "skipped")).toEqual([]);
      expect(results.filter((r) => r.output === "y" && r.status === "ok").length).toBeGreaterThan(0);
      const written = JSON.parse(readFileSync(out, "utf8"));
      expect(written.function).toBe("official_model");
      expect(written.cases[0].outputs.y.dtype).toBe("float64");
    }
  });
});
