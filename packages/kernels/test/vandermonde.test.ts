import { complexOf, realOf, relErrorComplex, relErrorReal } from "@s4wasm/golden";
import { readGolden } from "@s4wasm/golden/node";
import { describe, expect, it } from "vitest";
import { S4ShapeError, S4StateError } from "../src/index.js";
import { BACKENDS, kernelsFor, randomArray, rng, TOL } from "./helpers.js";

const golden = readGolden("vandermonde");

/** z^l with exp/cos/sin for every l (no recurrence): the exact float64 reference. */
function directK(C: Cx, logz: Cx, H: number, N: number, L: number): Float64Array {
  const K = new Float64Array(H * L);
  for (let h = 0; h < H; h++)
    for (let n = 0; n < N; n++) {
      const i = h * N + n;
      for (let l = 0; l < L; l++) {
        const m = Math.exp(logz.re[i] * l);
        const pr = m * Math.cos(logz.im[i] * l);
        const pi = m * Math.sin(logz.im[i] * l);
        K[h * L + l] += 2 * (C.re[i] * pr - C.im[i] * pi);
      }
    }
  return K;
}
type Cx = { re: Float64Array; im: Float64Array };

function s4dLike(H: number, N: number, rand: () => number, dt: number) {
  // S4D-Lin-like modes: logz = dt (-1/2 + i pi n), C random
  const logz = { re: new Float64Array(H * N), im: new Float64Array(H * N) };
  for (let i = 0; i < H * N; i++) {
    logz.re[i] = dt * -0.5 * (0.5 + rand());
    logz.im[i] = dt * Math.PI * (i % N) * (0.9 + 0.2 * rand());
  }
  return { C: { re: randomArray(H * N, rand), im: randomArray(H * N, rand) }, logz };
}

describe.each(BACKENDS)("vandermonde (%s)", (backend) => {
  it("transpose keeps late terms that outweigh the early ones (large u where |z|^l is ~1e-31), and stops decayed modes", async () => {
    const k = await kernelsFor(backend);
    const [N, L] = [5, 8192];
    // four slowly decaying modes (|z|^7000 = 4e-31) and one fast one (|z| = 0.5: its sum is done after ~100 terms)
    const logz = { re: Float64Array.of(-0.01, -0.01, -0.01, -0.01, Math.log(0.5)), im: Float64Array.of(0.1, 0.2, 0.3, 0.4, 1) };
    const C = { re: new Float64Array(N).fill(1), im: new Float64Array(N) };
    for (const early of [1, 0]) {
      const u = new Float64Array(L);
      u[0] = early;
      for (let l = 7000; l < 7008; l++) u[l] = 3e38;
      const vt = k.vandermonde({ channels: 1, modes: N, length: L }).transpose(u, C, logz);
      const ref = { re: new Float64Array(N), im: new Float64Array(N) };
      for (let n = 0; n < N; n++)
        for (let l = 0; l < L; l++) {
          const m = Math.exp(logz.re[n] * l);
          ref.re[n] += u[l] * m * Math.cos(logz.im[n] * l);
          ref.im[n] += u[l] * m * Math.sin(logz.im[n] * l);
        }
      // the slow modes' sums are ~1e9 (the early 1 is below their resolution); mode 4's is 1 x early
      for (let n = 0; n < 4; n++) expect(Math.abs(vt.re[n] / ref.re[n] - 1), `mode ${n}, u[0] = ${early}`).toBeLessThan(1e-4);
      expect(Math.abs(vt.re[4] - ref.re[4])).toBeLessThanOrEqual(1e-6 * Math.max(1, Math.abs(ref.re[4])));
    }
  });

  it.each(golden.cases.map((c) => [c.name, c] as const))("matches golden K and vt: %s", async (_n, c) => {
    const k = await kernelsFor(backend);
    const C = complexOf(c.inputs, "C");
    const logz = complexOf(c.inputs, "logz");
    const u = realOf(c.inputs, "u");
    const [H, N] = C.shape;
    const L = u.shape[1];
    const plan = k.vandermonde({ channels: H, modes: N, length: L });
    const K = plan.apply(C, logz);
    expect(relErrorReal(K, realOf(c.outputs, "K").data)).toBeLessThanOrEqual(TOL[backend]);
    const vt = plan.transpose(u.data, C, logz);
    const e = complexOf(c.outputs, "vt");
    expect(relErrorComplex(vt.re, vt.im, e.re, e.im)).toBeLessThanOrEqual(TOL[backend]);
    plan.dispose();
  });

  it("equals exp(logz*l) evaluated directly for ragged lengths (table rows of 64, chains, anchors and tails)", async () => {
    const k = await kernelsFor(backend);
    const rand = rng(9);
    for (const L of [1, 7, 8, 9, 63, 64, 65, 129, 2047, 2048, 2049, 5000]) {
      const H = 2;
      const N = 3;
      const { C, logz } = s4dLike(H, N, rand, 0.01);
      const plan = k.vandermonde({ channels: H, modes: N, length: L });
      const K = plan.apply(C, logz);
      expect(relErrorReal(K, directK(C, logz, H, N, L))).toBeLessThanOrEqual(backend === "js" ? 1e-11 : 1e-5);
      const u = randomArray(H * L, rand);
      const vt = plan.transpose(u, C, logz);
      // transpose reference: sum_l u z^l directly
      const ref = { re: new Float64Array(H * N), im: new Float64Array(H * N) };
      for (let h = 0; h < H; h++)
        for (let n = 0; n < N; n++) {
          const i = h * N + n;
          let sr = 0;
          let si = 0;
          for (let l = 0; l < L; l++) {
            const m = Math.exp(logz.re[i] * l);
            sr += u[h * L + l] * m * Math.cos(logz.im[i] * l);
            si += u[h * L + l] * m * Math.sin(logz.im[i] * l);
          }
          ref.re[i] = C.re[i] * sr - C.im[i] * si;
          ref.im[i] = C.re[i] * si + C.im[i] * sr;
        }
      expect(relErrorComplex(vt.re, vt.im, ref.re, ref.im)).toBeLessThanOrEqual(backend === "js" ? 1e-10 : 1e-5);
      plan.dispose();
    }
  });

  it("stays within 1e-4 relative at L = 65536 with slowly decaying, fast rotating modes", async () => {
    const k = await kernelsFor(backend);
    const rand = rng(21);
    const H = 1;
    const N = 8;
    const L = 65536;
    const { C, logz } = s4dLike(H, N, rand, 0.0005);
    const K = k.vandermonde({ channels: H, modes: N, length: L }).apply(C, logz);
    expect(relErrorReal(K, directK(C, logz, H, N, L))).toBeLessThanOrEqual(backend === "js" ? 1e-9 : 1e-4);
  });

  it("keeps fast-decaying modes (their powers reach the flushed range) next to slow ones", async () => {
    const k = await kernelsFor(backend);
    const H = 2;
    const N = 4;
    const L = 300;
    // Re logz from -20 (gone after one step) to -0.001; one channel with tiny C overall
    const C = {
      re: Float64Array.from([1, -0.5, 0.25, 2, 1e-20, 3e-20, -1e-20, 2e-20]),
      im: Float64Array.from([0.5, 0.1, -1, 0, 1e-20, 0, 2e-20, -1e-20]),
    };
    const logz = {
      re: Float64Array.from([-20, -0.7, -0.05, -0.001, -20, -0.7, -0.05, -0.001]),
      im: Float64Array.from([0.3, 2.9, -1.1, 0.05, 0.3, 2.9, -1.1, 0.05]),
    };
    const K = k.vandermonde({ channels: H, modes: N, length: L }).apply(C, logz);
    const want = directK(C, logz, H, N, L);
    for (let h = 0; h < H; h++) {
      const row = (a: ArrayLike<number>) => Array.from(a).slice(h * L, (h + 1) * L);
      expect(relErrorReal(row(K), row(want))).toBeLessThanOrEqual(backend === "js" ? 1e-11 : 1e-5);
    }
  });

  it("gives exact zeros where every mode of a channel has decayed, after a call that filled those rows", async () => {
    // The wasm kernel stops at the first row of 64 l where every C z^l is below 1e-19 of max |2C|
    // (they stay 0) and zero-fills the rest of the K row: here channels decay at different rates,
    // L = 1000 ends in a partial row, and the plan's buffer first holds a slowly decaying K.
    const k = await kernelsFor(backend);
    const rand = rng(52);
    const H = 4;
    const N = 5;
    const L = 1000;
    const plan = k.vandermonde({ channels: H, modes: N, length: L });
    const slow = s4dLike(H, N, rand, 0.0005);
    expect(relErrorReal(plan.apply(slow.C, slow.logz), directK(slow.C, slow.logz, H, N, L))).toBeLessThanOrEqual(
      backend === "js" ? 1e-11 : 1e-5,
    );
    for (const dt of [1, 0.3, 0.12, 0.05]) {
      // channel h decays within about 87 / (dt_h (1/2 ... 3/2)) steps
      const { C, logz } = s4dLike(H, N, rand, dt);
      const K = plan.apply(C, logz);
      const want = directK(C, logz, H, N, L);
      for (let h = 0; h < H; h++) {
        const row = (a: ArrayLike<number>) => Array.from(a).slice(h * L, (h + 1) * L);
        const max = Math.max(...row(want).map(Math.abs));
        const worst = Math.max(...row(K).map((x, l) => Math.abs(x - row(want)[l])));
        expect(worst / max, `dt ${dt} channel ${h}`).toBeLessThanOrEqual(backend === "js" ? 1e-12 : 1e-6);
      }
      if (dt >= 0.3 && backend === "wasm") expect(K.subarray(L - 100, L).every((x) => x === 0)).toBe(true);
    }
    plan.dispose();
  });

  it("validates options, shapes and use after dispose", async () => {
    const k = await kernelsFor(backend);
    expect(() => k.vandermonde({ channels: 1, modes: 1, length: 0 })).toThrow(S4ShapeError);
    const plan = k.vandermonde({ channels: 2, modes: 3, length: 5 });
    const c = (n: number) => ({ re: new Float64Array(n), im: new Float64Array(n) });
    expect(() => plan.apply(c(6), c(5))).toThrow(/vandermonde.apply\(logz\).re: expected length 6 \(channels\*modes\), got 5/);
    expect(() => plan.transpose(new Float64Array(9), c(6), c(6))).toThrow(S4ShapeError);
    plan.dispose();
    expect(() => plan.apply(c(6), c(6))).toThrow(S4StateError);
  });
});

describe("vandermonde.applyPtr (wasm: K written into wasm memory)", () => {
  it("writes the same K as apply at the given offset, and nothing outside it", async () => {
    const k = await kernelsFor("wasm");
    const rand = rng(41);
    const [H, N, L] = [3, 5, 77];
    const { C, logz } = s4dLike(H, N, rand, 0.05);
    const plan = k.vandermonde({ channels: H, modes: N, length: L });
    const want = plan.apply(C, logz);
    const ws = k.workspace();
    const buf = ws.f32(H * L + 8);
    buf.view.fill(7);
    plan.applyPtr(C, logz, buf.ptr + 16);
    expect(Array.from(buf.view.subarray(4, 4 + H * L))).toEqual(Array.from(want));
    expect(Array.from(buf.view.subarray(0, 4))).toEqual([7, 7, 7, 7]);
    expect(Array.from(buf.view.subarray(4 + H * L))).toEqual([7, 7, 7, 7]);
    // and it is the golden-checked product: the float64 reference within float32 accuracy
    expect(relErrorReal(want, directK(C, logz, H, N, L))).toBeLessThanOrEqual(TOL.wasm);
    ws.dispose();
  });

  it("refuses offsets outside memory or unaligned, bad C, and the JS backend, writing nothing", async () => {
    const k = await kernelsFor("wasm");
    const [H, N, L] = [2, 3, 5];
    const plan = k.vandermonde({ channels: H, modes: N, length: L });
    const c = (n: number, v = 0.1) => ({ re: new Float64Array(n).fill(v), im: new Float64Array(n).fill(-v) });
    const size = k.runtime?.exports.memory.buffer.byteLength as number;
    for (const bad of [-4, 2, 1.5, size - 4 * H * L + 4, Number.NaN]) {
      expect(() => plan.applyPtr(c(6), c(6), bad)).toThrow(
        /^vandermonde\.applyPtr\(outPtr\): expected a 4-aligned byte offset with 40 bytes inside wasm memory \(\d+ bytes\), got /,
      );
    }
    const ws = k.workspace();
    const buf = ws.f32(H * L);
    buf.view.fill(3);
    const C = c(6);
    C.re[2] = Number.NaN;
    expect(() => plan.applyPtr(C, c(6), buf.ptr)).toThrow(
      /vandermonde\.applyPtr\(C\)\.re: expected finite values, got NaN at index 2/,
    );
    expect(() => plan.applyPtr(c(5), c(6), buf.ptr)).toThrow(
      /vandermonde\.applyPtr\(C\)\.re: expected length 6 \(channels\*modes\), got 5/,
    );
    expect(buf.view.every((x) => x === 3)).toBe(true);
    const js = await kernelsFor("js");
    expect(() => js.vandermonde({ channels: H, modes: N, length: L }).applyPtr(c(6), c(6), 0)).toThrow(
      /^vandermonde\.applyPtr: the JS backend has no wasm memory$/,
    );
    ws.dispose();
  });
});
