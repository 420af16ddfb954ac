// The conformance runner: read every <function>.json of a golden folder, compute what the
// project supports, write the same schema with our outputs, and report the error of each case.
import { mkdirSync, writeFileSync } from "node:fs";
import { basename, join } from "node:path";
import { fromTensor, type GoldenFile, type RawGoldenFile, relError, sizeOf, type Tensor } from "@s4wasm/golden";
import { listGolden, readGoldenFile } from "@s4wasm/golden/node";
import type { Kernels } from "@s4wasm/kernels";
import { HANDLERS } from "./handlers/index.js";
import type { ConformanceHandler } from "./types.js";

/** One line of the report: a case's output and its relative error (or why there is none). */
export interface OutputResult {
  file: string;
  case: string;
  output: string;
  status: "ok" | "fail" | "unsupported" | "skipped" | "error";
  relErr: number | null;
  note?: string;
}

export interface ConformanceOptions {
  kernels: Kernels;
  goldenDir: string;
  outDir: string;
  only?: string[];
  tolerance: number;
  log?: (line: string) => void;
}

export async function runConformance(opts: ConformanceOptions): Promise<OutputResult[]> {
  const log = opts.log ?? console.log;
  const results: OutputResult[] = [];
  mkdirSync(opts.outDir, { recursive: true });
  const byFunction = new Map(HANDLERS.map((h) => [h.function, h]));
  for (const path of listGolden(opts.goldenDir)) {
    const name = basename(path, ".json");
    if (opts.only && !opts.only.includes(name)) continue;
    const golden = readGoldenFile(path);
    const handler = byFunction.get(golden.function);
    const fileResults = await runGoldenFile(golden, handler, opts.kernels, opts.tolerance, name);
    for (const line of formatCases(fileResults)) log(line);
    results.push(...fileResults);
    writeFileSync(join(opts.outDir, `${name}.json`), JSON.stringify(withOurOutputs(golden, fileResults.outputs)));
  }
  return results;
}

export type FileResults = OutputResult[] & { outputs: Map<string, Record<string, Tensor>> };

/** Every case of one golden file through `handler`; `file` names the lines of the report. */
export async function runGoldenFile(
  golden: GoldenFile,
  handler: ConformanceHandler | undefined,
  kernels: Kernels,
  tolerance: number,
  file: string,
): Promise<FileResults> {
  const results = [] as unknown as FileResults;
  results.outputs = new Map();
  for (const c of golden.cases) {
    let got: Record<string, Tensor> = {};
    let failure: string | undefined;
    if (handler) {
      try {
        got = await handler.run(c, { kernels, backend: kernels.backend });
      } catch (err) {
        failure = `${(err as Error).name}: ${(err as Error).message}`;
      }
    }
    results.outputs.set(c.name, got);
    for (const [output, expected] of Object.entries(c.outputs)) {
      const base = { file, case: c.name, output };
      const skip = handler?.skip?.[output];
      if (skip) results.push({ ...base, status: "skipped", relErr: null, note: skip });
      else if (failure) results.push({ ...base, status: "error", relErr: null, note: failure });
      else if (!(output in got)) {
        results.push({
          ...base,
          status: "unsupported",
          relErr: null,
          note: handler ? undefined : "no handler for this function",
        });
      } else {
        results.push(compare(base, got[output], expected, tolerance));
      }
    }
  }
  return results;
}

function compare(base: Omit<OutputResult, "status" | "relErr">, got: Tensor, expected: Tensor, tol: number): OutputResult {
  if (got.kind !== expected.kind || sizeOf(got.shape) !== sizeOf(expected.shape)) {
    const note = `expected ${expected.kind} [${expected.shape}], got ${got.kind} [${got.shape}]`;
    return { ...base, status: "fail", relErr: null, note };
  }
  const relErr = relError(got, expected);
  return { ...base, status: relErr <= tol ? "ok" : "fail", relErr };
}

/** The golden JSON with each case's outputs replaced by ours (unsupported outputs dropped). */
export function withOurOutputs(golden: GoldenFile, outputs: Map<string, Record<string, Tensor>>): RawGoldenFile {
  return {
    ...golden.raw,
    cases: golden.raw.cases.map((c) => ({
      ...c,
      outputs: Object.fromEntries(Object.entries(outputs.get(c.name) ?? {}).map(([k, t]) => [k, fromTensor(t)])),
    })),
  };
}

/**
 * One line per case: its worst status, the max relative error over compared outputs, then each
 * output's error and the outputs left out (unsupported / skipped / error, with the reason).
 */
export function formatCases(results: OutputResult[]): string[] {
  const byCase = new Map<string, OutputResult[]>();
  for (const r of results) byCase.set(`${r.file}/${r.case}`, [...(byCase.get(`${r.file}/${r.case}`) ?? []), r]);
  // Informational outputs left out on purpose (skipped) do not make a case look worse than ok.
  const rank: OutputResult["status"][] = ["error", "fail", "unsupported", "ok"];
  const lines: string[] = [];
  for (const [name, rs] of byCase) {
    const worst = rank.find((s) => rs.some((r) => r.status === s)) ?? "ok";
    const errs = rs.filter((r) => r.relErr !== null).map((r) => r.relErr as number);
    const max = errs.length ? `max rel_err=${Math.max(...errs).toExponential(2)}` : "max rel_err=n/a";
    const parts = rs.map((r) =>
      r.relErr !== null
        ? `${r.output} ${r.relErr.toExponential(1)}${r.status === "fail" ? " FAIL" : ""}`
        : `${r.output} ${r.status}${r.note ? ` [${r.note}]` : ""}`,
    );
    lines.push(`${worst.padEnd(11)} ${name}  ${max}  (${parts.join("; ")})`);
  }
  return lines;
}

/** Counts by status, for the closing line. */
export function summarize(results: OutputResult[]): Record<OutputResult["status"], number> {
  const counts = { ok: 0, fail: 0, unsupported: 0, skipped: 0, error: 0 };
  for (const r of results) counts[r.status]++;
  return counts;
}
