// `s4wasm-bench browser`: serve the bundled benchmark page on 127.0.0.1, run it in headless
// Chromium (playwright-core driving Debian's /usr/bin/chromium) and print the same table.
import { existsSync, writeFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { launchChromium, serveStatic } from "@s4wasm/testkit";
import type { BenchReport } from "../harness/record.js";
import { renderSuiteNotes, renderTable } from "../harness/table.js";
import { renderHtml } from "../report/html.js";
import { renderMarkdown } from "../report/markdown.js";

export interface BrowserArgs {
  suites?: string[];
  sizes?: number[];
  quick: boolean;
  full?: boolean;
  repeats?: number;
  threads?: number;
  json?: string;
  md?: string;
  html?: string;
  chromium: string;
  timeoutSec: number;
}

const pageDir = fileURLToPath(new URL("../browser/", import.meta.url));

export async function browserCommand(args: BrowserArgs): Promise<number> {
  if (!existsSync(args.chromium)) {
    console.error(
      `browser: ${args.chromium} not found; install Debian's chromium (apt-get install -y chromium) or pass --chromium PATH`,
    );
    return 2;
  }
  // Cross-origin isolation gives performance.now() its fine (5 µs) resolution in Chromium.
  const server = await serveStatic(pageDir, { crossOriginIsolated: true });
  const q = new URLSearchParams();
  if (args.suites) q.set("suite", args.suites.join(","));
  if (args.sizes) q.set("sizes", args.sizes.join(","));
  if (args.quick) q.set("quick", "1");
  if (args.full) q.set("full", "1");
  if (args.repeats) q.set("repeats", String(args.repeats));
  if (args.threads) q.set("threads", String(args.threads));
  const url = `${server.url}?${q}`;
  console.log(`browser: ${url} in headless Chromium (${args.chromium})`);
  const browser = await launchChromium(args.chromium);
  try {
    const page = await browser.newPage();
    page.on("console", (m) => m.text().startsWith("progress ") && console.error(`  ${m.text().slice(9)}`));
    page.on("pageerror", (e) => console.error(`page error: ${e.message}`));
    await page.goto(url);
    await page.waitForFunction(() => (window as { benchReport?: unknown }).benchReport !== undefined, undefined, {
      timeout: args.timeoutSec * 1000,
    });
    const report = (await page.evaluate(() => (window as { benchReport?: unknown }).benchReport)) as
      | BenchReport
      | { error: string };
    if ("error" in report) {
      console.error(`browser: the page failed: ${report.error}`);
      return 1;
    }
    const m = report.machine;
    console.log(`s4wasm bench in ${m.runtime} ${m.version} (${m.cores} cores), WebAssembly SIMD: ${m.wasm_simd ? "yes" : "no"}`);
    console.log(renderTable(report.records));
    if (report.suites) console.log(renderSuiteNotes(report.suites));
    if (args.json) writeFileSync(args.json, `${JSON.stringify(report, null, 2)}\n`);
    if (args.md) writeFileSync(args.md, renderMarkdown(report, "s4wasm benchmark (browser)"));
    if (args.html) writeFileSync(args.html, renderHtml(report));
    return report.records.some((r) => r.status === "wrong") ? 1 : 0;
  } finally {
    await browser.close();
    await server.close();
  }
}
