// Property-based hardening of the SSM-kernel plans (cauchy, cauchyWoodbury, vandermonde apply +
// transpose, linearScan): for random shapes and values the wasm (float32) result agrees with the
// float64 twin; every bad input (wrong length, wrong typed-array kind, NaN / Infinity, bad sizes)
// throws a typed error naming the argument; after the error the plan returns the same answer.
import { relErrorComplex, relErrorReal } from "@s4wasm/golden";
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
} from "../src/index.js";
import { rng } from "./helpers.js";

const wasm = await loadKernels({ backend: "wasm" });
const js = await loadKernels({ backend: "js" });
const TOL = 1e-4;

/** Random reals in [lo, hi) from a seeded stream. */
function reals(n: number, rand: () => number, lo = -1, hi = 1): Float64Array {
  const a = new Float64Array(n);
  for (let i = 0; i < n; i++) a[i] = lo + (hi - lo) * rand();
  return a;
}
const cx = (re: Float64Array, im: Float64Array): Complex => ({ re, im });
const as32 = (c: Complex): Complex => ({ re: Float32Array.from(c.re), im: Float32Array.from(c.im) });

/** Bad versions of a valid complex argument, each with the error class it must raise. */
function badComplex(good: Complex, finite: boolean): { value: unknown; error: typeof S4Error; why: string }[] {
  const n = good.re.length;
  const withAt = (v: number) => {
    const re = Float64Array.from(good.re);
    re[n >> 1] = v;
    return { re, im: good.im };
  };
  const bad: { value: unknown; error: typeof S4Error; why: string }[] = [
    { value: { re: new Float64Array(n + 1), im: good.im }, error: S4ShapeError, why: "length + 1" },
    { value: { re: good.re.subarray(0, n - 1), im: good.im }, error: S4ShapeError, why: "length - 1" },
    { value: { re: Array.from(good.re), im: good.im }, error: S4ValueError, why: "plain Array" },
    { value: { re: new Int32Array(n), im: good.im }, error: S4ValueError, why: "Int32Array" },
    { value: null, error: S4ValueError, why: "null" },
    { value: good.re, error: S4ValueError, why: "a real array" },
  ];
  if (finite) {
    bad.push({ value: withAt(Number.NaN), error: S4ValueError, why: "NaN" });
    bad.push({ value: withAt(Number.POSITIVE_INFINITY), error: S4ValueError, why: "Infinity" });
  }
  return bad;
}

function badReal(good: FloatArray): { value: unknown; error: typeof S4Error; why: string }[] {
  const nan = Float64Array.from(good);
  nan[good.length >> 1] = Number.NaN;
  const inf = Float64Array.from(good);
  inf[0] = Number.NEGATIVE_INFINITY;
  return [
    { value: new Float64Array(good.length + 1), error: S4ShapeError, why: "length + 1" },
    { value: Array.from(good), error: S4ValueError, why: "plain Array" },
    { value: new Int32Array(good.length), error: S4ValueError, why: "Int32Array" },
    { value: nan, error: S4ValueError, why: "NaN" },
    { value: inf, error: S4ValueError, why: "Infinity" },
  ];
}

const sameComplex = (a: Complex, b: Complex) => {
  expect(Array.from(a.re)).toEqual(Array.from(b.re));
  expect(Array.from(a.im)).toEqual(Array.from(b.im));
};

/** Bad sizes of a plan option: 0, negative, non-integer, NaN, a string, beyond the limit. */
const badSize = fc.oneof(
  fc.integer({ min: -1000, max: 0 }),
  fc.double({ min: 0.01, max: 100, noInteger: true }),
  fc.constant(Number.NaN),
  fc.constant(Number.POSITIVE_INFINITY),
  fc.constant("8"),
  fc.constant(2 ** 40),
);

/**
 * Property: `plan` made with `base` and any one of `keys` set to a bad size throws S4ShapeError
 * naming `plan(options.key)`, on both backends.
 */
function rejectsBadOptions(
  plan: string,
  make: (k: Kernels, opts: Record<string, unknown>) => unknown,
  base: Record<string, number>,
  keys: string[],
  params: { numRuns: number; seed: number },
): void {
  fc.assert(
    fc.property(badSize, fc.constantFrom(...keys), (bad, key) => {
      const opts = { ...base, [key]: bad };
      for (const k of [wasm, js] as Kernels[]) {
        expectTypedError(() => make(k, opts), S4ShapeError, new RegExp(`${plan}\\(options\\.${key}\\)`));
      }
    }),
    params,
  );
}

describe("property: cauchy", () => {
  it("wasm agrees with the twin; bad inputs throw by name; the plan keeps working", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 4 }),
        fc.integer({ min: 1, max: 24 }),
        fc.integer({ min: 1, max: 40 }),
        fc.integer({ min: 1, max: 3 }),
        fc.boolean(),
        fc.boolean(),
        fc.integer(),
        (H, N, M, S, conjugatePairs, sharedNodes, seed) => {
          const r = rng(seed);
          const zn = sharedNodes ? M : H * M;
          const v = cx(reals(S * H * N, r), reals(S * H * N, r));
          // poles in the left half plane, nodes on the imaginary axis: |z - w| >= 0.1
          const w = cx(reals(H * N, r, -1, -0.1), reals(H * N, r, -3, 3));
          const z = cx(new Float64Array(zn), reals(zn, r, -3, 3));
          const opts = { channels: H, modes: N, nodes: M, numerators: S, conjugatePairs, sharedNodes };
          const pw = wasm.cauchy(opts);
          const pj = js.cauchy(opts);
          const ref = pj.apply(v, z, w);
          const got = pw.apply(v, z, w);
          expect(relErrorComplex(got.re, got.im, ref.re, ref.im)).toBeLessThanOrEqual(TOL);
          for (const p of [pw, pj]) {
            const before = p.apply(v, z, w);
            for (const [arg, i] of [
              ["v", 0],
              ["z", 1],
              ["w", 2],
            ] as const) {
              const good = [v, z, w][i];
              for (const bad of badComplex(good, true)) {
                const args = [v, z, w] as unknown[];
                args[i] = bad.value;
                expectTypedError(
                  () => p.apply(...(args as [Complex, Complex, Complex])),
                  bad.error,
                  new RegExp(`cauchy\\.apply\\(${arg}\\)`),
                  bad.why,
                );
              }
            }
            const wrongOut = p.backend === "wasm" ? new Float64Array(S * H * M) : new Float32Array(S * H * M);
            expectTypedError(() => p.apply(v, z, w, { re: wrongOut, im: wrongOut }), S4ValueError, /cauchy\.apply\(out\)\.re/);
            sameComplex(p.apply(v, z, w), before);
            p.dispose();
            expectTypedError(() => p.apply(v, z, w), S4StateError, /cauchy\.apply/);
          }
        },
      ),
      { numRuns: 25, seed: 11 },
    );
  });

  it("rejects bad options by name", () => {
    rejectsBadOptions(
      "cauchy",
      (k, opts) => k.cauchy(opts as never),
      { channels: 2, modes: 3, nodes: 4 },
      ["channels", "modes", "nodes", "numerators"],
      { numRuns: 30, seed: 12 },
    );
    // each size fits, the product would not
    expectTypedError(
      () => wasm.cauchy({ channels: 2 ** 14, modes: 1, nodes: 2 ** 14 }),
      S4ShapeError,
      /cauchy\(numerators\*channels\*nodes\)/,
    );
  });
});

describe("property: cauchyWoodbury", () => {
  it("wasm agrees with the twin; bad inputs throw by name; the plan keeps working", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 4 }),
        fc.integer({ min: 1, max: 24 }),
        fc.integer({ min: 1, max: 40 }),
        fc.integer(),
        (H, N, M, seed) => {
          const r = rng(seed);
          const v = cx(reals(4 * H * N, r), reals(4 * H * N, r));
          // keep the rank-1 correction r3 small so 1 + r3 stays away from 0
          for (let i = 3 * H * N; i < 4 * H * N; i++) {
            v.re[i] *= 0.02;
            v.im[i] *= 0.02;
          }
          const w = cx(reals(H * N, r, -1, -0.1), reals(H * N, r, -3, 3));
          const z = cx(new Float64Array(M), reals(M, r, -3, 3));
          const f = cx(reals(M, r), reals(M, r));
          const opts = { channels: H, modes: N, nodes: M };
          const pw = wasm.cauchyWoodbury(opts);
          const pj = js.cauchyWoodbury(opts);
          const ref = pj.apply(v, z, w, f);
          const got = pw.apply(v, z, w, f);
          expect(relErrorComplex(got.re, got.im, ref.re, ref.im)).toBeLessThanOrEqual(TOL);
          for (const p of [pw, pj]) {
            const before = p.apply(v, z, w, f);
            const good = [v, z, w, f];
            for (const [arg, i] of [
              ["v", 0],
              ["z", 1],
              ["w", 2],
              ["f", 3],
            ] as const) {
              for (const bad of badComplex(good[i], true)) {
                const args = [...good] as unknown[];
                args[i] = bad.value;
                expectTypedError(
                  () => p.apply(...(args as [Complex, Complex, Complex, Complex])),
                  bad.error,
                  new RegExp(`cauchyWoodbury\\.apply\\(${arg}\\)`),
                  bad.why,
                );
              }
            }
            // nodes off the imaginary axis are refused (the kernel assumes z = i y)
            const zOff = { re: Float64Array.from(z.re, (_, m) => (m === M - 1 ? 0.5 : 0)), im: z.im };
            expectTypedError(() => p.apply(v, zOff, w, f), S4ValueError, /cauchyWoodbury\.apply\(z\)/);
            sameComplex(p.apply(v, z, w, f), before);
            p.dispose();
          }
        },
      ),
      { numRuns: 25, seed: 13 },
    );
  });

  it("rejects bad options by name", () => {
    rejectsBadOptions(
      "cauchyWoodbury",
      (k, opts) => k.cauchyWoodbury(opts as never),
      { channels: 2, modes: 3, nodes: 4 },
      ["channels", "modes", "nodes"],
      { numRuns: 20, seed: 14 },
    );
  });
});

describe("property: vandermonde apply and transpose", () => {
  it("wasm agrees with the twin; bad inputs throw by name; the plan keeps working", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 4 }),
        fc.integer({ min: 1, max: 16 }),
        fc.integer({ min: 1, max: 300 }),
        fc.integer(),
        (H, N, L, seed) => {
          const r = rng(seed);
          const C = cx(reals(H * N, r), reals(H * N, r));
          const logz = cx(reals(H * N, r, -0.5, -0.01), reals(H * N, r, -Math.PI, Math.PI));
          const u = reals(H * L, r);
          const opts = { channels: H, modes: N, length: L };
          const pw = wasm.vandermonde(opts);
          const pj = js.vandermonde(opts);
          expect(relErrorReal(pw.apply(C, logz), pj.apply(C, logz))).toBeLessThanOrEqual(TOL);
          const tw = pw.transpose(u, C, logz);
          const tj = pj.transpose(u, C, logz);
          expect(relErrorComplex(tw.re, tw.im, tj.re, tj.im)).toBeLessThanOrEqual(TOL);
          for (const p of [pw, pj]) {
            const K0 = p.apply(C, logz);
            const T0 = p.transpose(u, C, logz);
            for (const [arg, i] of [
              ["C", 0],
              ["logz", 1],
            ] as const) {
              for (const bad of badComplex([C, logz][i], true)) {
                const args = [C, logz] as unknown[];
                args[i] = bad.value;
                const named = new RegExp(`vandermonde\\.apply\\(${arg}\\)`);
                expectTypedError(() => p.apply(...(args as [Complex, Complex])), bad.error, named, bad.why);
                const namedT = new RegExp(`vandermonde\\.transpose\\(${arg}\\)`);
                expectTypedError(() => p.transpose(u, ...(args as [Complex, Complex])), bad.error, namedT, bad.why);
              }
            }
            for (const bad of badReal(u)) {
              expectTypedError(
                () => p.transpose(bad.value as FloatArray, C, logz),
                bad.error,
                /vandermonde\.transpose\(u\)/,
                bad.why,
              );
            }
            const wrongOut = p.backend === "wasm" ? new Float64Array(H * L) : new Float32Array(H * L);
            expectTypedError(() => p.apply(C, logz, wrongOut), S4ValueError, /vandermonde\.apply\(out\)/);
            expect(Array.from(p.apply(C, logz))).toEqual(Array.from(K0));
            sameComplex(p.transpose(u, C, logz), T0);
            p.dispose();
            expectTypedError(() => p.transpose(u, C, logz), S4StateError, /vandermonde\.transpose/);
          }
        },
      ),
      { numRuns: 25, seed: 15 },
    );
  });

  it("rejects bad options by name", () => {
    rejectsBadOptions(
      "vandermonde",
      (k, opts) => k.vandermonde(opts as never),
      { channels: 2, modes: 3, length: 4 },
      ["channels", "modes", "length"],
      { numRuns: 20, seed: 16 },
    );
  });
});

describe("property: linearScan", () => {
  it("wasm agrees with the twin (both schedules); bad inputs throw by name; the plan keeps working", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 9 }),
        fc.integer({ min: 1, max: 200 }),
        fc.constantFrom("sequential", "chunked"),
        fc.integer({ min: 1, max: 40 }),
        fc.integer(),
        (lanes, T, method, chunk, seed) => {
          const r = rng(seed);
          const n = lanes * T;
          // |a| <= 0.95: a stable recurrence (float32 error does not grow with T)
          const mag = reals(n, r, 0.3, 0.95);
          const ph = reals(n, r, -Math.PI, Math.PI);
          const a = cx(
            mag.map((m, i) => m * Math.cos(ph[i])),
            mag.map((m, i) => m * Math.sin(ph[i])),
          );
          const b = cx(reals(n, r), reals(n, r));
          const h0 = cx(reals(lanes, r), reals(lanes, r));
          const opts = { lanes, length: T, method, chunk } as const;
          const pw = wasm.linearScan(opts);
          const pj = js.linearScan(opts);
          const rw = pw.forward(as32(a), as32(b), { h0 });
          const rj = pj.forward(a, b, { h0 });
          expect(relErrorComplex(rw.h.re, rw.h.im, rj.h.re, rj.h.im)).toBeLessThanOrEqual(TOL);
          expect(relErrorComplex(rw.last.re, rw.last.im, rj.last.re, rj.last.im)).toBeLessThanOrEqual(TOL);
          for (const p of [pw, pj]) {
            const before = p.forward(a, b, { h0 });
            for (const [arg, i] of [
              ["a", 0],
              ["b", 1],
            ] as const) {
              for (const bad of badComplex([a, b][i], true)) {
                const args = [a, b] as unknown[];
                args[i] = bad.value;
                expectTypedError(
                  () => p.forward(...(args as [Complex, Complex]), { h0 }),
                  bad.error,
                  new RegExp(`linearScan\\.forward\\(${arg}\\)`),
                  bad.why,
                );
              }
            }
            for (const bad of badComplex(h0, true)) {
              if (bad.value === null) continue; // h0: null/undefined means zeros
              expectTypedError(
                () => p.forward(a, b, { h0: bad.value as Complex }),
                bad.error,
                /linearScan\.forward\(h0\)/,
                bad.why,
              );
            }
            const after = p.forward(a, b, { h0 });
            sameComplex(after.h, before.h);
            sameComplex(after.last, before.last);
            p.dispose();
          }
        },
      ),
      { numRuns: 25, seed: 17 },
    );
  });

  it("rejects bad options by name", () => {
    rejectsBadOptions(
      "linearScan",
      (k, opts) => k.linearScan(opts as never),
      { lanes: 2, length: 4 },
      ["lanes", "length", "chunk"],
      { numRuns: 20, seed: 18 },
    );
    for (const k of [wasm, js] as Kernels[]) {
      expectTypedError(
        () => k.linearScan({ lanes: 1, length: 1, method: "parallel" as never }),
        S4ValueError,
        /linearScan\(options\.method\)/,
      );
    }
  });
});
