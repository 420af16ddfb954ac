// The packages as users get them: `npm pack` kernels and layers, install both tarballs into an
// empty project outside the repository, run the README example (an S4D block forward and its
// step mode) there, and report the tarball and wasm sizes (gzip).
import { execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { gzipSync } from "node:zlib";
import { describe, expect, it } from "vitest";

const layersDir = fileURLToPath(new URL("..", import.meta.url));
const kernelsDir = join(layersDir, "../kernels");

function readmeExample(): string {
  const readme = readFileSync(join(layersDir, "README.md"), "utf8");
  const block = readme.match(/<!-- example:start -->\s*```js\n([\s\S]*?)```\s*<!-- example:end -->/);
  if (!block) throw new Error("README.md has no example block");
  return block[1];
}

describe("npm pack @s4wasm/layers + @s4wasm/kernels", () => {
  it("installs into an empty project and runs the README example; sizes reported", () => {
    const dir = mkdtempSync(join(tmpdir(), "s4wasm-pack-layers-"));
    for (const pkg of [kernelsDir, layersDir])
      execFileSync("npm", ["pack", "--pack-destination", dir], { cwd: pkg, stdio: "pipe" });
    const tarballs = readdirSync(dir).filter((f) => f.endsWith(".tgz"));
    expect(tarballs.sort()).toEqual(["s4wasm-kernels-0.0.0.tgz", "s4wasm-layers-0.0.0.tgz"]);
    const project = join(dir, "app");
    mkdirSync(project);
    writeFileSync(join(project, "package.json"), JSON.stringify({ name: "app", private: true, type: "module" }));
    execFileSync("npm", ["install", "--no-audit", "--no-fund", "--prefer-offline", ...tarballs.map((t) => join(dir, t))], {
      cwd: project,
      stdio: "pipe",
    });
    const files = execFileSync("tar", ["-tzf", join(dir, "s4wasm-layers-0.0.0.tgz")], { encoding: "utf8" });
    expect(files).not.toMatch(/package\/(test|src)\//);
    writeFileSync(join(project, "example.mjs"), readmeExample());
    const out = execFileSync(process.execPath, ["example.mjs"], { cwd: project, encoding: "utf8" });
    expect(out).toMatch(/forward: 1600 values on wasm/);
    expect(out).toMatch(/step == forward: true/);
    expect(out).toMatch(/true S4Block\.forward\(x\): expected length 1600 \(batch\*H\*length\), got 5/);
    const wasm = readFileSync(join(project, "node_modules/@s4wasm/kernels/dist/kernels.wasm"));
    const sizes = {
      "s4wasm-kernels.tgz": statSync(join(dir, "s4wasm-kernels-0.0.0.tgz")).size,
      "s4wasm-layers.tgz": statSync(join(dir, "s4wasm-layers-0.0.0.tgz")).size,
      "kernels.wasm": wasm.length,
      "kernels.wasm.gz": gzipSync(wasm, { level: 9 }).length,
    };
    console.log(`package sizes (bytes): ${JSON.stringify(sizes)}`);
    expect(sizes["kernels.wasm.gz"]).toBeLessThan(sizes["kernels.wasm"]);
  }, 180_000);
});
