// The benchmark in a browser page: the same suites and harness as the CLI, chosen by the URL
// (?suite=fft,conv&quick=1&sizes=1024,4096&threads=2). Progress goes to the page and to the console;
// the report ends in `window.benchReport` (read by `s4wasm-bench browser`) and as a table on the
// page. On a cross-origin isolated page the block, dplr-kernel and step suites add the contender on
// Web Workers (threads: the page's `threads`, default the browser's hardwareConcurrency).
import { hasWasmSimd } from "@s4wasm/kernels";
import type { MachineFacts } from "../harness/machine.js";
import type { BenchRecord, BenchReport } from "../harness/record.js";
import { runSuite } from "../harness/run-suite.js";
import { renderSuiteNotes, renderTable } from "../harness/table.js";
import { SUITES } from "../suites/index.js";

declare global {
  interface Window {
    benchReport?: BenchReport | { error: string };
  }
}

function browserFacts(): MachineFacts {
  const ua = navigator.userAgent;
  const chrome = ua.match(/(Chrome|Chromium|Firefox|Version)\/([\d.]+)/);
  return {
    cpu: "unknown (browsers do not expose the CPU model)",
    cores: navigator.hardwareConcurrency ?? 0,
    memory_gib: (navigator as { deviceMemory?: number }).deviceMemory ?? 0,
    os: navigator.platform,
    runtime: chrome ? (chrome[1] === "Version" ? "safari" : chrome[1].toLowerCase()) : "browser",
    version: chrome?.[2] ?? ua,
    wasm_simd: hasWasmSimd(),
  };
}

async function main(): Promise<void> {
  const q = new URLSearchParams(location.search);
  const quick = q.get("quick") === "1";
  const names = q.get("suite")?.split(",").filter(Boolean);
  const sizes = q.get("sizes")?.split(",").map(Number);
  const repeats = Number(q.get("repeats") ?? 7);
  const budgetMs = q.get("repeats") ? undefined : 1500;
  const suites = names ? SUITES.filter((s) => names.includes(s.name)) : SUITES;
  // Web Workers share memory only on a cross-origin isolated page; the threads build is served
  // beside this bundle (scripts/build-browser.mjs copies it)
  const threads = crossOriginIsolated ? Number(q.get("threads") ?? navigator.hardwareConcurrency ?? 1) : 1;
  const threadsWasm = new URL("./kernels-threads.wasm", location.href);
  // As the CLI: named suites run at every size, the default run of all suites a shorter subset.
  const full = q.get("full") === "1" || Boolean(names);
  const status = document.getElementById("status") as HTMLElement;
  const out = document.getElementById("table") as HTMLElement;
  const timing = quick ? { batchMs: 2, repeats: 3 } : { batchMs: 40, warmupMs: 100, repeats, budgetMs };
  const records: BenchRecord[] = [];
  for (const suite of suites) {
    const recs = await runSuite(suite, { quick, sizes, full, threads, threadsWasm }, timing, {
      onStep: (label) => {
        status.textContent = `running ${label}`;
        console.log(`progress ${label}`);
      },
    });
    records.push(...recs);
    out.textContent = renderTable(records);
    await new Promise((r) => setTimeout(r, 0)); // let the page repaint between suites
  }
  status.textContent = "done";
  const about = Object.fromEntries(suites.map((s) => [s.name, s.description]));
  out.textContent = `${renderTable(records)}\n\n${renderSuiteNotes(about)}`;
  window.benchReport = { machine: browserFacts(), suites: about, records };
}

main().catch((err: Error) => {
  window.benchReport = { error: `${err.name}: ${err.message}` };
  (document.getElementById("status") as HTMLElement).textContent = `failed: ${err.message}`;
});
