#!/usr/bin/env node
// s4wasm-bench: the benchmark (`run`) and the golden conformance runner (`conformance`).
import { Command, InvalidArgumentError, Option } from "commander";
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
    new Option("--sizes <list>", "comma-separated sizes replacing each suite's defaults (n or L)").argParser(positiveInts),
  )
  .option("--quick", "tiny sizes, few repeats: proves every path runs and validates", false)
  .option("--json <file>", "write {machine, records} as JSON")
  .action(async (opts) => {
    process.exitCode = await runCommand({ suites: opts.suite, sizes: opts.sizes, quick: opts.quick, json: opts.json });
  });

program
  .command("conformance")
  .description("compute every supported output of the golden files and compare")
  .requiredOption("--golden <dir>", "folder of <function>.json files (schema s4ref-golden/1)")
  .requiredOption("--out <dir>", "folder to write our outputs to, same schema")
  .addOption(new Option("--backend <backend>", "kernels backend").choices(["wasm", "js"]).default("wasm"))
  .addOption(new Option("--only <names>", "comma-separated golden files (without .json)").argParser(list))
  .action(async (opts) => {
    process.exitCode = await conformanceCommand({ golden: opts.golden, out: opts.out, backend: opts.backend, only: opts.only });
  });

await program.parseAsync(process.argv);
