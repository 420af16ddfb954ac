// Property-based hardening of the streaming step plans (diagStep, denseStep, dplrStep) and the
// one-frame stepLinear: for random shapes and parameters the wasm (float32) run agrees with the
// float64 twin; every bad frame, state, parameter or option throws a typed error naming the
// argument; a rejected call leaves the state untouched, so the next step gives the same answer.
import { relErrorReal } from "@s4wasm/golden";
import { expectTypedError } from "@s4wasm/testkit/expect";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  type Complex,
  type FloatArray,
  type Kernels,
  loadKernels,
  type S4Error,
  S4ShapeError,
  S4StateError,
  S4ValueError,
  type StepPlan,
} from "../src/index.js";
import { rng } from "./helpers.js";

const wasm = await loadKernels({ backend: "wasm" });
const js = await loadKernels({ backend: "js" });
const TOL = 1e-4;

function reals(n: number, rand: () => number, lo = -1, hi = 1): Float64Array {
  const a = new Float64Array(n);
  for (let i = 0; i < n; i++) a[i] = lo + (hi - lo) * rand();
  return a;
}
const cx = (n: number, r: () => number, scale = 1): Complex => ({
  re: reals(n, r).map((v) => v * scale),
  im: reals(n, r).map((v) => v * scale),
});

/** Bad versions of a valid real frame, each with the error class it must raise. */
function badReal(good: FloatArray): { value: unknown; error: typeof S4Error; why: string }[] {
  const nan = Float64Array.from(good);
  nan[good.length >> 1] = Number.NaN;
  const inf = Float64Array.from(good);
  inf[good.length - 1] = Number.POSITIVE_INFINITY;
  return [
    { value: new Float64Array(good.length + 1), error: S4ShapeError, why: "length + 1" },
    { value: Array.from(good), error: S4ValueError, why: "plain Array" },
    { value: new Int32Array(good.length), error: S4ValueError, why: "Int32Array" },
    { value: nan, error: S4ValueError, why: "NaN" },
    { value: inf, error: S4ValueError, why: "Infinity" },
  ];
}

const badSize = fc.oneof(
  fc.integer({ min: -1000, max: 0 }),
  fc.double({ min: 0.01, max: 100, noInteger: true }),
  fc.constant(Number.NaN),
  fc.constant("4"),
  fc.constant(2 ** 40),
);

type Made = { plan: StepPlan; name: string };

/** One of the three step plans with random stable parameters, on one backend. */
function makeStep(k: Kernels, kind: "diag" | "dense" | "dplr", B: number, H: number, M: number, seed: number): Made {
  const r = rng(seed);
  if (kind === "diag") {
    // |dA| <= 0.95
    const mag = reals(H * M, r, 0.2, 0.95);
    const ph = reals(H * M, r, -Math.PI, Math.PI);
    const dA = { re: mag.map((m, i) => m * Math.cos(ph[i])), im: mag.map((m, i) => m * Math.sin(ph[i])) };
    const plan = k.diagStep({ batch: B, channels: H, modes: M });
    plan.setParams({ dA, dB: cx(H * M, r), C: cx(H * M, r), D: reals(H, r) });
    return { plan, name: "diagStep" };
  }
  if (kind === "dense") {
    // entries <= 0.9/S in size: the row sums keep the spectral radius below 1
    const plan = k.denseStep({ batch: B, channels: H, size: M });
    plan.setParams({ dA: cx(H * M * M, r, 0.6 / M), dB: cx(H * M, r), C: cx(H * M, r), D: reals(H, r) });
    return { plan, name: "denseStep" };
  }
  const plan = k.dplrStep({ batch: B, channels: H, modes: M });
  plan.setParams({
    Lambda: { re: reals(H * M, r, -1, -0.1), im: reals(H * M, r, -10, 10) },
    P: cx(H * M, r, 0.3),
    B: cx(H * M, r),
    C: cx(H * M, r),
    dt: reals(H, r, 0.01, 0.1),
    D: reals(H, r),
  });
  return { plan, name: "dplrStep" };
}

describe("property: diagStep frame by frame (the one-frame kernel for modes % 4 == 0)", () => {
  it("wasm step() agrees with the twin frame after frame, outputs and state, and with one run() of the chunk", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 3 }),
        fc.integer({ min: 1, max: 11 }),
        fc.constantFrom(4, 8, 12, 32),
        fc.integer(),
        (B, H, M, seed) => {
          const T = 6;
          const w = makeStep(wasm, "diag", B, H, M, seed);
          const j = makeStep(js, "diag", B, H, M, seed);
          const sw = w.plan.createState();
          const sj = j.plan.createState();
          const frames = reals(B * H * T, rng(seed ^ 0xf4a3e));
          const yw = new Float64Array(B * H * T);
          const yj = new Float64Array(B * H * T);
          for (let t = 0; t < T; t++) {
            // frame t of every (b, h): frames are (T, B, H) here, the chunk below (B, H, T)
            const fw = w.plan.step(Float32Array.from(frames.subarray(t * B * H, (t + 1) * B * H)), sw);
            const fj = j.plan.step(frames.subarray(t * B * H, (t + 1) * B * H), sj);
            for (let i = 0; i < B * H; i++) {
              yw[i * T + t] = fw[i];
              yj[i * T + t] = fj[i];
            }
          }
          expect(relErrorReal(yw, yj)).toBeLessThanOrEqual(TOL);
          const xw = sw.read();
          const xj = sj.read();
          expect(relErrorReal(xw.re, xj.re)).toBeLessThanOrEqual(TOL);
          expect(relErrorReal(xw.im, xj.im)).toBeLessThanOrEqual(TOL);
          // the same frames as one (B, H, T) chunk through the multi-step kernel
          const chunk = new Float32Array(B * H * T);
          for (let t = 0; t < T; t++) for (let i = 0; i < B * H; i++) chunk[i * T + t] = frames[t * B * H + i];
          expect(relErrorReal(w.plan.run(chunk, w.plan.createState()), yw)).toBeLessThanOrEqual(TOL);
        },
      ),
      { numRuns: 40, seed: 7 },
    );
  });
});

describe("property: diagStep / denseStep / dplrStep", () => {
  it("wasm agrees with the twin; bad frames are refused by name and leave the state as it was", () => {
    fc.assert(
      fc.property(
        fc.constantFrom("diag", "dense", "dplr"),
        fc.integer({ min: 1, max: 3 }),
        fc.integer({ min: 1, max: 4 }),
        fc.integer({ min: 1, max: 12 }),
        fc.integer({ min: 1, max: 40 }),
        fc.integer(),
        (kind, B, H, M, L, seed) => {
          const u = reals(B * H * L, rng(seed ^ 0x5eed));
          const w = makeStep(wasm, kind, B, H, M, seed);
          const j = makeStep(js, kind, B, H, M, seed);
          const sw = w.plan.createState();
          const sj = j.plan.createState();
          expect(relErrorReal(w.plan.run(Float32Array.from(u), sw), j.plan.run(u, sj))).toBeLessThanOrEqual(TOL);
          for (const { plan, name } of [w, j]) {
            const state = plan.createState();
            plan.run(u, state);
            const frame = u.subarray(0, B * H);
            const saved = state.read();
            // start both compared steps from write(saved): on wasm the diagonal plan keeps C . x in
            // its planes, so write(read()) is exact only to float32 rounding
            state.write(saved);
            const y0 = plan.step(frame, state);
            const x0 = state.read();
            state.write(saved);
            for (const bad of badReal(frame)) {
              const v = bad.value as FloatArray;
              expectTypedError(() => plan.step(v, state), bad.error, new RegExp(`${name}\\.step\\(u\\)`), bad.why);
            }
            for (const bad of badReal(u)) {
              if (bad.why === "length + 1" && (u.length + 1) % (B * H) === 0) continue; // a valid L + 1
              const v = bad.value as FloatArray;
              expectTypedError(() => plan.run(v, state), bad.error, new RegExp(`${name}\\.run\\(u\\)`), bad.why);
            }
            expectTypedError(() => plan.run(new Float64Array(0), state), S4ShapeError, new RegExp(`${name}\\.run\\(u\\)`));
            const wrongOut = plan.backend === "wasm" ? new Float64Array(B * H) : new Float32Array(B * H);
            expectTypedError(() => plan.step(frame, state, wrongOut), S4ValueError, new RegExp(`${name}\\.step\\(out\\)`));
            expectTypedError(
              () => plan.step(frame, state, plan.backend === "wasm" ? new Float32Array(B * H + 1) : new Float64Array(B * H + 1)),
              S4ShapeError,
              new RegExp(`${name}\\.step\\(out\\)`),
            );
            // a state made for another shape, kind or backend
            const other = (plan.backend === "wasm" ? js : wasm).diagStep({ batch: B, channels: H, modes: M });
            other.setParams({
              dA: cx(H * M, rng(1), 0.5),
              dB: cx(H * M, rng(2)),
              C: cx(H * M, rng(3)),
            });
            const foreign = other.createState();
            expectTypedError(() => plan.step(frame, foreign), S4StateError, new RegExp(`${name}\\.step\\(state\\)`));
            const bigger = makeStep(plan.backend === "wasm" ? wasm : js, kind, B + 1, H, M, seed).plan;
            const wrongShape = bigger.createState();
            expectTypedError(() => plan.step(frame, wrongShape), S4ShapeError, new RegExp(`${name}\\.step\\(state\\)`));
            expectTypedError(() => plan.step(frame, {} as never), S4StateError, new RegExp(`${name}\\.step\\(state\\)`));
            // a non-finite state would poison every later step
            const nanState = { re: Float64Array.from(saved.re), im: Float64Array.from(saved.im) };
            nanState.im[0] = Number.NaN;
            expectTypedError(() => state.write(nanState), S4ValueError, /state\.write\(x\)\.im/);
            expectTypedError(
              () => state.write({ re: saved.re, im: new Float64Array(saved.im.length + 1) }),
              S4ShapeError,
              /state\.write\(x\)\.im/,
            );
            // the rejected calls changed nothing
            const y1 = plan.step(frame, state);
            expect(Array.from(y1)).toEqual(Array.from(y0));
            expect(Array.from(state.read().re)).toEqual(Array.from(x0.re));
            for (const p of [other, bigger]) p.dispose();
            for (const s of [foreign, wrongShape]) s.dispose();
            const dead = plan.createState();
            dead.dispose();
            expectTypedError(() => plan.step(frame, dead), S4StateError, new RegExp(`${name}\\.step\\(state\\)`));
            plan.dispose();
            expectTypedError(() => plan.step(frame, state), S4StateError, new RegExp(`${name}\\.step`));
            expectTypedError(() => plan.createState(), S4StateError, new RegExp(`${name}\\.createState`));
            state.dispose();
          }
          for (const s of [sw, sj]) s.dispose();
        },
      ),
      { numRuns: 30, seed: 21 },
    );
  });

  it("refuses stepping before setParams and bad parameters by name", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 3 }),
        fc.integer({ min: 1, max: 6 }),
        fc.constantFrom("NaN", "Infinity", "length", "Array"),
        (H, M, how) => {
          for (const k of [wasm, js] as Kernels[]) {
            const r = rng(H * 31 + M);
            const spoil = (c: Complex): unknown => {
              if (how === "length") return { re: c.re.subarray(1), im: c.im };
              if (how === "Array") return { re: Array.from(c.re), im: c.im };
              const re = Float64Array.from(c.re);
              re[0] = how === "NaN" ? Number.NaN : Number.NEGATIVE_INFINITY;
              return { re, im: c.im };
            };
            const error = how === "length" ? S4ShapeError : S4ValueError;
            const d = k.diagStep({ batch: 1, channels: H, modes: M });
            const st = d.createState();
            expectTypedError(() => d.step(new Float64Array(H), st), S4StateError, /diagStep\.step: call setParams/);
            const good = { dA: cx(H * M, r, 0.5), dB: cx(H * M, r), C: cx(H * M, r) };
            for (const key of ["dA", "dB", "C"] as const) {
              expectTypedError(
                () => d.setParams({ ...good, [key]: spoil(good[key]) as Complex }),
                error,
                new RegExp(`diagStep\\.setParams\\(${key}`),
              );
            }
            expect(d.ready).toBe(false);
            d.setParams(good);
            expect(d.step(new Float64Array(H), st).length).toBe(H);
            const p = k.dplrStep({ batch: 1, channels: H, modes: M });
            const dp = {
              Lambda: { re: reals(H * M, r, -1, -0.1), im: reals(H * M, r) },
              P: cx(H * M, r),
              B: cx(H * M, r),
              C: cx(H * M, r),
              dt: reals(H, r, 0.01, 0.1),
            };
            for (const key of ["Lambda", "P", "B", "C"] as const) {
              expectTypedError(
                () => p.setParams({ ...dp, [key]: spoil(dp[key]) as Complex }),
                error,
                new RegExp(`dplrStep\\.setParams\\(${key}`),
              );
            }
            for (const dt of [0, -0.1, Number.NaN, Number.POSITIVE_INFINITY]) {
              const bad = Float64Array.from(dp.dt);
              bad[H - 1] = dt;
              expectTypedError(() => p.setParams({ ...dp, dt: bad }), S4ValueError, /dplrStep\.setParams\(dt\)/);
            }
            const n = k.denseStep({ batch: 1, channels: H, size: M });
            expectTypedError(
              () => n.setParams({ dA: cx(H * M * M + 1, r), dB: cx(H * M, r), C: cx(H * M, r) }),
              S4ShapeError,
              /denseStep\.setParams\(dA\)/,
            );
            for (const x of [d, p, n]) x.dispose();
            st.dispose();
          }
        },
      ),
      { numRuns: 16, seed: 22 },
    );
  });

  it("rejects bad options by name (0, negative, non-integer, NaN, a string, beyond the limit)", () => {
    fc.assert(
      fc.property(badSize, fc.constantFrom("batch", "channels", "modes"), (bad, key) => {
        for (const k of [wasm, js] as Kernels[]) {
          const o = { batch: 1, channels: 2, modes: 3, size: 3, [key]: bad };
          expectTypedError(() => k.diagStep(o), S4ShapeError, new RegExp(`diagStep\\(options\\.${key}\\)`));
          expectTypedError(() => k.dplrStep(o), S4ShapeError, new RegExp(`dplrStep\\(options\\.${key}\\)`));
          const dkey = key === "modes" ? "size" : key;
          const od = { batch: 1, channels: 2, size: 3, [dkey]: bad };
          expectTypedError(() => k.denseStep(od), S4ShapeError, new RegExp(`denseStep\\(options\\.${dkey}\\)`));
        }
      }),
      { numRuns: 20, seed: 23 },
    );
    // every size fits alone, the state would not
    expectTypedError(
      () => wasm.diagStep({ batch: 2 ** 10, channels: 2 ** 10, modes: 2 ** 10 }),
      S4ShapeError,
      /diagStep\(options\.batch\*channels\*modes\)/,
    );
  });
});

describe("property: stepLinear", () => {
  it("wasm agrees with the twin; bad frames and weights are refused by name; the plan keeps working", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 70 }),
        fc.integer({ min: 1, max: 70 }),
        fc.boolean(),
        fc.integer(),
        (H, O, withBias, seed) => {
          const r = rng(seed);
          const weight = reals(O * H, r);
          const bias = withBias ? reals(O, r) : null;
          const x = reals(H, r);
          const pw = wasm.stepLinear({ inFeatures: H, outFeatures: O, weight, bias });
          const pj = js.stepLinear({ inFeatures: H, outFeatures: O, weight, bias });
          expect(relErrorReal(pw.apply(x), pj.apply(x))).toBeLessThanOrEqual(TOL);
          for (const p of [pw, pj]) {
            const y0 = p.apply(x);
            for (const bad of badReal(x)) {
              expectTypedError(() => p.apply(bad.value as FloatArray), bad.error, /stepLinear\.apply\(x\)/, bad.why);
            }
            const wrongOut = p.backend === "wasm" ? new Float64Array(O) : new Float32Array(O);
            expectTypedError(() => p.apply(x, wrongOut), S4ValueError, /stepLinear\.apply\(out\)/);
            expect(Array.from(p.apply(x))).toEqual(Array.from(y0));
            p.dispose();
            expectTypedError(() => p.apply(x), S4StateError, /stepLinear\.apply/);
          }
          for (const k of [wasm, js] as Kernels[]) {
            for (const bad of badReal(weight)) {
              expectTypedError(
                () => k.stepLinear({ inFeatures: H, outFeatures: O, weight: bad.value as FloatArray }),
                bad.error,
                /stepLinear\(options\.weight\)/,
                bad.why,
              );
            }
            expectTypedError(
              () => k.stepLinear({ inFeatures: H, outFeatures: O, weight, bias: new Float64Array(O + 1) }),
              S4ShapeError,
              /stepLinear\(options\.bias\)/,
            );
          }
        },
      ),
      { numRuns: 30, seed: 24 },
    );
  });

  it("rejects bad sizes by name", () => {
    fc.assert(
      fc.property(badSize, fc.constantFrom("inFeatures", "outFeatures"), (bad, key) => {
        for (const k of [wasm, js] as Kernels[]) {
          const o = { inFeatures: 2, outFeatures: 2, weight: new Float64Array(4), [key]: bad };
          expectTypedError(() => k.stepLinear(o), S4ShapeError, new RegExp(`stepLinear\\(options\\.${key}\\)`));
        }
      }),
      { numRuns: 15, seed: 25 },
    );
  });
});
