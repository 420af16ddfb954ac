// The runtime matrix: the same smoke module (load the kernels, run golden fft/fft_L100, compare)
// in Node, headless Chromium, Deno, Bun and workerd. Nothing is installed here: .ci/run makes
// sure Debian's chromium is present; deno, bun and workerd come from this package's devDependencies.
import { type ChildProcess, spawn, spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { freePort, launchChromium, serveStatic } from "@s4wasm/testkit";
import { afterAll, describe, expect, it } from "vitest";
import { type SmokeCase, type SmokeResult, smoke } from "../src/smoke.js";

const here = dirname(fileURLToPath(import.meta.url));
const build = join(here, "../build");
const bin = (name: string) => join(here, "../../../node_modules/.bin", name);

import type { ThreadsResult } from "../scripts/threads-check.mjs";

function expectPasses(r: SmokeResult | { error: string }) {
  expect(r).not.toHaveProperty("error");
  const ok = r as SmokeResult;
  expect(ok.backend).toBe("wasm");
  expect(ok.relErr).toBeLessThanOrEqual(1e-4);
  expect(ok.ok).toBe(true);
}

function runCli<T = SmokeResult>(command: string, args: string[]): T {
  const r = spawnSync(command, args, {
    encoding: "utf8",
    timeout: 60_000,
    env: { ...process.env, DENO_NO_UPDATE_CHECK: "1", DENO_DIR: mkdtempSync(join(tmpdir(), "deno-")), NO_COLOR: "1" },
  });
  if (r.status !== 0) throw new Error(`${command} exited ${r.status}: ${r.stderr}`);
  return JSON.parse(r.stdout.trim().split("\n").pop() as string) as T;
}

describe("runtime matrix", () => {
  const children: ChildProcess[] = [];
  afterAll(() => {
    for (const c of children) c.kill("SIGKILL");
  });

  it("node", async () => {
    const golden = JSON.parse(readFileSync(join(build, "golden-case.json"), "utf8")) as SmokeCase;
    expectPasses(await smoke(golden));
    // Also through the package's exported raw wasm file, as bundlers would use it.
    const wasmPath = createRequire(import.meta.url).resolve("@s4wasm/kernels/kernels.wasm");
    expectPasses(await smoke(golden, readFileSync(wasmPath)));
  });

  it("deno (no permission flags)", () => {
    expectPasses(runCli(bin("deno"), ["run", "--no-prompt", join(build, "cli.js")]));
  });

  it("bun", () => {
    expectPasses(runCli(bin("bun"), [join(build, "cli.js")]));
  });

  // loadKernels({ threads: 2 }) through node:worker_threads, on the package as installed
  // (scripts/threads-probe.mjs: a split Linear, bit-identical to one thread, vs float64)
  const probe = join(here, "../scripts/threads-probe.mjs");
  const expectThreads = (r: ThreadsResult) => {
    expect(r.threads).toBe(2);
    expect(r.differ).toBe(0);
    expect(r.relErr).toBeLessThanOrEqual(1e-6);
    expect(r.ok).toBe(true);
  };
  it("threads: 2 in node, deno (--allow-read: the threads wasm is read from disk) and bun", () => {
    for (const [command, args] of [
      [process.execPath, [probe]],
      [bin("deno"), ["run", "--no-prompt", "--allow-read", probe]],
      [bin("bun"), [probe]],
    ] as const) {
      expectThreads(runCli<ThreadsResult>(command, [...args]));
    }
  });

  it("workerd (wasm passed as a WebAssembly.Module from the worker config)", async () => {
    const port = await freePort();
    const child = spawn(
      bin("workerd"),
      ["serve", join(build, "worker/config.capnp"), "--socket-addr", `http=127.0.0.1:${port}`],
      {
        stdio: ["ignore", "pipe", "pipe"],
      },
    );
    children.push(child);
    let log = "";
    child.stderr?.on("data", (d) => (log += d));
    let body: unknown;
    for (let attempt = 0; attempt < 100 && body === undefined; attempt++) {
      try {
        const res = await fetch(`http://127.0.0.1:${port}/`);
        body = await res.json();
      } catch {
        await new Promise((r) => setTimeout(r, 150));
      }
    }
    child.kill("SIGTERM");
    if (body === undefined) throw new Error(`workerd did not answer on 127.0.0.1:${port}: ${log}`);
    expectPasses(body as SmokeResult);
  }, 30_000);

  /** Open `page` of the build in headless Chromium and return the window property `key`. */
  async function inChromium(
    page: string,
    key: string,
    crossOriginIsolated: boolean,
  ): Promise<{ value: unknown; errors: string[] }> {
    const server = await serveStatic(build, { crossOriginIsolated });
    const browser = await launchChromium();
    try {
      const tab = await browser.newPage();
      const errors: string[] = [];
      tab.on("pageerror", (e) => errors.push(e.message));
      await tab.goto(`${server.url}${page}`);
      await tab.waitForFunction((k) => (window as unknown as Record<string, unknown>)[k] !== undefined, key, { timeout: 20_000 });
      const value = await tab.evaluate((k) => (window as unknown as Record<string, unknown>)[k], key);
      return { value, errors };
    } finally {
      await browser.close();
      await server.close();
    }
  }

  // Web Workers on a cross-origin isolated page, the threads build passed as a URL; the page's main
  // thread is the caller and may not block, so it polls (pool.ts)
  it("threads: 2 in headless chromium (Web Workers, cross-origin isolated page)", async () => {
    const { value, errors } = await inChromium("threads.html", "threadsResult", true);
    expect(errors).toEqual([]);
    expect(value).not.toHaveProperty("error");
    expectThreads(value as ThreadsResult);
  }, 60_000);

  it("threads: 2 on a page that is not cross-origin isolated is refused, naming the option and the headers", async () => {
    const { value } = await inChromium("threads.html", "threadsResult", false);
    expect((value as { error: string }).error).toMatch(
      /^S4BackendError: loadKernels\(options\.threads\): expected 1 in this runtime \(a browser shares memory with its workers only on a cross-origin isolated page: serve it with Cross-Origin-Opener-Policy: same-origin and Cross-Origin-Embedder-Policy: require-corp\), got 2$/,
    );
  }, 60_000);

  it("headless chromium", async () => {
    const { value, errors } = await inChromium("", "smokeResult", false);
    expect(errors).toEqual([]);
    expectPasses(value as SmokeResult);
  }, 60_000);
});
