import { fftRows } from "../fft";
import { packReal, postProcess, unpackReal } from "../rfft";

function ptr<T>(a: StaticArray<T>): usize {
  return changetype<usize>(a);
}

// Buffers referenced only by raw pointers in a descriptor: keep them reachable for the GC.
const keep: StaticArray<f32>[] = [];
function kept(n: i32): StaticArray<f32> {
  const a = new StaticArray<f32>(n);
  keep.push(a);
  return a;
}

/** Stockham descriptor for n = product of `radices` (twiddles computed here in f64, as the host does). */
function makeDesc(n: i32, radices: i32[]): StaticArray<i32> {
  const S = radices.length;
  const d = new StaticArray<i32>(8 + 8 * S);
  d[0] = n;
  d[1] = S;
  for (let w = 2; w < 6; w++) d[w] = <i32>ptr(kept(n));
  let s = 1;
  for (let i = 0; i < S; i++) {
    const r = radices[i];
    const m = n / (s * r);
    const twr = kept((r - 1) * m + 4);
    const twi = kept((r - 1) * m + 4);
    for (let j = 1; j < r; j++) {
      for (let p = 0; p < m; p++) {
        const a = (2 * Math.PI * <f64>((j * p) % (r * m))) / <f64>(r * m);
        twr[(j - 1) * m + p] = <f32>Math.cos(a);
        twi[(j - 1) * m + p] = <f32>-Math.sin(a);
      }
    }
    const b = 8 + 8 * i;
    d[b] = r;
    d[b + 1] = s;
    d[b + 2] = m;
    d[b + 3] = <i32>ptr(twr);
    d[b + 4] = <i32>ptr(twi);
    s *= r;
  }
  return d;
}

/** Max |fft(x) - naive f64 DFT(x)| for x[j] = sin(j) + i cos(3j). */
function fftError(n: i32, radices: i32[], inverse: i32): f64 {
  const d = makeDesc(n, radices);
  const xr = new StaticArray<f32>(n);
  const xi = new StaticArray<f32>(n);
  for (let j = 0; j < n; j++) {
    xr[j] = <f32>Math.sin(<f64>j);
    xi[j] = <f32>Math.cos(<f64>(3 * j));
  }
  const yr = new StaticArray<f32>(n);
  const yi = new StaticArray<f32>(n);
  fftRows(ptr(d), ptr(xr), ptr(xi), ptr(yr), ptr(yi), 1, inverse, 1);
  const sign: f64 = inverse ? 1 : -1;
  let err: f64 = 0;
  for (let k = 0; k < n; k++) {
    let a: f64 = 0, b: f64 = 0;
    for (let j = 0; j < n; j++) {
      const t = (sign * 2 * Math.PI * <f64>((j * k) % n)) / <f64>n;
      a += <f64>xr[j] * Math.cos(t) - <f64>xi[j] * Math.sin(t);
      b += <f64>xr[j] * Math.sin(t) + <f64>xi[j] * Math.cos(t);
    }
    err = Math.max(err, Math.max(Math.abs(a - <f64>yr[k]), Math.abs(b - <f64>yi[k])));
  }
  return err;
}

describe("fft butterflies", () => {
  it("radix 2, 3, 4, 5 single butterflies (scalar path) match the DFT", () => {
    expect(fftError(2, [2], 0)).toBeLessThan(1e-5);
    expect(fftError(3, [3], 0)).toBeLessThan(1e-5);
    expect(fftError(4, [4], 0)).toBeLessThan(1e-5);
    expect(fftError(5, [5], 0)).toBeLessThan(1e-5);
    expect(fftError(5, [5], 1)).toBeLessThan(1e-5);
  });

  it("the vectorised first radix-4 stage and wide later stages (n = 16, 32, 64)", () => {
    expect(fftError(16, [4, 4], 0)).toBeLessThan(1e-4);
    expect(fftError(32, [4, 4, 2], 0)).toBeLessThan(1e-4);
    expect(fftError(64, [4, 4, 4], 1)).toBeLessThan(1e-4);
  });

  it("the radix-8 last stage, scalar and SIMD (n = 8, 32, 128)", () => {
    expect(fftError(8, [8], 0)).toBeLessThan(1e-5);
    expect(fftError(8, [8], 1)).toBeLessThan(1e-5);
    expect(fftError(32, [4, 8], 0)).toBeLessThan(1e-4);
    expect(fftError(128, [4, 4, 8], 1)).toBeLessThan(1e-4);
  });

  it("radix 8 before the last stage, with twiddles (n = 32, 128, 512)", () => {
    expect(fftError(32, [8, 4], 0)).toBeLessThan(1e-4);
    expect(fftError(128, [4, 8, 4], 0)).toBeLessThan(1e-4);
    expect(fftError(512, [4, 4, 8, 4], 1)).toBeLessThan(1e-4);
  });

  it("mixed radix with SIMD radix-3/5 stages and scalar tails (n = 60, 120)", () => {
    expect(fftError(60, [4, 3, 5], 0)).toBeLessThan(1e-4);
    expect(fftError(120, [4, 2, 3, 5], 1)).toBeLessThan(1e-4);
  });
});

describe("real FFT split passes", () => {
  it("pack / unpack interleave round trip with zero padding", () => {
    const n = 22;
    const x = new StaticArray<f32>(n);
    for (let j = 0; j < n; j++) x[j] = <f32>(j + 1);
    const zr = new StaticArray<f32>(16);
    const zi = new StaticArray<f32>(16);
    packReal(ptr(x), n, ptr(zr), ptr(zi), 16);
    expect(zr[0]).toBe(<f32>1);
    expect(zi[0]).toBe(<f32>2);
    expect(zr[10]).toBe(<f32>21);
    expect(zi[10]).toBe(<f32>22);
    expect(zr[11]).toBe(<f32>0);
    expect(zi[15]).toBe(<f32>0);
    const back = new StaticArray<f32>(n);
    unpackReal(ptr(zr), ptr(zi), ptr(back), n);
    for (let j = 0; j < n; j++) expect(back[j]).toBe(x[j]);
  });

  it("postProcess turns the half-size FFT of a constant into an impulse", () => {
    // x = 1 (n = 16): z = 1 + i, Z = FFT_8(z) = 8 + 8i at k = 0 only; X[0] = 16, others 0.
    const N = 8;
    const Zr = new StaticArray<f32>(N);
    const Zi = new StaticArray<f32>(N);
    Zr[0] = 8;
    Zi[0] = 8;
    const twr = new StaticArray<f32>(N / 2 + 4);
    const twi = new StaticArray<f32>(N / 2 + 4);
    // G[k] = -i W^k / 2, W = exp(-2 pi i / 16)
    for (let k = 0; k <= N / 2; k++) {
      twr[k] = <f32>(-0.5 * Math.sin((2 * Math.PI * <f64>k) / 16));
      twi[k] = <f32>(-0.5 * Math.cos((2 * Math.PI * <f64>k) / 16));
    }
    const Xr = new StaticArray<f32>(N + 1);
    const Xi = new StaticArray<f32>(N + 1);
    postProcess(ptr(Zr), ptr(Zi), ptr(Xr), ptr(Xi), ptr(twr), ptr(twi), N);
    expect(Xr[0]).toBe(<f32>16);
    for (let k = 1; k <= N; k++) {
      expect(Mathf.abs(Xr[k])).toBeLessThan(1e-6);
      expect(Mathf.abs(Xi[k])).toBeLessThan(1e-6);
    }
  });
});
