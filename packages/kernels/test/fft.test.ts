// FFT plans (complex and real, any length, batched) on both backends: golden fft.json, an
// independent naive DFT, and properties over seeded random lengths 1..5000 (primes included).
import { complexOf, realOf, relErrorComplex, relErrorReal } from "@s4wasm/golden";
import { readGolden } from "@s4wasm/golden/node";
import { describe, expect, it } from "vitest";
import { js, S4ShapeError, S4StateError, S4ValueError } from "../src/index.js";
import { BACKENDS, kernelsFor, randomArray, rng, TOL } from "./helpers.js";

const golden = readGolden("fft");

/** Float64 O(n^2) DFT with exact integer reduction of the phase: the independent reference. */
function naiveDft(xr: ArrayLike<number>, xi: ArrayLike<number>, sign: number): { re: Float64Array; im: Float64Array } {
  const n = xr.length;
  const re = new Float64Array(n);
  const im = new Float64Array(n);
  for (let k = 0; k < n; k++) {
    let a = 0;
    let b = 0;
    for (let j = 0; j < n; j++) {
      const t = (sign * 2 * Math.PI * ((j * k) % n)) / n;
      const c = Math.cos(t);
      const s = Math.sin(t);
      a += xr[j] * c - xi[j] * s;
      b += xr[j] * s + xi[j] * c;
    }
    re[k] = a;
    im[k] = b;
  }
  return { re, im };
}

function isPrime(n: number): boolean {
  if (n < 2) return false;
  for (let d = 2; d * d <= n; d++) if (n % d === 0) return false;
  return true;
}

/** ~40 seeded lengths in 1..5000: small ones, powers of two, 2^a3^b5^c, primes, random. */
function sampleLengths(): number[] {
  const rand = rng(2024);
  const out = new Set<number>([1, 2, 3, 4, 5, 7, 8, 16, 60, 97, 100, 128, 1000, 1024, 4096, 4999]);
  while (out.size < 32) out.add(1 + Math.floor(rand() * 5000));
  let primes = 0;
  while (primes < 8) {
    const p = 2 + Math.floor(rand() * 4998);
    if (isPrime(p) && !out.has(p)) {
      out.add(p);
      primes++;
    }
  }
  return [...out].sort((a, b) => a - b);
}

const LENGTHS = sampleLengths();
/** Float32 round-off grows like log n; Bluestein adds two transforms of M >= 2n. */
const PROP_TOL = { wasm: 2e-5, js: 1e-12 } as const;

describe("FFT plans: large sizes, wasm against the float64 twin", () => {
  it("agrees for 2^13, 2^15 (radix 2 then 4 at the end) and 3 * 2^12, complex and real", async () => {
    const wasm = await kernelsFor("wasm");
    const rand = rng(123);
    for (const n of [8192, 32768, 12288]) {
      const x = { re: randomArray(n, rand), im: randomArray(n, rand) };
      const want = { re: new Float64Array(n), im: new Float64Array(n) };
      js.fft(js.fftTwin(n), x.re, x.im, want.re, want.im, 1, false);
      const f = wasm.fft(n);
      const X = f.forward(x);
      expect(relErrorComplex(X.re, X.im, want.re, want.im), `fft n=${n}`).toBeLessThanOrEqual(1e-5);
      const r = wasm.rfft(2 * n);
      const xr = randomArray(2 * n, rand);
      const R = r.forward(xr);
      const wr = { re: new Float64Array(n + 1), im: new Float64Array(n + 1) };
      js.rfft(js.rfftTwin(2 * n), xr, 2 * n, wr.re, wr.im, 1);
      expect(relErrorComplex(R.re, R.im, wr.re, wr.im), `rfft n=${2 * n}`).toBeLessThanOrEqual(1e-5);
      expect(relErrorReal(r.inverse(R), xr), `irfft n=${2 * n}`).toBeLessThanOrEqual(1e-5);
      f.dispose();
      r.dispose();
    }
  });
});

describe.each(BACKENDS)("FFT plans (%s)", (backend) => {
  const tol = TOL[backend];

  it.each(golden.cases.map((c) => [c.name, c] as const))("matches golden fft.json: %s", async (_name, c) => {
    const k = await kernelsFor(backend);
    const L = c.params.L as number;
    const n = c.params.n as number;
    const xc = complexOf(c.inputs, "xc");
    const f = k.fft(L);
    const X = f.forward({ re: xc.re, im: xc.im });
    const fx = complexOf(c.outputs, "fft_xc");
    expect(relErrorComplex(X.re, X.im, fx.re, fx.im)).toBeLessThanOrEqual(tol);
    const ix = complexOf(c.outputs, "ifft_xc");
    const xi = f.inverse({ re: xc.re, im: xc.im });
    expect(relErrorComplex(xi.re, xi.im, ix.re, ix.im)).toBeLessThanOrEqual(tol);

    // rfft(x, n = 2L): zero-pads the L inputs through inputLength.
    const x = realOf(c.inputs, "x").data;
    const r = k.rfft(n, { inputLength: L });
    const R = r.forward(x);
    const rx = complexOf(c.outputs, "rfft_x_n");
    expect(relErrorComplex(R.re, R.im, rx.re, rx.im)).toBeLessThanOrEqual(tol);
    const back = r.inverse(R);
    expect(relErrorReal(back, realOf(c.outputs, "irfft_rfft_x_n").data)).toBeLessThanOrEqual(tol);

    // irfft(Y, L): Y has nonzero imaginary DC / Nyquist parts that must be ignored.
    const Y = complexOf(c.inputs, "Y");
    const rl = k.rfft(L);
    const y = rl.inverse({ re: Y.re, im: Y.im });
    expect(relErrorReal(y, realOf(c.outputs, "irfft_Y_L").data)).toBeLessThanOrEqual(tol);
    for (const p of [f, r, rl]) p.dispose();
  });

  it("agrees with a float64 naive DFT for batched rows of many lengths", async () => {
    const k = await kernelsFor(backend);
    const rand = rng(11);
    for (const n of LENGTHS.filter((v) => v <= 700)) {
      const batch = 2;
      const x = { re: randomArray(n * batch, rand), im: randomArray(n * batch, rand) };
      const f = k.fft(n, { batch });
      const X = f.forward(x);
      const Xi = f.inverse(x);
      for (let r = 0; r < batch; r++) {
        const row = (a: ArrayLike<number>) => Array.prototype.slice.call(a, r * n, (r + 1) * n) as number[];
        const want = naiveDft(row(x.re), row(x.im), -1);
        expect(relErrorComplex(row(X.re), row(X.im), want.re, want.im), `n=${n}`).toBeLessThanOrEqual(tol);
        const wantI = naiveDft(row(x.re), row(x.im), 1);
        for (let j = 0; j < n; j++) (wantI.re[j] /= n), (wantI.im[j] /= n);
        expect(relErrorComplex(row(Xi.re), row(Xi.im), wantI.re, wantI.im), `inverse n=${n}`).toBeLessThanOrEqual(tol);
      }
      f.dispose();
    }
  });

  it("every power of two 2..2^12, forward and inverse, complex and real, agrees with the float64 naive DFT (the plans of 128..2048 run stage code of their own)", async () => {
    const k = await kernelsFor(backend);
    const rand = rng(77);
    for (let n = 2; n <= 4096; n *= 2) {
      const x = { re: randomArray(n, rand), im: randomArray(n, rand) };
      const f = k.fft(n);
      const want = naiveDft(x.re, x.im, -1);
      const X = f.forward(x);
      expect(relErrorComplex(X.re, X.im, want.re, want.im), `fft n=${n}`).toBeLessThanOrEqual(tol);
      const wantI = naiveDft(x.re, x.im, 1);
      for (let j = 0; j < n; j++) (wantI.re[j] /= n), (wantI.im[j] /= n);
      const Xi = f.inverse(x);
      expect(relErrorComplex(Xi.re, Xi.im, wantI.re, wantI.im), `ifft n=${n}`).toBeLessThanOrEqual(tol);
      // real: rfft of x.re against the first n/2+1 bins of its DFT, and irfft back to x.re
      const r = k.rfft(n);
      const R = r.forward(x.re);
      const wantR = naiveDft(x.re, new Float64Array(n), -1);
      const bins = n / 2 + 1;
      expect(
        relErrorComplex(R.re, R.im, wantR.re.subarray(0, bins), wantR.im.subarray(0, bins)),
        `rfft n=${n}`,
      ).toBeLessThanOrEqual(tol);
      expect(
        relErrorReal(r.inverse({ re: wantR.re.subarray(0, bins), im: wantR.im.subarray(0, bins) }), x.re),
        `irfft n=${n}`,
      ).toBeLessThanOrEqual(tol);
      f.dispose();
      r.dispose();
    }
  });

  it(`round trips, is linear, keeps Parseval and agrees real vs complex over ${LENGTHS.length} lengths`, async () => {
    const k = await kernelsFor(backend);
    const rand = rng(99);
    const ptol = PROP_TOL[backend];
    for (const n of LENGTHS) {
      const x = { re: randomArray(n, rand), im: randomArray(n, rand) };
      const y = { re: randomArray(n, rand), im: randomArray(n, rand) };
      const f = k.fft(n);
      const X = f.forward(x);
      const back = f.inverse(X);
      expect(relErrorComplex(back.re, back.im, x.re, x.im), `round trip n=${n}`).toBeLessThanOrEqual(ptol);

      // linearity: F(2x - 3y) = 2F(x) - 3F(y)
      const Y = f.forward(y);
      const z = { re: x.re.map((v, i) => 2 * v - 3 * y.re[i]), im: x.im.map((v, i) => 2 * v - 3 * y.im[i]) };
      const Z = f.forward(z);
      const lin = { re: X.re.map((v, i) => 2 * v - 3 * Y.re[i]), im: X.im.map((v, i) => 2 * v - 3 * Y.im[i]) };
      expect(relErrorComplex(Z.re, Z.im, lin.re, lin.im), `linearity n=${n}`).toBeLessThanOrEqual(ptol);

      // Parseval: sum |X|^2 = n sum |x|^2
      let ex = 0;
      let eX = 0;
      for (let i = 0; i < n; i++) {
        ex += x.re[i] ** 2 + x.im[i] ** 2;
        eX += X.re[i] ** 2 + X.im[i] ** 2;
      }
      expect(Math.abs(eX - n * ex) / (n * ex), `Parseval n=${n}`).toBeLessThanOrEqual(ptol);

      // real vs complex: rfft(x) = first n//2+1 bins of fft(x + 0i); irfft inverts it
      const r = k.rfft(n);
      const R = r.forward(x.re);
      const C = f.forward({ re: x.re, im: new Float64Array(n) });
      const nb = (n >> 1) + 1;
      expect(relErrorComplex(R.re, R.im, C.re.subarray(0, nb), C.im.subarray(0, nb)), `rfft n=${n}`).toBeLessThanOrEqual(ptol);
      expect(relErrorReal(r.inverse(R), x.re), `irfft n=${n}`).toBeLessThanOrEqual(ptol);
      f.dispose();
      r.dispose();
    }
  });

  it("inverse transforms whose unscaled sums overflow float32 but whose result fits (spectra of 1e37)", async () => {
    const k = await kernelsFor(backend);
    for (const n of [1024, 1000, 97]) {
      // a constant spectrum C: x[0] = C, x[j > 0] = 0 (the 1/n sum of n values of C)
      const C = 1e37;
      const x = k.fft(n).inverse({ re: new Float64Array(n).fill(C), im: new Float64Array(n) });
      expect(Math.abs(x.re[0] / C - 1), `fft n=${n}`).toBeLessThan(1e-5);
      for (let j = 1; j < n; j++) expect(Math.abs(x.re[j]) + Math.abs(x.im[j])).toBeLessThan(1e-5 * C);
      const bins = Math.floor(n / 2) + 1;
      const xr = k.rfft(n).inverse({ re: new Float64Array(bins).fill(C), im: new Float64Array(bins) });
      expect(Math.abs(xr[0] / C - 1), `rfft n=${n}`).toBeLessThan(1e-5);
    }
  });

  it("rfft zero-pads short rows and truncates long ones, batched", async () => {
    const k = await kernelsFor(backend);
    const rand = rng(5);
    for (const [n, inLen] of [
      [12, 5],
      [12, 20],
      [9, 4],
      [9, 13],
      [64, 64],
    ] as const) {
      const batch = 3;
      const x = randomArray(batch * inLen, rand);
      const r = k.rfft(n, { batch, inputLength: inLen });
      const R = r.forward(x);
      const nb = (n >> 1) + 1;
      for (let b = 0; b < batch; b++) {
        const row = new Float64Array(n);
        for (let j = 0; j < Math.min(n, inLen); j++) row[j] = x[b * inLen + j];
        const want = naiveDft(row, new Float64Array(n), -1);
        const got = { re: R.re.subarray(b * nb, (b + 1) * nb), im: R.im.subarray(b * nb, (b + 1) * nb) };
        expect(relErrorComplex(got.re, got.im, want.re.subarray(0, nb), want.im.subarray(0, nb))).toBeLessThanOrEqual(tol);
      }
      r.dispose();
    }
  });

  it("validates n, lengths, dtype, non-finite input and use after dispose", async () => {
    const k = await kernelsFor(backend);
    for (const bad of [0, -4, 2.5, Number.NaN, 2 ** 22 + 1]) {
      expect(() => k.fft(bad)).toThrow(S4ShapeError);
      expect(() => k.rfft(bad)).toThrow(S4ShapeError);
    }
    expect(() => k.fft(0)).toThrow(/fft\(n\): expected an integer in \[1, 4194304\], got 0/);
    const f = k.fft(8, { batch: 2 });
    expect(() => f.forward({ re: new Float32Array(15), im: new Float32Array(16) })).toThrow(
      /fft\.forward\(x\)\.re: expected length 16 \(batch\*n\), got 15/,
    );
    expect(() => f.forward({ re: [1] as never, im: new Float32Array(16) })).toThrow(S4ValueError);
    const nan = new Float32Array(16);
    nan[3] = Number.NaN;
    expect(() => f.inverse({ re: new Float32Array(16), im: nan })).toThrow(
      /fft\.inverse\(x\)\.im: expected finite values, got NaN at index 3/,
    );
    const r = k.rfft(10, { inputLength: 7 });
    expect(() => r.forward(new Float64Array(10))).toThrow(/rfft\.forward\(x\): expected length 7 \(batch\*inputLength\), got 10/);
    expect(() => r.inverse({ re: new Float64Array(5), im: new Float64Array(5) })).toThrow(S4ShapeError);
    const inf = new Float64Array(7);
    inf[0] = Number.POSITIVE_INFINITY;
    expect(() => r.forward(inf)).toThrow(S4ValueError);
    f.dispose();
    r.dispose();
    expect(() => f.forward({ re: new Float32Array(16), im: new Float32Array(16) })).toThrow(S4StateError);
    expect(() => r.forward(new Float64Array(7))).toThrow(S4StateError);
  });
});
