// `--md FILE`: the machine facts and one markdown table per suite.
import type { BenchReport } from "../harness/record.js";
import { formatTime, groupCases } from "../harness/table.js";

export function renderMarkdown(report: BenchReport, title = "s4wasm benchmark"): string {
  const m = report.machine;
  const lines = [
    `# ${title}`,
    "",
    `${m.cpu}, ${m.cores} cores, ${m.memory_gib} GiB, ${m.os}; ${m.runtime} ${m.version}; WebAssembly SIMD: ${m.wasm_simd ? "yes" : "no"}.`,
    "Medians over repeats, measured side by side in one process; `× js` is the speed-up over the plain-TypeScript twin, `× best peer` over the fastest peer library of the same case (> 1 is faster).",
    "",
  ];
  const suites = [...new Set(report.records.map((r) => r.suite))];
  for (const suite of suites) {
    const about = report.suites?.[suite];
    lines.push(
      `## ${suite}`,
      "",
      ...(about ? [about, ""] : []),
      "| case | contender | median | min–max | GFLOP/s | × js | × best peer | rel_err |",
      "|---|---|--:|--:|--:|--:|--:|--:|",
    );
    for (const [key, group] of groupCases(report.records.filter((r) => r.suite === suite))) {
      const js = group.find((r) => r.contender === "s4wasm-js");
      const peers = group.filter((r) => !r.contender.startsWith("s4wasm-") && r.status !== "wrong");
      const best = peers.length ? Math.min(...peers.map((r) => r.median_ns)) : undefined;
      for (const r of group) {
        const err = r.rel_err === null ? "n/a" : `${r.rel_err.toExponential(1)}${r.status === "wrong" ? " **WRONG**" : ""}`;
        lines.push(
          `| ${key.slice(suite.length + 1)} | ${r.contender} | ${formatTime(r.median_ns)} | ${formatTime(r.min_ns)}–${formatTime(r.max_ns)} | ${r.gflops?.toFixed(2) ?? ""} | ${js ? (js.median_ns / r.median_ns).toFixed(2) : ""} | ${best ? (best / r.median_ns).toFixed(2) : ""} | ${err} |`,
        );
      }
    }
    lines.push("");
  }
  return lines.join("\n");
}
