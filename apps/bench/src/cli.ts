#!/usr/bin/env node
// s4wasm-bench: the benchmark (`run`) and the golden conformance runner (`conformance`).
import { Command, InvalidArgumentError, Option } from "commander";
import { browserCommand } from "./commands/browser.js";
import { conformanceCommand } from "./commands/conformance.js";
import { runCommand } from "./commands/run.js";
import { SUITES } from "./suites/index.js";

function list(value: string): string[] {
  return value
    .split(",")
    .map((s) => s.trim())
    .filter(Boolean);
}

function positiveInts(value: string): number[] {
  return list(value).map((s) => {
    const n = Number(s);
    if (!Number.isInteger(n) || n < 1) throw new InvalidArgumentError(`expected positive integers, got "${s}"`);
    return n;
  });
}

function suiteNames(value: string): string[] {
  const names = list(value);
  const known = SUITES.map((s) => s.name);
  for (const n of names) {
    if (!known.includes(n)) throw new InvalidArgumentError(`unknown suite "${n}" (known: ${known.join(", ")})`);
  }
  return names;
}

const program = new Command("s4wasm-bench")
  .description("S4 on WebAssembly SIMD: benchmarks against plain JS and peer libraries, and golden conformance")
  .showHelpAfterError()
  .exitOverride((err) => process.exit(err.exitCode));

program
  .command("run")
  .description("time the suites side by side (default: every suite at sizes that take about 2 minutes)")
  .addOption(
    new Option("--suite <names>", `comma-separated suites (${SUITES.map((s) => s.name).join(", ")})`).argParser(suiteNames),
  )
  .addOption(
    new Option(
      "--sizes <list>",
      "comma-separated sizes replacing each suite's defaults: n for fft and cmul, channels H for step, L for the others",
    ).argParser(positiveInts),
  )
  .option("--quick", "tiny sizes, few repeats: proves every path runs and validates", false)
  .option("--full", "every size of every suite (default when --suite is given; all suites then take ~15 min)")
  .option("--json <file>", "write {machine, records} as JSON")
  .option("--md <file>", "write a markdown report")
  .option("--html <file>", "write a self-contained HTML report with log–log charts")
  .addOption(new Option("--repeats <n>", "timed repeats per contender (default 7)").argParser((v) => positiveInts(v)[0]))
  .addOption(
    new Option(
      "--threads <n>",
      "threads of the extra s4wasm-wasm-<n>threads contender of the block, dplr-kernel and step (batch 8) suites (default: this machine's cores; 1 leaves it out)",
    ).argParser((v) => positiveInts(v)[0]),
  )
  .action(async (opts) => {
    process.exitCode = await runCommand({
      threads: opts.threads,
      suites: opts.suite,
      sizes: opts.sizes,
      quick: opts.quick,
      full: opts.full,
      json: opts.json,
      md: opts.md,
      html: opts.html,
      repeats: opts.repeats,
    });
  });

program
  .command("browser")
  .description("run the suites in headless Chromium (serves the page on 127.0.0.1) and print the same table")
  .addOption(new Option("--suite <names>", "comma-separated suites").argParser(suiteNames))
  .addOption(
    new Option(
      "--sizes <list>",
      "comma-separated sizes replacing each suite's defaults: n for fft and cmul, channels H for step, L for the others",
    ).argParser(positiveInts),
  )
  .option("--quick", "tiny sizes, few repeats", false)
  .option("--full", "every size of every suite (default when --suite is given)")
  .addOption(new Option("--repeats <n>", "timed repeats per contender (default 7)").argParser((v) => positiveInts(v)[0]))
  .option("--json <file>", "write {machine, records} as JSON")
  .option("--md <file>", "write a markdown report")
  .option("--html <file>", "write a self-contained HTML report with log–log charts")
  .addOption(
    new Option(
      "--threads <n>",
      "threads of the s4wasm-wasm-<n>threads contender on Web Workers (default: the browser's hardwareConcurrency; 1 leaves it out)",
    ).argParser((v) => positiveInts(v)[0]),
  )
  .option("--chromium <path>", "Chromium executable", process.env.CHROMIUM_PATH ?? "/usr/bin/chromium")
  .addOption(new Option("--timeout <sec>", "give up after this many seconds").default(900).argParser((v) => positiveInts(v)[0]))
  .action(async (opts) => {
    process.exitCode = await browserCommand({
      suites: opts.suite,
      sizes: opts.sizes,
      quick: opts.quick,
      full: opts.full,
      repeats: opts.repeats,
      threads: opts.threads,
      json: opts.json,
      md: opts.md,
      html: opts.html,
      chromium: opts.chromium,
      timeoutSec: opts.timeout,
    });
  });

program
  .command("conformance")
  .description("compute every supported output of the golden files and compare")
  .option("--golden <dir>", "folder of <function>.json files (schema s4ref-golden/1)")
  .option("--model <dir>", "official checkpoint folder: model.safetensors, config.json, io.json (official_model)")
  .requiredOption("--out <path>", "folder (--golden) or file (--model) to write our outputs to, same schema")
  .addOption(new Option("--backend <backend>", "kernels backend").choices(["wasm", "js"]).default("wasm"))
  .addOption(new Option("--only <names>", "comma-separated golden files (without .json)").argParser(list))
  .addOption(
    new Option("--threads <n>", "threads of the wasm kernels (worker threads; outputs must match one thread's)").argParser(
      (v) => positiveInts(v)[0],
    ),
  )
  .action(async (opts) => {
    process.exitCode = await conformanceCommand({
      threads: opts.threads,
      golden: opts.golden,
      model: opts.model,
      out: opts.out,
      backend: opts.backend,
      only: opts.only,
    });
  });

await program.parseAsync(process.argv);
