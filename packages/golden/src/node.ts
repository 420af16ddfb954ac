// Node helpers: find and read fixtures/golden/*.json from inside the repository.
import { readdirSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { type GoldenFile, parseGolden } from "./golden.js";

/** The repository's fixtures folder (this package sits at packages/golden). */
export const FIXTURES_DIR = join(dirname(fileURLToPath(import.meta.url)), "..", "..", "..", "fixtures");
export const GOLDEN_DIR = join(FIXTURES_DIR, "golden");
export const OFFICIAL_DIR = join(FIXTURES_DIR, "official");

/** Read and validate one golden file by path. */
export function readGoldenFile(path: string): GoldenFile {
  return parseGolden(readFileSync(path, "utf8"), path);
}

/** Read fixtures/golden/<name>.json. */
export function readGolden(name: string): GoldenFile {
  return readGoldenFile(join(GOLDEN_DIR, `${name.replace(/\.json$/, "")}.json`));
}

/** Every `<function>.json` in a folder. */
export function listGolden(dir: string): string[] {
  return readdirSync(dir)
    .filter((f) => f.endsWith(".json"))
    .sort()
    .map((f) => join(dir, f));
}
