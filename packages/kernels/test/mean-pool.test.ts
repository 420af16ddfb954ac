import { relErrorReal } from "@s4wasm/golden";
import { describe, expect, it } from "vitest";
import { S4ShapeError } from "../src/index.js";
import { BACKENDS, kernelsFor, randomArray, rng } from "./helpers.js";

describe.each(BACKENDS)("meanPool (%s)", (backend) => {
  it("averages over L in both layouts, random shapes", async () => {
    const k = await kernelsFor(backend);
    const rand = rng(51);
    for (const [B, H, L] of [
      [1, 1, 1],
      [2, 3, 5],
      [3, 9, 1001],
      [1, 64, 17],
    ]) {
      for (const layout of ["BHL", "BLH"] as const) {
        const x = randomArray(B * H * L, rand);
        const ref = new Float64Array(B * H);
        for (let b = 0; b < B; b++)
          for (let h = 0; h < H; h++) {
            let s = 0;
            for (let l = 0; l < L; l++) s += x[layout === "BHL" ? (b * H + h) * L + l : (b * L + l) * H + h];
            ref[b * H + h] = s / L;
          }
        const plan = k.meanPool({ channels: H, layout });
        const y = plan.apply(x, { batch: B, length: L });
        expect(relErrorReal(y, ref), `${layout} ${B}x${H}x${L}`).toBeLessThanOrEqual(backend === "js" ? 1e-14 : 1e-5);
        plan.dispose();
      }
    }
  });

  it("gives the mean when the sum overflows float32 but the mean fits (values near 1e38)", async () => {
    const k = await kernelsFor(backend);
    const rand = rng(52);
    for (const [B, H, L, scale] of [
      [1, 3, 3, 1e38],
      [2, 5, 1000, 1e36],
      [1, 1, 7, 3e38],
    ]) {
      for (const layout of ["BHL", "BLH"] as const) {
        const idx = (b: number, h: number, l: number) => (layout === "BHL" ? (b * H + h) * L + l : (b * L + l) * H + h);
        // channel 0: all large and positive (the sum overflows); channel 1 (if any): ordinary values
        const x = Float64Array.from(Float32Array.from({ length: B * H * L }, () => 2 * rand() - 1));
        for (let b = 0; b < B; b++) for (let l = 0; l < L; l++) x[idx(b, 0, l)] = Math.fround(scale * (0.6 + 0.4 * rand()));
        const ref = new Float64Array(B * H);
        for (let b = 0; b < B; b++)
          for (let h = 0; h < H; h++) {
            let s = 0;
            for (let l = 0; l < L; l++) s += x[idx(b, h, l)];
            ref[b * H + h] = s / L;
          }
        const y = k.meanPool({ channels: H, layout }).apply(x, { batch: B, length: L });
        for (let i = 0; i < B * H; i++) {
          expect(Math.abs(y[i] - ref[i]), `${layout} ${B}x${H}x${L} at ${i}`).toBeLessThanOrEqual(
            1e-5 * Math.max(1, Math.abs(ref[i])),
          );
        }
      }
    }
  });

  it("rejects a wrong input length", async () => {
    const k = await kernelsFor(backend);
    const plan = k.meanPool({ channels: 2 });
    expect(() => plan.apply(new Float64Array(5), { batch: 1, length: 3 })).toThrow(
      /meanPool.apply\(x\): expected length 6 \(batch\*channels\*length\), got 5/,
    );
    const Out = backend === "js" ? Float64Array : Float32Array;
    expect(() => plan.apply(new Float64Array(6), { batch: 1, length: 3 }, new Out(3))).toThrow(S4ShapeError);
  });
});
