// The Cloudflare Worker example under workerd on 127.0.0.1: POST an official io.json case and
// compare the answer with the official float64 output; bad requests get a 400 naming the problem.
import { type ChildProcess, spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { relErrorReal } from "@s4wasm/golden";
import { freePort } from "@s4wasm/testkit";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

const here = dirname(fileURLToPath(import.meta.url));
const io = JSON.parse(readFileSync(join(here, "../../../fixtures/official/s4d_block/io.json"), "utf8"));
let child: ChildProcess;
let url: string;

beforeAll(async () => {
  const port = await freePort();
  url = `http://127.0.0.1:${port}/`;
  child = spawn(
    join(here, "../../../node_modules/.bin/workerd"),
    ["serve", join(here, "../build/config.capnp"), "--socket-addr", `http=127.0.0.1:${port}`],
    {
      stdio: "ignore",
    },
  );
  for (let i = 0; i < 100; i++) {
    try {
      await fetch(url);
      return;
    } catch {
      await new Promise((r) => setTimeout(r, 150));
    }
  }
  throw new Error(`workerd did not start on ${url}`);
}, 30_000);

afterAll(() => {
  child?.kill("SIGTERM");
});

/** One case of an official io.json (the fields this test reads). */
interface IoCase {
  name: string;
  inputs: { u: { data: number[]; shape: number[] } };
  outputs: { y: { data: number[] } };
}

describe("edge worker (workerd)", () => {
  it.each((io.cases as IoCase[]).map((c) => [c.name, c] as const))("serves the official output for %s", async (_n, c) => {
    const u = c.inputs.u;
    const res = await fetch(url, {
      method: "POST",
      body: JSON.stringify({ u: u.data, batch: u.shape[0], length: u.shape[2] }),
    });
    expect(res.status).toBe(200);
    const { y } = (await res.json()) as { y: number[] };
    expect(y.length).toBe(c.outputs.y.data.length);
    expect(relErrorReal(y, c.outputs.y.data)).toBeLessThanOrEqual(1e-4);
  });

  it("answers bad requests with a 400 that names the problem", async () => {
    const a = await fetch(url, { method: "POST", body: JSON.stringify({ u: [1, 2, 3], batch: 1, length: 64 }) });
    expect(a.status).toBe(400);
    expect(((await a.json()) as { error: string }).error).toMatch(
      /S4ShapeError: S4Block\.forward\(x\): expected length 1024 \(batch\*H\*length\), got 3/,
    );
    const b = await fetch(url, { method: "POST", body: "not json" });
    expect(b.status).toBe(400);
    const c = await fetch(url);
    expect(c.status).toBe(405);
  });
});

describe("edge worker bundle", () => {
  it("carries no inline copy of kernels.wasm (the workerd entry of @s4wasm/kernels; the module is declared in config.capnp)", () => {
    const bundle = readFileSync(join(here, "../build/worker.js"), "utf8");
    // "AGFzbQ" is base64 of the wasm magic "\0asm"
    expect(bundle).not.toContain("AGFzbQ");
    // nor any stretch of the module's base64 (an inline copy under another prefix, or a split one)
    const b64 = readFileSync(join(here, "../build/kernels.wasm")).toString("base64");
    for (let i = 1; i < 8; i++) expect(bundle).not.toContain(b64.slice((i * b64.length) / 8, (i * b64.length) / 8 + 64));
    // A size budget besides: the JS alone is ~301 KB (222 KB when this entry was added, 262 KB
    // before the threads); an inline copy would add ~117 KB of base64.
    expect(bundle.length).toBeLessThan(340_000);
  });
});
