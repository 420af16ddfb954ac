// A compact text table of records: per case, every contender with its median, spread, rate,
// ratio to the JS twin and to the best peer library, and its validation error.
import type { BenchRecord } from "./record.js";

/** Our own contenders (s4wasm-wasm, s4wasm-js, and entries like s4wasm-wasm-pointers): not peers. */
const isOwn = (contender: string) => contender.startsWith("s4wasm-");

export function formatTime(ns: number): string {
  if (ns < 1e3) return `${ns.toFixed(0)} ns`;
  if (ns < 1e6) return `${(ns / 1e3).toFixed(ns < 1e4 ? 2 : 1)} µs`;
  if (ns < 1e9) return `${(ns / 1e6).toFixed(ns < 1e7 ? 2 : 1)} ms`;
  return `${(ns / 1e9).toFixed(2)} s`;
}

function pad(cells: string[], widths: number[]): string {
  return cells.map((c, i) => (i < 2 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join("  ");
}

/** Group records by suite and params, in the order they came. */
export function groupCases(records: BenchRecord[]): Map<string, BenchRecord[]> {
  const groups = new Map<string, BenchRecord[]>();
  for (const r of records) {
    const key = `${r.suite} ${Object.entries(r.params)
      .map(([k, v]) => `${k}=${v}`)
      .join(" ")}`;
    groups.set(key, [...(groups.get(key) ?? []), r]);
  }
  return groups;
}

export function renderTable(records: BenchRecord[]): string {
  const header = ["case", "contender", "median", "min–max", "GFLOP/s", "× js", "× best peer", "rel_err"];
  const rows: string[][] = [];
  for (const [key, group] of groupCases(records)) {
    const js = group.find((r) => r.contender === "s4wasm-js");
    const peers = group.filter((r) => !isOwn(r.contender) && r.status !== "wrong");
    const best = peers.length ? Math.min(...peers.map((r) => r.median_ns)) : undefined;
    group.forEach((r, i) => {
      rows.push([
        i === 0 ? key : "",
        r.contender,
        formatTime(r.median_ns),
        `${formatTime(r.min_ns)}–${formatTime(r.max_ns)}`,
        r.gflops !== undefined ? r.gflops.toFixed(2) : "",
        js ? `${(js.median_ns / r.median_ns).toFixed(2)}` : "",
        best !== undefined ? `${(best / r.median_ns).toFixed(2)}` : "",
        r.status === "unvalidated" ? "n/a" : `${(r.rel_err as number).toExponential(1)}${r.status === "wrong" ? " WRONG" : ""}`,
      ]);
    });
  }
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  return [pad(header, widths), widths.map((w) => "-".repeat(w)).join("  "), ...rows.map((r) => pad(r, widths))].join("\n");
}

/** One line per suite that ran: what it measures (inputs, flop model, caveats of its GFLOP/s). */
export function renderSuiteNotes(suites: Record<string, string>): string {
  return Object.entries(suites)
    .map(([name, description]) => `${name}: ${description}`)
    .join("\n");
}
