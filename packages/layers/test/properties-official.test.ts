// Property-based hardening of loadOfficial against corrupted checkpoints: random byte corruptions
// (in the length prefix, the JSON header or the tensor data) of every fixtures/official/*/
// model.safetensors either load, and then forward gives finite outputs of the right length, or
// throw a typed error (SafetensorsError / CheckpointError, or another S4Error naming what is
// wrong); a loaded module whose float32 kernel overflows refuses forward by name. Never a hang,
// a foreign exception, or NaN outputs. test/safetensors.test.ts fuzzes the
// parser alone on a small synthetic file; this covers the whole load path on real checkpoints.
import { readFileSync } from "node:fs";
import { realOf } from "@s4wasm/golden";
import { readGoldenFile } from "@s4wasm/golden/node";
import { loadKernels, S4Error } from "@s4wasm/kernels";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { CheckpointError, loadOfficial, type OfficialConfig, SafetensorsError } from "../src/official/index.js";

const FIXTURES = new URL("../../../fixtures/official/", import.meta.url);
const kernels = await loadKernels({ backend: "wasm" });

function fixture(name: string) {
  const dir = new URL(`${name}/`, FIXTURES);
  const bytes = new Uint8Array(readFileSync(new URL("model.safetensors", dir)));
  const config = JSON.parse(readFileSync(new URL("config.json", dir), "utf8")) as OfficialConfig;
  const u = realOf(readGoldenFile(new URL("io.json", dir).pathname).cases[0].inputs, "u");
  const [B, L] = name === "s4model_example" ? [u.shape[0], u.shape[1]] : [u.shape[0], u.shape[2]];
  const headerLen = Number(new DataView(bytes.buffer).getBigUint64(0, true));
  return { bytes, config, x: Float32Array.from(u.data), shape: { batch: B, length: L }, headerLen };
}

/** Where to corrupt: the 8-byte length, the JSON header, or the tensor data. */
const corruption = (len: number, headerLen: number) =>
  fc.array(
    fc.record({
      at: fc.oneof(
        fc.integer({ min: 0, max: 7 }),
        fc.integer({ min: 8, max: 8 + headerLen - 1 }),
        fc.integer({ min: 8 + headerLen, max: len - 1 }),
      ),
      byte: fc.integer({ min: 0, max: 255 }),
    }),
    { minLength: 1, maxLength: 4 },
  );

describe.each(["s4d_block", "s4_dplr_block_bidir", "s4d_minimal", "s4model_example"])(
  "loadOfficial on corrupted %s/model.safetensors",
  (name) => {
    it("loads and gives finite outputs, or throws a typed error", async () => {
      const f = fixture(name);
      const clean = await loadOfficial(f.bytes, f.config, { kernels });
      const outLength = clean.forward(f.x, f.shape).length;
      clean.dispose();
      let loaded = 0;
      let refused = 0;
      let overflowed = 0;
      await fc.assert(
        fc.asyncProperty(corruption(f.bytes.length, f.headerLen), async (flips) => {
          const b = f.bytes.slice();
          for (const { at, byte } of flips) b[at] = byte;
          let model: Awaited<ReturnType<typeof loadOfficial>>;
          try {
            model = await loadOfficial(b, f.config, { kernels });
          } catch (err) {
            expect(err, String(err)).toBeInstanceOf(S4Error);
            if (!(err instanceof SafetensorsError) && !(err instanceof CheckpointError)) {
              // other typed errors (e.g. a parameter out of its range) must still say what was expected
              expect((err as Error).message).toMatch(/expected .*, got /);
            }
            refused++;
            return;
          }
          loaded++;
          try {
            const y = model.forward(f.x, f.shape);
            expect(y.length).toBe(outLength);
            const bad = y.findIndex((v) => !Number.isFinite(v));
            expect(bad, `non-finite output at ${bad} after ${JSON.stringify(flips)}`).toBe(-1);
          } catch (err) {
            // finite but extreme parameters (e.g. |P| ~ 1e11) can overflow float32 inside the
            // kernel: the forward then refuses the non-finite kernel by name instead of returning NaN
            expect(err, String(err)).toBeInstanceOf(S4Error);
            expect((err as Error).message).toMatch(/expected finite values, got/);
            overflowed++;
          } finally {
            model.dispose();
          }
        }),
        { numRuns: 250, seed: 51, timeout: 5000 },
      );
      // both outcomes happen: the fuzz reaches past the parser
      expect(loaded).toBeGreaterThan(0);
      expect(refused).toBeGreaterThan(0);
      expect(overflowed).toBeLessThan(loaded);
      expect(kernels.memoryStats().liveBytes).toBe(0);
    });
  },
);

describe("loadOfficial: l_kernel beyond the longest FFT", () => {
  it("is a CheckpointError naming layer.kernel.l_kernel (it used to load, then fail every forward)", async () => {
    const f = fixture("s4_dplr_block_bidir");
    const header = JSON.parse(new TextDecoder().decode(f.bytes.subarray(8, 8 + f.headerLen)));
    const at = 8 + f.headerLen + header["layer.kernel.l_kernel"].data_offsets[0];
    for (const [value, ok] of [
      [2n ** 22n + 1n, false],
      [2n ** 40n, false],
      [-1n, false],
      [64n, true],
    ] as const) {
      const b = f.bytes.slice();
      new DataView(b.buffer).setBigInt64(at, value, true);
      let thrown: unknown;
      try {
        (await loadOfficial(b, f.config, { kernels })).dispose();
      } catch (e) {
        thrown = e;
      }
      if (ok) expect(thrown).toBeUndefined();
      else {
        expect(thrown).toBeInstanceOf(CheckpointError);
        expect((thrown as Error).message).toMatch(/layer\.kernel\.l_kernel.*expected .*, got /);
      }
    }
  });
});
