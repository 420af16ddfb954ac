import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

const cli = fileURLToPath(new URL("../dist/cli.js", import.meta.url));
const golden = fileURLToPath(new URL("../../../fixtures/golden", import.meta.url));
const run = (...args: string[]) => spawnSync(process.execPath, [cli, ...args], { encoding: "utf8", timeout: 600_000 });

describe("s4wasm-bench CLI", () => {
  it("run --quick runs every suite, validates every contender and writes the JSON records", () => {
    const json = join(mkdtempSync(join(tmpdir(), "s4wasm-bench-")), "out.json");
    const r = run("run", "--quick", "--json", json);
    expect(r.stderr).not.toMatch(/Error/);
    expect(r.status).toBe(0);
    const report = JSON.parse(readFileSync(json, "utf8"));
    expect(report.machine.cores).toBeGreaterThan(0);
    expect(typeof report.machine.cpu).toBe("string");
    expect(report.records.length).toBeGreaterThan(0);
    for (const rec of report.records) {
      expect(Object.keys(rec)).toEqual(
        expect.arrayContaining(["suite", "params", "contender", "median_ns", "min_ns", "max_ns", "repeats", "rel_err"]),
      );
      expect(rec.median_ns).toBeGreaterThan(0);
      expect(rec.status).not.toBe("wrong");
    }
    const suites = new Set(report.records.map((r: { suite: string }) => r.suite));
    expect(suites.has("cmul")).toBe(true);
    // every suite that ran says what it measures, in the JSON and after the table; the Cauchy
    // suites' GFLOP/s are the direct sums' count and say so (they can pass the machine's peak)
    expect(new Set(Object.keys(report.suites))).toEqual(suites);
    for (const name of ["cauchy", "dplr-kernel", "vandermonde"]) {
      expect(report.suites[name]).toMatch(/effective GFLOP\/s/);
      expect(r.stdout).toContain(`${name}: ${report.suites[name]}`);
    }
    // with more than one core, the block, dplr-kernel and step (batched block step) suites time
    // (and validate) a threaded contender
    if (report.machine.cores > 1) {
      const threaded = report.records.filter((r: { contender: string }) => /^s4wasm-wasm-\d+threads$/.test(r.contender));
      expect(new Set(threaded.map((r: { suite: string }) => r.suite))).toEqual(new Set(["block", "dplr-kernel", "step"]));
    }
  });

  it("conformance exits 0 and prints one line per case", () => {
    const out = mkdtempSync(join(tmpdir(), "s4wasm-conf-"));
    const r = run("conformance", "--golden", golden, "--out", out, "--backend", "js", "--only", "fft");
    expect(r.status).toBe(0);
    expect(r.stdout.split("\n").filter((l) => l.includes("fft/fft_L")).length).toBe(5);
  });

  it("conformance --threads 2 writes the outputs of one thread, byte for byte", () => {
    const outs = ["1", "2"].map((threads) => {
      const out = mkdtempSync(join(tmpdir(), "s4wasm-conf-"));
      const r = run("conformance", "--golden", golden, "--out", out, "--only", "fftconv,s4_block", "--threads", threads);
      expect(r.status).toBe(0);
      expect(r.stdout).toMatch(threads === "2" ? /float32, 2 threads/ : /float32, 1 thread\)/);
      return ["fftconv.json", "s4_block.json"].map((f) => readFileSync(join(out, f), "utf8"));
    });
    expect(outs[1]).toEqual(outs[0]);
  });

  it("browser --quick runs the suites in headless Chromium and prints the table", () => {
    const json = join(mkdtempSync(join(tmpdir(), "s4wasm-bench-")), "browser.json");
    const r = run("browser", "--quick", "--json", json);
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/s4wasm bench in chrome/);
    expect(r.stdout).toMatch(/cmul n=64 +s4wasm-wasm/);
    const report = JSON.parse(readFileSync(json, "utf8"));
    expect(report.machine.wasm_simd).toBe(true);
    expect(report.records.every((rec: { status: string }) => rec.status !== "wrong")).toBe(true);
  });

  it("bad flags give a clear usage error", () => {
    const a = run("run", "--suite", "nope");
    expect(a.status).not.toBe(0);
    expect(a.stderr).toMatch(/unknown suite "nope"/);
    const b = run("conformance", "--out", "/tmp/x");
    expect(b.status).not.toBe(0);
    expect(b.stderr).toMatch(/give exactly one of --golden DIR or --model DIR/);
    const c = run("run", "--sizes", "12,-3");
    expect(c.status).not.toBe(0);
    expect(c.stderr).toMatch(/expected positive integers, got "-3"/);
    const d = run("conformance", "--golden", golden, "--out", "/tmp/x", "--backend", "gpu");
    expect(d.stderr).toMatch(/Allowed choices are wasm, js/);
  });
});
