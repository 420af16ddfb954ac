// Hardening against sizes that exceed wasm memory (4 GiB): a plan whose constructor runs out of
// memory half way through its buffers throws a typed error that says so, frees the buffers it had
// already taken (live bytes back where they were), and the instance keeps working. With 3 GiB
// held by one plan, each request below fits one or more buffers before the 4 GiB limit stops it;
// without the cleanup the leaked blocks would leave no room for the final 1.5 GiB plan.
import { describe, expect, it } from "vitest";
import { loadKernels, S4ShapeError } from "../src/index.js";

describe("plans refused for wasm memory leak nothing", () => {
  it("frees the partial buffers of every refused plan; the instance still computes", async () => {
    const k = await loadKernels({ backend: "wasm" });
    const ballast = k.complexMultiply({ length: 2 ** 27 }); // 6 planes x 512 MiB
    const live = k.memoryStats().liveBytes;
    const tooBig: [string, () => unknown][] = [
      ["complexMultiply", () => k.complexMultiply({ length: 2 ** 26 })],
      ["cauchy", () => k.cauchy({ channels: 2 ** 13, modes: 2 ** 13, nodes: 2 ** 13 })],
      ["vandermonde", () => k.vandermonde({ channels: 2 ** 13, modes: 2 ** 13, length: 2 ** 13 })],
      ["linearScan", () => k.linearScan({ lanes: 2 ** 13, length: 2 ** 13 })],
      ["diagStep", () => k.diagStep({ batch: 1, channels: 2 ** 12, modes: 2 ** 15 })],
    ];
    for (const [name, make] of tooBig) {
      let thrown: unknown;
      try {
        make();
      } catch (e) {
        thrown = e;
      }
      expect(thrown, name).toBeInstanceOf(S4ShapeError);
      expect((thrown as Error).message, name).toMatch(/wasm memory: .*expected .*got|wasm memory: could not grow/);
      expect(k.memoryStats().liveBytes, name).toBe(live);
    }
    const small = k.complexMultiply({ length: 4 });
    const one = { re: new Float32Array([1, 2, 3, 4]), im: new Float32Array(4) };
    expect(Array.from(small.apply(one, one).re)).toEqual([1, 4, 9, 16]);
    ballast.dispose();
    // room for 1.5 GiB again only if nothing leaked above
    const big = k.complexMultiply({ length: 2 ** 26 });
    big.dispose();
    small.dispose();
    expect(k.memoryStats().liveBytes).toBe(0);
  });
});
