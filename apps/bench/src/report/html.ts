// `--html FILE`: a self-contained page — machine facts, a log–log chart of time vs size per
// suite (Chart.js inlined, so nothing loads over the network at view time) and the tables.
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import type { BenchReport } from "../harness/record.js";
import { renderMarkdown } from "./markdown.js";
import { chartsOf } from "./series.js";

const require = createRequire(import.meta.url);

function chartJs(): string {
  // The UMD build is not in chart.js's exports map: find it beside the package's main file.
  return readFileSync(join(dirname(require.resolve("chart.js")), "chart.umd.min.js"), "utf8");
}

const escapeHtml = (s: string) => s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");

/** Markdown tables to HTML tables (only the subset renderMarkdown writes). */
function tablesHtml(md: string): string {
  const out: string[] = [];
  let inTable = false;
  for (const line of md.split("\n")) {
    if (line.startsWith("|")) {
      const cells = line
        .split("|")
        .slice(1, -1)
        .map((c) => escapeHtml(c.trim()).replace(/\*\*(.*?)\*\*/g, "<b>$1</b>"));
      if (/^\|[-:|]+\|$/.test(line)) continue;
      if (!inTable) {
        out.push("<table><tr>", ...cells.map((c) => `<th>${c}</th>`), "</tr>");
        inTable = true;
      } else out.push("<tr>", ...cells.map((c, i) => `<td${i > 1 ? ' class="n"' : ""}>${c}</td>`), "</tr>");
      continue;
    }
    if (inTable) out.push("</table>");
    inTable = false;
    if (line.startsWith("## "))
      out.push(
        `<h2 id="${escapeHtml(line.slice(3))}">${escapeHtml(line.slice(3))}</h2><canvas data-suite="${escapeHtml(line.slice(3))}"></canvas>`,
      );
    else if (line.startsWith("# ")) out.push(`<h1>${escapeHtml(line.slice(2))}</h1>`);
    else if (line.trim()) out.push(`<p>${escapeHtml(line).replace(/`([^`]+)`/g, "<code>$1</code>")}</p>`);
  }
  if (inTable) out.push("</table>");
  return out.join("");
}

export function renderHtml(report: BenchReport): string {
  const charts = chartsOf(report.records);
  const data = JSON.stringify(charts).replace(/</g, "\\u003c");
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>s4wasm benchmark</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<style>
body{font:14px/1.45 system-ui,sans-serif;margin:2rem auto;max-width:1100px;padding:0 1rem;color:#1b1f24}
h1{font-size:1.6rem}h2{margin-top:2.2rem;border-bottom:1px solid #ddd}
table{border-collapse:collapse;margin:.8rem 0;font-size:13px}td,th{padding:.2rem .6rem;border-bottom:1px solid #eee;text-align:left}
td.n{text-align:right;font-variant-numeric:tabular-nums}canvas{max-height:380px}code{background:#f3f3f3;padding:0 .2rem}
</style></head><body>
${tablesHtml(renderMarkdown(report))}
<script>${chartJs()}</script>
<script>
const charts = ${data};
const palette = ["#1f77b4","#d62728","#2ca02c","#ff7f0e","#9467bd","#8c564b","#e377c2","#7f7f7f","#bcbd22","#17becf"];
for (const c of charts) {
  const canvas = document.querySelector('canvas[data-suite="' + c.suite + '"]');
  if (!canvas) continue;
  new Chart(canvas, {
    type: "line",
    data: { datasets: c.series.map((s, i) => ({ label: s.label, data: s.points, borderColor: palette[i % palette.length], backgroundColor: palette[i % palette.length], tension: 0, pointRadius: 3 })) },
    options: {
      animation: false, parsing: false,
      scales: {
        x: { type: "logarithmic", title: { display: true, text: c.xParam } },
        y: { type: "logarithmic", title: { display: true, text: "median time per call (ns)" } },
      },
      plugins: { title: { display: true, text: c.suite + ": time vs " + c.xParam + " (log–log)" } },
    },
  });
}
document.body.dataset.chartsRendered = String(charts.length);
</script>
</body></html>
`;
}
