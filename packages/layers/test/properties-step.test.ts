// Property-based hardening of step mode (StepMode + its Stepper handle) for S4D and the three
// DPLR step modes (dense, linear, diagonal): for random shapes and seeds (1) the wasm (float32)
// stream agrees with the float64 twin; (2) every bad frame / chunk / out / state / use after
// dispose throws a typed error naming the argument; (3) a refused call leaves the state as it
// was, so the next outputs equal those of a second stepper fed the same history.
import { loadKernels, type S4Error, S4ShapeError, S4StateError, S4ValueError } from "@s4wasm/kernels";
import { expectTypedError } from "@s4wasm/testkit/expect";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { createS4Block, type FloatArray, type Kernels, StepMode, type StepModeSource } from "../src/index.js";
import { relErr, seeded } from "./helpers.js";

const wasm = await loadKernels({ backend: "wasm" });
const js = await loadKernels({ backend: "js" });
const TOL = 1e-4;
/**
 * The diagonalised DPLR step loses about cond(V) * 6e-8 in float32 (src/step/diagonalize.ts); the
 * HiPPO-LegS eigenbasis at N = 8 has cond(V) ~ 1e4..1e5, so the wasm stream is held to 1e-2 there.
 */
const TOL_DIAGONAL = 1e-2;

function badReal(good: FloatArray): { value: unknown; error: typeof S4Error; why: string }[] {
  const nan = Float64Array.from(good);
  nan[good.length >> 1] = Number.NaN;
  const inf = Float64Array.from(good);
  inf[0] = Number.POSITIVE_INFINITY;
  return [
    { value: good.subarray(1), error: S4ShapeError, why: "length - 1" },
    { value: Array.from(good), error: S4ValueError, why: "plain Array" },
    { value: new Int32Array(good.length), error: S4ValueError, why: "Int32Array" },
    { value: nan, error: S4ValueError, why: "NaN" },
    { value: inf, error: S4ValueError, why: "Infinity" },
  ];
}

type Kind = "diag" | "dense" | "linear" | "diagonal";

/** A set-up StepMode for a seeded block of this kind, or null when the mode refuses the system. */
async function modeFor(k: Kernels, kind: Kind, H: number, N: number, seed: number): Promise<StepMode | null> {
  const block = await createS4Block({ dModel: H, dState: N, mode: kind === "diag" ? "diag" : "dplr", seed, kernels: k });
  const base = block.parts.kernel.stepSource?.(block.parts.D) as StepModeSource;
  const source = kind === "diag" ? base : ({ ...base, dplrMode: kind } as StepModeSource);
  try {
    return new StepMode(k, source).setupStep();
  } catch (err) {
    // "diagonal" refuses an ill-conditioned eigenbasis by name; nothing else may fail here
    expect(kind).toBe("diagonal");
    expect((err as Error).message).toMatch(/dplrMode "diagonal"/);
    return null;
  }
}

describe("property: StepMode steppers (S4D; DPLR dense / linear / diagonal)", () => {
  it("wasm agrees with the twin; bad calls are refused by name and leave the state as it was", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom<Kind>("diag", "dense", "linear", "diagonal"),
        fc.integer({ min: 1, max: 3 }),
        fc.constantFrom(2, 4, 8),
        fc.integer({ min: 1, max: 2 }),
        fc.integer({ min: 1, max: 32 }),
        fc.integer({ min: 0, max: 2 ** 31 - 1 }),
        async (kind, H, N, B, L, seed) => {
          const mw = await modeFor(wasm, kind, H, N, seed);
          const mj = await modeFor(js, kind, H, N, seed);
          if (!mw || !mj) return;
          const u = seeded(B * H * L, seed);
          const frame = u.subarray(0, B * H);
          const sw = mw.stepper({ batch: B });
          const sj = mj.stepper({ batch: B });
          const tol = kind === "diagonal" ? TOL_DIAGONAL : TOL;
          expect(relErr(sw.prefill(Float32Array.from(u)), sj.prefill(u))).toBeLessThanOrEqual(tol);
          expect(relErr(sw.step(Float32Array.from(frame)), sj.step(frame))).toBeLessThanOrEqual(tol);
          for (const [m, s] of [
            [mw, sw],
            [mj, sj],
          ] as const) {
            const ref = m.stepper({ batch: B });
            ref.prefill(u);
            ref.step(frame);
            const y1 = ref.step(frame);
            const y2 = ref.prefill(u);
            ref.dispose();
            for (const bad of badReal(frame)) {
              expectTypedError(() => s.step(bad.value as FloatArray), bad.error, /Step\.step\(u\)/, bad.why);
            }
            for (const bad of badReal(u)) {
              if (bad.why === "length - 1" && B * H === 1 && L > 1) continue; // L - 1 frames: a valid chunk
              expectTypedError(() => s.prefill(bad.value as FloatArray), bad.error, /Step\.run\(u\)/, bad.why);
            }
            expectTypedError(() => s.prefill(new Float64Array(0)), S4ShapeError, /Step\.run\(u\)/);
            const wrongOut = m.kernels.backend === "wasm" ? new Float64Array(B * H) : new Float32Array(B * H);
            expectTypedError(() => s.step(frame, wrongOut), S4ValueError, /Step\.step\(out\)/);
            expectTypedError(() => m.step(frame, {} as never), S4StateError, /step\(state\)/);
            expect(Array.from(s.step(frame))).toEqual(Array.from(y1));
            expect(Array.from(s.prefill(u))).toEqual(Array.from(y2));
            s.dispose();
            expectTypedError(() => s.step(frame), S4StateError, /stepper\.step/);
            expectTypedError(() => s.prefill(u), S4StateError, /stepper\.prefill/);
            expectTypedError(() => m.stepper({ batch: 0 }), S4ShapeError, /batch/);
            m.dispose();
            expectTypedError(() => m.stepper({ batch: B }), S4StateError, /stepper/);
          }
        },
      ),
      { numRuns: 30, seed: 61 },
    );
  });
});
