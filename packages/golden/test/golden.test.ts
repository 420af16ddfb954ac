import { describe, expect, it } from "vitest";
import { parseGolden, relErrorComplex, relErrorReal } from "../src/index.js";
import { GOLDEN_DIR, listGolden, readGoldenFile } from "../src/node.js";

describe("golden reader", () => {
  it("reads every fixture with shapes that match their data", () => {
    const files = listGolden(GOLDEN_DIR);
    expect(files.length).toBeGreaterThanOrEqual(10);
    for (const f of files) {
      const g = readGoldenFile(f);
      expect(g.cases.length).toBeGreaterThan(0);
      for (const c of g.cases) for (const t of Object.values(c.outputs)) expect(t.shape).toBeInstanceOf(Array);
    }
  });

  it("rejects a wrong schema and a shape/data mismatch", () => {
    expect(() => parseGolden({ schema: "other", function: "f", cases: [] })).toThrow(/expected schema "s4ref-golden\/1"/);
    const bad = {
      schema: "s4ref-golden/1",
      function: "f",
      cases: [{ name: "c", params: {}, inputs: { x: { dtype: "float64", shape: [3], data: [1, 2] } }, outputs: {} }],
    };
    expect(() => parseGolden(bad as never)).toThrow(/expected 3 values for shape \[3\], got 2/);
  });

  it("measures max|got-expected|/max|expected|", () => {
    expect(relErrorReal([1, 2, 3], [1, 2, 4])).toBeCloseTo(0.25, 15);
    expect(relErrorComplex([3], [4], [0], [0])).toBe(5);
    expect(relErrorComplex([1, 0], [0, 1], [1, 0], [0, 2])).toBeCloseTo(0.5, 15);
    expect(relErrorReal([Number.NaN], [1])).toBeNaN();
  });
});
