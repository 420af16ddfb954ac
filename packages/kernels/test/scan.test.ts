import { complexOf, relErrorComplex } from "@s4wasm/golden";
import { readGolden } from "@s4wasm/golden/node";
import { describe, expect, it } from "vitest";
import { type Complex, S4ShapeError, S4StateError, S4ValueError } from "../src/index.js";
import { BACKENDS, kernelsFor, randomArray, rng, TOL } from "./helpers.js";

const golden = readGolden("linear_scan");

/** Stable random coefficients: |a| in [0.5, 1), any phase. */
function randomA(n: number, rand: () => number): Complex<Float64Array> {
  const re = new Float64Array(n);
  const im = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const r = 0.5 + 0.5 * rand();
    const th = 2 * Math.PI * rand();
    re[i] = r * Math.cos(th);
    im[i] = r * Math.sin(th);
  }
  return { re, im };
}

/** The recurrence as the plain float64 loop the plans must reproduce. */
function loop(a: Complex, b: Complex, h0: Complex, lanes: number, T: number): Complex<Float64Array> {
  const re = new Float64Array(lanes * T);
  const im = new Float64Array(lanes * T);
  for (let l = 0; l < lanes; l++) {
    let xr = h0.re[l];
    let xi = h0.im[l];
    for (let t = 0; t < T; t++) {
      const i = l * T + t;
      const nr = a.re[i] * xr - a.im[i] * xi + b.re[i];
      xi = a.re[i] * xi + a.im[i] * xr + b.im[i];
      xr = nr;
      re[i] = xr;
      im[i] = xi;
    }
  }
  return { re, im };
}

describe.each(BACKENDS)("linearScan (%s)", (backend) => {
  for (const method of ["sequential", "chunked"] as const) {
    it.each(golden.cases.map((c) => [c.name, c] as const))(`${method}: matches golden h and h_from_h0: %s`, async (_n, c) => {
      const k = await kernelsFor(backend);
      const a = complexOf(c.inputs, "a");
      const b = complexOf(c.inputs, "b");
      const h0 = complexOf(c.inputs, "h0");
      const [lanes, T] = a.shape;
      // Small chunks so the golden cases cross several chunk boundaries.
      const plan = k.linearScan({ lanes, length: T, method, chunk: 3 });
      const A = { re: a.re, im: a.im };
      const B = { re: b.re, im: b.im };
      const { h, last } = plan.forward(A, B);
      const want = complexOf(c.outputs, "h");
      expect(relErrorComplex(h.re, h.im, want.re, want.im)).toBeLessThanOrEqual(TOL[backend]);
      const lastWant = { re: want.re.filter((_, i) => i % T === T - 1), im: want.im.filter((_, i) => i % T === T - 1) };
      expect(relErrorComplex(last.re, last.im, lastWant.re, lastWant.im)).toBeLessThanOrEqual(TOL[backend]);
      const r0 = plan.forward(A, B, { h0: { re: h0.re, im: h0.im } });
      const want0 = complexOf(c.outputs, "h_from_h0");
      expect(relErrorComplex(r0.h.re, r0.h.im, want0.re, want0.im)).toBeLessThanOrEqual(TOL[backend]);
      plan.dispose();
    });
  }

  it("chunked (associative) scan == sequential loop over random shapes, chunks and h0", async () => {
    const k = await kernelsFor(backend);
    const rand = rng(5);
    for (let trial = 0; trial < 25; trial++) {
      const lanes = 1 + Math.floor(rand() * 11);
      const T = 1 + Math.floor(rand() * 90);
      const chunk = 1 + Math.floor(rand() * 20);
      const a = randomA(lanes * T, rand);
      const b = { re: randomArray(lanes * T, rand), im: randomArray(lanes * T, rand) };
      const h0 = { re: randomArray(lanes, rand), im: randomArray(lanes, rand) };
      const ref = loop(a, b, h0, lanes, T);
      for (const method of ["sequential", "chunked"] as const) {
        const plan = k.linearScan({ lanes, length: T, method, chunk });
        const { h, last } = plan.forward(a, b, { h0 });
        expect(relErrorComplex(h.re, h.im, ref.re, ref.im)).toBeLessThanOrEqual(backend === "js" ? 1e-12 : 1e-5);
        for (let l = 0; l < lanes; l++) {
          expect(last.re[l]).toBe(h.re[l * T + T - 1]);
          expect(last.im[l]).toBe(h.im[l * T + T - 1]);
        }
        plan.dispose();
      }
    }
  });

  it("scanning two halves with the first half's final state == one scan of the whole", async () => {
    const k = await kernelsFor(backend);
    const rand = rng(9);
    const lanes = 6;
    const T = 40;
    const a = randomA(lanes * T, rand);
    const b = { re: randomArray(lanes * T, rand), im: randomArray(lanes * T, rand) };
    const half = (x: Complex, from: number) => {
      const re = new Float64Array(lanes * 20);
      const im = new Float64Array(lanes * 20);
      for (let l = 0; l < lanes; l++)
        for (let t = 0; t < 20; t++) (re[l * 20 + t] = x.re[l * T + from + t]), (im[l * 20 + t] = x.im[l * T + from + t]);
      return { re, im };
    };
    const whole = k.linearScan({ lanes, length: T, method: "chunked", chunk: 7 }).forward(a, b);
    const plan = k.linearScan({ lanes, length: 20 });
    const first = plan.forward(half(a, 0), half(b, 0));
    const second = plan.forward(half(a, 20), half(b, 20), { h0: first.last });
    const wantSecond = half(whole.h, 20);
    expect(relErrorComplex(second.h.re, second.h.im, wantSecond.re, wantSecond.im)).toBeLessThanOrEqual(
      backend === "js" ? 1e-12 : 1e-5,
    );
  });

  it("pointer-level run on buffers in wasm memory equals forward()", async () => {
    const k = await kernelsFor(backend);
    const [lanes, T] = [5, 13];
    const rand = rng(44);
    const a = randomA(lanes * T, rand);
    const b = { re: randomArray(lanes * T, rand), im: randomArray(lanes * T, rand) };
    const h0 = { re: randomArray(lanes, rand), im: randomArray(lanes, rand) };
    for (const method of ["sequential", "chunked"] as const) {
      const plan = k.linearScan({ lanes, length: T, method, chunk: 4 });
      const want = plan.forward(a, b, { h0 });
      if (backend === "js") {
        expect(() => plan.forwardPointers(0, 0, 0, 0, 0, 0, 0, 0, 0, 0)).toThrow(S4StateError);
        continue;
      }
      const ws = k.workspace();
      const buf = (x: Float64Array) => {
        const w = ws.f32(x.length);
        w.view.set(x);
        return w;
      };
      const [ar, ai, br, bi, hr0, hi0] = [a.re, a.im, b.re, b.im, h0.re, h0.im].map(buf);
      const [hr, hi, lr, li] = [ws.f32(lanes * T), ws.f32(lanes * T), ws.f32(lanes), ws.f32(lanes)];
      plan.forwardPointers(ar.ptr, ai.ptr, br.ptr, bi.ptr, hr0.ptr, hi0.ptr, hr.ptr, hi.ptr, lr.ptr, li.ptr);
      expect(Array.from(hr.view)).toEqual(Array.from(want.h.re));
      expect(Array.from(li.view)).toEqual(Array.from(want.last.im));
      ws.dispose();
      plan.dispose();
    }
  });

  it("writes into caller arrays and validates sizes, dtypes, options and dispose", async () => {
    const k = await kernelsFor(backend);
    const F = backend === "js" ? Float64Array : Float32Array;
    expect(() => k.linearScan({ lanes: 0, length: 4 })).toThrow(S4ShapeError);
    expect(() => k.linearScan({ lanes: 2, length: 1.5 })).toThrow(/linearScan\(options\.length\): expected an integer/);
    expect(() => k.linearScan({ lanes: 2, length: 4, method: "tree" as never })).toThrow(S4ValueError);
    const plan = k.linearScan({ lanes: 2, length: 4 });
    const z = { re: new F(8), im: new F(8) };
    expect(() => plan.forward({ re: new F(7), im: new F(8) }, z)).toThrow(
      /linearScan\.forward\(a\)\.re: expected length 8 \(lanes\*length\), got 7/,
    );
    expect(() => plan.forward(z, z, { h0: { re: new F(3), im: new F(2) } })).toThrow(S4ShapeError);
    const out = { re: new F(8), im: new F(8) };
    const last = { re: new F(2), im: new F(2) };
    const one = { re: new F(8).fill(1), im: new F(8) };
    const r = plan.forward(one, one, { out, last });
    expect(r.h).toBe(out);
    expect(r.last).toBe(last);
    expect(Array.from(out.re)).toEqual([1, 2, 3, 4, 1, 2, 3, 4]);
    expect(() => plan.forward(one, one, { out: { re: new F(1), im: new F(1) } })).toThrow(S4ShapeError);
    plan.dispose();
    expect(() => plan.forward(one, one)).toThrow(S4StateError);
  });
});
