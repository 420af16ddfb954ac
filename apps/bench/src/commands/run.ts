// `s4wasm-bench run`: time the suites side by side and print / write the results.
import { writeFileSync } from "node:fs";
import cliProgress from "cli-progress";
import { machineFacts } from "../harness/machine.js";
import type { BenchRecord, BenchReport } from "../harness/record.js";
import { runSuite } from "../harness/run-suite.js";
import { renderSuiteNotes, renderTable } from "../harness/table.js";
import { renderHtml } from "../report/html.js";
import { renderMarkdown } from "../report/markdown.js";
import { SUITES } from "../suites/index.js";

export interface RunArgs {
  suites?: string[];
  sizes?: number[];
  quick: boolean;
  /** Every size of every chosen suite (implied when suites are named). */
  full?: boolean;
  json?: string;
  md?: string;
  html?: string;
  repeats?: number;
  /** Threads of the block suite's threaded contender (default: the machine's cores). */
  threads?: number;
}

export async function runCommand(args: RunArgs): Promise<number> {
  const chosen = args.suites ? args.suites.map((name) => SUITES.find((s) => s.name === name)!) : SUITES;
  const machine = machineFacts();
  // A contender's timed batches get about 1.5 s (the float64 twin at large sizes takes seconds a
  // call: it then gets 3 repeats, not 7); --repeats asks for an exact count.
  const timing = args.quick
    ? { batchMs: 2, repeats: 3 }
    : { batchMs: 40, warmupMs: 100, repeats: args.repeats ?? 7, budgetMs: args.repeats ? undefined : 1500 };
  console.log(
    `s4wasm bench on ${machine.cpu} (${machine.cores} cores), ${machine.runtime} ${machine.version}, WebAssembly SIMD: ${machine.wasm_simd ? "yes" : "no"}`,
  );
  // Named suites run at every size; the default run of all suites keeps a two-minute subset.
  const full = args.full ?? Boolean(args.suites);
  const total = chosen.reduce((n, s) => n + s.cases({ quick: args.quick, sizes: args.sizes, full }).length, 0);
  const tty = Boolean(process.stderr.isTTY);
  const bar = tty
    ? new cliProgress.SingleBar(
        { format: " {bar} {value}/{total} cases | {label}", hideCursor: true, clearOnComplete: true },
        cliProgress.Presets.shades_classic,
      )
    : null;
  bar?.start(total, 0, { label: "" });
  const records: BenchRecord[] = [];
  let done = 0;
  const started = performance.now();
  const suiteSeconds: string[] = [];
  for (const suite of chosen) {
    const suiteStart = performance.now();
    const options = { quick: args.quick, sizes: args.sizes, full, threads: args.threads ?? machine.cores };
    const recs = await runSuite(suite, options, timing, {
      onStep: (label) => (bar ? bar.update(done, { label }) : console.error(`  ${label}`)),
    });
    done += suite.cases(options).length;
    bar?.update(done);
    records.push(...recs);
    suiteSeconds.push(`${suite.name} ${((performance.now() - suiteStart) / 1000).toFixed(1)} s`);
  }
  bar?.stop();
  console.log(renderTable(records));
  const suites = Object.fromEntries(chosen.map((s) => [s.name, s.description]));
  console.log(renderSuiteNotes(suites));
  const report: BenchReport = { machine, suites, records };
  if (args.json) writeFileSync(args.json, `${JSON.stringify(report, null, 2)}\n`);
  if (args.md) writeFileSync(args.md, renderMarkdown(report));
  if (args.html) writeFileSync(args.html, renderHtml(report));
  console.log(`done in ${((performance.now() - started) / 1000).toFixed(0)} s (${suiteSeconds.join(", ")})`);
  const wrong = records.filter((r) => r.status === "wrong");
  for (const r of wrong) console.log(`WRONG: ${r.suite} ${JSON.stringify(r.params)} ${r.contender} rel_err=${r.rel_err}`);
  return wrong.length > 0 ? 1 : 0;
}
