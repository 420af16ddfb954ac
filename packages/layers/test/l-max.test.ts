// The official FFTConv's l_max: the kernel is computed at min(L, l_max) and its later taps are
// zero (models/s4/s4.py: l_kernel = min(L, self.L)); loadOfficial used to accept and ignore it,
// a silently different forward for L > l_max (found by a fuzz helper). Also the official
// arguments accepted at their defaults.
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { FixedKernel } from "../src/block/fixed-kernel.js";
import { S4Block } from "../src/block/s4-block.js";
import { loadOfficial, normalizeConfig, type OfficialConfig, officialConfig, readOfficial } from "../src/official/index.js";
import { BACKENDS, blockCases, kernelsFor, seeded } from "./helpers.js";

/** K (rows, L) from K at lk (rows, lk), taps from lk on zero. */
function padTaps(short: ArrayLike<number>, rows: number, lk: number, L: number): Float64Array {
  const K = new Float64Array(rows * L);
  for (let r = 0; r < rows; r++) for (let l = 0; l < lk; l++) K[r * L + l] = short[r * lk + l];
  return K;
}

describe.each(BACKENDS)("S4Block lMax (%s)", (backend) => {
  it("past lMax: the output of the kernel cut to its first lMax taps (S4D, DPLR, causal, bidirectional); up to lMax: unchanged", async () => {
    const k = await kernelsFor(backend);
    const [H, B] = [4, 2];
    for (const { make, parts } of blockCases(k, H, 1)) {
      const cut = new S4Block(k, { ...parts, kernel: make(), lMax: 16 });
      const plain = new S4Block(k, { ...parts, kernel: make() });
      const x = (L: number) => (backend === "wasm" ? Float32Array.from(seeded(B * H * L, 4)) : seeded(B * H * L, 4));
      for (const L of [16, 9]) same(cut.forward(x(L), { batch: B, length: L }), plain.forward(x(L), { batch: B, length: L }));
      const L = 50;
      const kern = make();
      const ref = new S4Block(k, {
        ...parts,
        kernel: new FixedKernel(k, padTaps(kern.kernel(16), 2 * H, 16, L), { channels: 2, H, length: L }),
      });
      const y = cut.forward(x(L), { batch: B, length: L });
      same(y, ref.forward(x(L), { batch: B, length: L }));
      expect(Array.from(y)).not.toEqual(Array.from(plain.forward(x(L), { batch: B, length: L })));
    }
  });
});

const same = (a: ArrayLike<number>, b: ArrayLike<number>) => expect(Array.from(a)).toEqual(Array.from(b));

describe("official l_max and the arguments accepted at their defaults", () => {
  const dir = new URL("../../../fixtures/official/s4d_block/", import.meta.url);
  const bytes = new Uint8Array(readFileSync(new URL("model.safetensors", dir)));
  const config = JSON.parse(readFileSync(new URL("config.json", dir), "utf8")) as OfficialConfig;

  it.each(BACKENDS)("loadOfficial(%s) with l_max gives the block with that lMax (and exports it back)", async (backend) => {
    const withMax = (await loadOfficial(bytes, { ...config, args: { ...config.args, l_max: 20 } }, { backend })) as S4Block;
    const without = (await loadOfficial(bytes, config, { backend })) as S4Block;
    expect(withMax.parts.lMax).toBe(20);
    const withMaxConfig = { ...config, args: { ...config.args, l_max: 20 } };
    expect(officialConfig(readOfficial(bytes, withMaxConfig)).args.l_max).toBe(20);
    expect("l_max" in officialConfig(readOfficial(bytes, config)).args).toBe(false);
    const H = withMax.dModel;
    const L = 48;
    const u = backend === "wasm" ? Float32Array.from(seeded(H * L, 5)) : seeded(H * L, 5);
    const ref = new S4Block(withMax.kernels, { ...without.parts, lMax: 20 });
    same(withMax.forward(u, { batch: 1, length: L }), ref.forward(u, { batch: 1, length: L }));
    expect(Array.from(withMax.forward(u, { batch: 1, length: L }))).not.toEqual(
      Array.from(without.forward(u, { batch: 1, length: L })),
    );
  });

  it("accepts gate_act, drop_kernel, kernel, dt_fast, bandlimit, backend, measure at their defaults; refuses the ones that change the math", () => {
    const base = { module: "models/s4/s4.py:S4Block", args: { d_model: 4, d_state: 8 } };
    const cfg = normalizeConfig({
      ...base,
      args: {
        ...base.args,
        gate_act: null,
        drop_kernel: 0.1,
        kernel: "diag",
        dt_fast: false,
        bandlimit: null,
        backend: "cuda",
        measure: null,
        l_max: 100,
      },
    });
    expect(cfg.module === "models/s4/s4.py:S4Block" && [cfg.mode, cfg.lMax]).toEqual(["diag", 100]);
    expect(() =>
      normalizeConfig({ ...base, args: { ...base.args, gate: 2, bandlimit: 0.5, kernel: "diag", mode: "dplr", l_max: 0 } }),
    ).toThrow(
      /4 problem\(s\)[\s\S]*kernel: "diag" contradicts mode "dplr"[\s\S]*l_max: expected null or an integer >= 1, got 0[\s\S]*bandlimit: implemented for mode diag only[\s\S]*gate: 2 is not supported/,
    );
  });
});
