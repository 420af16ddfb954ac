// loadOfficial end to end on the official fixtures: checkpoint bytes + config.json -> module ->
// forward(u) against io.json's y (float64 official outputs), both backends, with the project's
// own S4D / DPLR kernels. Also a checkpoint saved after a forward pass (C holding C-tilde,
// l_kernel > 0), served at L below, equal to and above l_kernel.
import { readFileSync } from "node:fs";
import { realOf, relErrorReal } from "@s4wasm/golden";
import { readGoldenFile } from "@s4wasm/golden/node";
import { loadKernels } from "@s4wasm/kernels";
import { describe, expect, it } from "vitest";
import {
  type CanonicalS4Block,
  loadOfficial,
  type OfficialConfig,
  parseSafetensors,
  readOfficial,
  type TensorToWrite,
  writeSafetensors,
} from "../src/official/index.js";
import { cTildeFromC, discretizeDPLRDense } from "../src/ssm/discretize.js";

const FIXTURES = new URL("../../../fixtures/official/", import.meta.url);
const TOL = { wasm: 1e-4, js: 1e-9 } as const;

function fixture(name: string) {
  const dir = new URL(`${name}/`, FIXTURES);
  return {
    bytes: new Uint8Array(readFileSync(new URL("model.safetensors", dir))),
    config: JSON.parse(readFileSync(new URL("config.json", dir), "utf8")) as OfficialConfig,
    io: readGoldenFile(new URL("io.json", dir).pathname),
  };
}

describe.each(["wasm", "js"] as const)("loadOfficial on fixtures/official (%s)", (backend) => {
  it.each(["s4d_block", "s4_dplr_block_bidir", "s4d_minimal", "s4model_example"])("%s reproduces io.json y", async (name) => {
    const kernels = await loadKernels({ backend });
    const { bytes, config, io } = fixture(name);
    for (const cs of io.cases) {
      // A fresh module per case, as the fixture was made.
      const model = await loadOfficial(bytes, config, { kernels });
      const u = realOf(cs.inputs, "u");
      const [B, L] = name === "s4model_example" ? [u.shape[0], u.shape[1]] : [u.shape[0], u.shape[2]];
      const y = model.forward(backend === "wasm" ? Float32Array.from(u.data) : u.data, { batch: B, length: L });
      expect(relErrorReal(y, realOf(cs.outputs, "y").data), `${name} ${cs.name}`).toBeLessThanOrEqual(TOL[backend]);
      model.dispose();
    }
  });

  it("a checkpoint holding C-tilde at l_kernel = 64 gives the official y at L = 64, 100 and 128", async () => {
    const kernels = await loadKernels({ backend });
    const { bytes, config, io } = fixture("s4_dplr_block_bidir");
    const c = readOfficial(bytes, config) as CanonicalS4Block;
    if (c.ssm.mode !== "dplr") throw new Error("dplr expected");
    const p = c.ssm.params;
    const CT = cTildeFromC(discretizeDPLRDense(p).dA, p.C, p.H, p.N2, 64);
    const f = parseSafetensors(bytes);
    const t = new Map<string, TensorToWrite>(
      [...f.tensors].map(([k, v]) => [k, { dtype: v.dtype, shape: v.shape, data: v.data }]),
    );
    t.set("layer.kernel.C", {
      dtype: "F32",
      shape: [2, 8, 16, 2],
      data: Float32Array.from({ length: 2 * CT.re.length }, (_, i) => (i % 2 ? CT.im : CT.re)[i >> 1]),
    });
    t.set("layer.kernel.l_kernel", { dtype: "I64", shape: [], data: BigInt64Array.of(64n) });
    const saved = writeSafetensors(t);
    for (const cs of io.cases) {
      const model = await loadOfficial(saved, config, { kernels });
      const u = realOf(cs.inputs, "u");
      const [B, , L] = u.shape;
      const y = model.forward(backend === "wasm" ? Float32Array.from(u.data) : u.data, { batch: B, length: L });
      // C-tilde was stored in float32, as a real checkpoint would: allow that rounding on js.
      expect(relErrorReal(y, realOf(cs.outputs, "y").data), `${cs.name}`).toBeLessThanOrEqual(backend === "js" ? 1e-6 : TOL.wasm);
      model.dispose();
    }
  });
});

describe("loadOfficialDir (Node helper)", () => {
  it("loads a fixture folder", async () => {
    const { loadOfficialDir, readOfficialDir } = await import("../src/official/node.js");
    const dir = new URL("s4d_minimal/", FIXTURES).pathname;
    const { canonical } = await readOfficialDir(dir);
    expect(canonical.module).toBe("models/s4/s4d.py:S4D");
    const model = await loadOfficialDir(dir, { backend: "js" });
    const { io } = fixture("s4d_minimal");
    const cs = io.cases[0];
    const u = realOf(cs.inputs, "u");
    const y = model.forward(u.data, { batch: u.shape[0], length: u.shape[2] });
    expect(relErrorReal(y, realOf(cs.outputs, "y").data)).toBeLessThanOrEqual(TOL.js);
    await expect(readOfficialDir("/nonexistent")).rejects.toThrow(/ENOENT/);
  });
});
