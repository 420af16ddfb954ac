// The package as users get it: `npm pack`, install the tarball into an empty project outside the
// repository, and run the example from README.md there.
import { execFileSync } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

const pkgDir = fileURLToPath(new URL("..", import.meta.url));

/** The README's example: the js block between the example markers. */
function readmeExample(): string {
  const readme = readFileSync(join(pkgDir, "README.md"), "utf8");
  const block = readme.match(/<!-- example:start -->\s*```js\n([\s\S]*?)```\s*<!-- example:end -->/);
  if (!block) throw new Error("README.md has no example block");
  return block[1];
}

describe("npm pack", () => {
  it("installs into an empty project and runs the README example", () => {
    const dir = mkdtempSync(join(tmpdir(), "s4wasm-pack-"));
    execFileSync("npm", ["pack", "--pack-destination", dir], { cwd: pkgDir, stdio: "pipe" });
    const tarball = readdirSync(dir).find((f) => f.endsWith(".tgz"));
    expect(tarball).toBeDefined();
    const project = join(dir, "app");
    execFileSync("mkdir", ["-p", project]);
    writeFileSync(join(project, "package.json"), JSON.stringify({ name: "app", private: true, type: "module" }));
    execFileSync("npm", ["install", "--no-audit", "--no-fund", "--offline", join(dir, tarball as string)], {
      cwd: project,
      stdio: "pipe",
    });
    const files = execFileSync("tar", ["-tzf", join(dir, tarball as string)], { encoding: "utf8" });
    expect(files).toMatch(/package\/dist\/kernels\.wasm/);
    expect(files).not.toMatch(/package\/(assembly|test|src)\//);
    writeFileSync(join(project, "example.mjs"), readmeExample());
    const out = execFileSync(process.execPath, ["example.mjs"], { cwd: project, encoding: "utf8" });
    expect(out).toMatch(/backend: wasm, dtype: float32/);
    expect(out).toMatch(/X\[0\] = 4, X\[1\] = 1\.0000-2\.4142i/);
    expect(out).toMatch(/true dft\.forward\(x\)\.re: expected length 8 \(batch\*n\), got 7/);
  }, 120_000);
});
