import { relErrorReal } from "@s4wasm/golden";
import { describe, expect, it } from "vitest";
import { S4ShapeError, S4StateError } from "../src/index.js";
import { BACKENDS, kernelsFor, randomArray, rng } from "./helpers.js";

const sigmoid = (v: number) => 1 / (1 + Math.exp(-v));

describe.each(BACKENDS)("glu (%s)", (backend) => {
  it("takes the FIRST half as value and the second as gate, both layouts, random shapes", async () => {
    const k = await kernelsFor(backend);
    const rand = rng(31);
    for (const [B, H, L] of [
      [1, 1, 1],
      [2, 3, 5],
      [3, 8, 17],
      [1, 33, 9],
    ]) {
      for (const layout of ["BHL", "BLH"] as const) {
        const z = randomArray(B * 2 * H * L, rand).map((v) => 6 * v);
        const ref = new Float64Array(B * H * L);
        for (let b = 0; b < B; b++)
          for (let h = 0; h < H; h++)
            for (let l = 0; l < L; l++) {
              // Index from the definition: channel h of 2H is value, H + h is gate.
              const zi = (c: number) => (layout === "BHL" ? (b * 2 * H + c) * L + l : (b * L + l) * 2 * H + c);
              const yi = layout === "BHL" ? (b * H + h) * L + l : (b * L + l) * H + h;
              ref[yi] = z[zi(h)] * sigmoid(z[zi(H + h)]);
            }
        const plan = k.glu({ channels: H, layout });
        const y = plan.apply(z, { batch: B, length: L });
        expect(relErrorReal(y, ref), `${layout} ${B}x${H}x${L}`).toBeLessThanOrEqual(backend === "js" ? 1e-15 : 1e-6);
        plan.dispose();
      }
    }
  });

  it("saturates without NaN for large gates and rejects bad shapes", async () => {
    const k = await kernelsFor(backend);
    const plan = k.glu({ channels: 2 });
    const y = plan.apply(Float64Array.of(3, -4, 200, -200), { batch: 1, length: 1 });
    expect(y[0]).toBeCloseTo(3, 6);
    expect(Math.abs(y[1])).toBeLessThan(1e-30);
    expect(() => plan.apply(new Float64Array(3), { batch: 1, length: 1 })).toThrow(
      /glu.apply\(z\): expected length 4 \(batch\*2\*channels\*length\), got 3/,
    );
    expect(() => plan.apply(new Float64Array(4), { batch: 1, length: 0 })).toThrow(S4ShapeError);
    expect(() => k.glu({ channels: 0 })).toThrow(S4ShapeError);
    plan.dispose();
    expect(() => plan.apply(new Float64Array(4), { batch: 1, length: 1 })).toThrow(S4StateError);
  });

  it("gates far below -88 give 0 even for values near float32's limit; down to -87 sigmoid tracks exp", async () => {
    const k = await kernelsFor(backend);
    // z (1, 2H, 1): values 3e37 (and 1), gates around the point where exp(-x) leaves float32
    const gates = [-88.5, -89, -100, -1e4, -3e38, -80, -87];
    const values = [3e37, 3e37, 3e37, 3e37, 3e37, 1, 1];
    const H = gates.length;
    const y = k.glu({ channels: H }).apply(Float64Array.from([...values, ...gates]), { batch: 1, length: 1 });
    // true values: 3e37 * sigmoid(-88.5) = 1.1e-1 ... 3e37 * e^-100 = 1.1e-6 ...: within 0.2 of 0
    for (let h = 0; h < 5; h++) expect(Math.abs(y[h]), `gate ${gates[h]}`).toBeLessThan(0.2);
    for (let h = 2; h < 5; h++) expect(Math.abs(y[h]), `gate ${gates[h]}`).toBeLessThan(2e-6);
    expect(Math.abs(y[5] / Math.exp(-80) - 1)).toBeLessThan(1e-5);
    expect(Math.abs(y[6] / Math.exp(-87) - 1)).toBeLessThan(1e-5);
  });
});

describe("glu pointer entry in place (wasm)", () => {
  it("out = z gives the out-of-place result bitwise, widths across the 16-value unrolled loop", async () => {
    const k = await kernelsFor("wasm");
    const rand = rng(32);
    for (const [B, H, L] of [
      [3, 5, 7],
      [2, 16, 1],
      [4, 37, 1],
      [2, 3, 21],
    ]) {
      for (const layout of ["BHL", "BLH"] as const) {
        const z = Float32Array.from(randomArray(B * 2 * H * L, rand), (v) => 6 * v);
        const plan = k.glu({ channels: H, layout });
        const ws = k.workspace();
        const src = ws.f32(z.length);
        const out = ws.f32(z.length / 2);
        const buf = ws.f32(z.length);
        src.view.set(z);
        buf.view.set(z);
        plan.applyPtr(src.ptr, out.ptr, B, L);
        plan.applyPtr(buf.ptr, buf.ptr, B, L);
        const want = Array.from(out.view);
        expect(Array.from(buf.view.subarray(0, want.length)), `${layout} ${B}x${H}x${L}`).toEqual(want);
        // and the plan's copying entry
        expect(Array.from(plan.apply(z, { batch: B, length: L }))).toEqual(want);
        ws.dispose();
        plan.dispose();
      }
    }
  });
});
