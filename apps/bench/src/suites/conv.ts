// Suite `conv`: the S4 FFT convolution y = irfft(rfft(u, 2L) * rfft(K, 2L))[:L] + D u over
// H channels, batch B = 1, with the kernel's spectrum computed once beforehand (inference):
// two real FFTs of 2L per channel for every contender.
//   s4wasm-wasm   k.fftConv + setKernel, applyPtr on u / y already in wasm memory (no copies)
//   s4wasm-js     the float64 twin through fftConv.apply (into `out`)
//   pffft-simd    per channel: real unordered forward transform, zconvolve_accumulate with the
//                 kept spectrum, backward transform, + D u (data in pffft's memory)
//   fft.js        per channel: realTransform + completeSpectrum, complex multiply, inverseTransform
import { js, type Kernels } from "@s4wasm/kernels";
import FFTJS from "fft.js";
import { kernelsOf, loadPffft } from "./fft-peers.js";
import type { Contender, Suite, SuiteCase } from "./types.js";

interface ConvData {
  H: number;
  L: number;
  u: Float64Array;
  K: Float64Array;
  D: Float64Array;
}

function data(H: number, L: number): ConvData {
  const u = new Float64Array(H * L);
  const K = new Float64Array(H * L);
  const D = new Float64Array(H);
  for (let h = 0; h < H; h++) {
    D[h] = 0.5 + 0.01 * h;
    for (let l = 0; l < L; l++) {
      u[h * L + l] = Math.sin(0.013 * l * (1 + (h % 7))) + 0.1 * Math.cos(0.7 * l);
      K[h * L + l] = Math.exp(-l / (20 + 4 * h)) * Math.cos(0.05 * l * (1 + (h % 5)));
    }
  }
  return { H, L, u, K, D };
}

function reference(d: ConvData): Float64Array {
  const t = js.fftConvTwin(d.H, d.L);
  js.fftConvSetKernel(t, d.K, false);
  const y = new Float64Array(d.H * d.L);
  js.fftConvApply(t, d.u, d.D, y, 1);
  return y;
}

function s4wasm(k: Kernels, d: ConvData): Contender {
  const { H, L } = d;
  const conv = k.fftConv({ channels: H, length: L });
  conv.setKernel(Float32Array.from(d.K));
  const ws = k.workspace();
  const u = ws.f32(H * L);
  const y = ws.f32(H * L);
  const D = ws.f32(H);
  u.view.set(d.u);
  D.view.set(d.D);
  return {
    name: "s4wasm-wasm",
    run: () => conv.applyPtr(u.ptr, y.ptr, 1, D.ptr),
    output: () => Float64Array.from(y.view),
    dispose: () => (conv.dispose(), ws.dispose()),
  };
}

function s4js(k: Kernels, d: ConvData): Contender {
  const conv = k.fftConv({ channels: d.H, length: d.L });
  conv.setKernel(d.K);
  const out = new Float64Array(d.H * d.L);
  return {
    name: "s4wasm-js",
    run: () => conv.apply(d.u, { D: d.D }, out),
    output: () => out,
    dispose: () => conv.dispose(),
  };
}

async function pffft(d: ConvData): Promise<Contender | null> {
  const { H, L } = d;
  const n = 2 * L;
  const m = await loadPffft();
  if (!m) return null;
  const setup = m._pffft_new_setup(n, 0);
  const alloc = (floats: number) => m._pffft_aligned_malloc(4 * floats);
  const spec = alloc(H * n);
  const u = alloc(H * L);
  const y = alloc(H * L);
  const inp = alloc(n);
  const fu = alloc(n);
  const acc = alloc(n);
  const out = alloc(n);
  const work = alloc(n);
  let h32 = m.HEAPF32;
  h32.set(Float32Array.from(d.u), u >> 2);
  // Kernel spectra, kept (unordered, as zconvolve wants them).
  for (let h = 0; h < H; h++) {
    h32 = m.HEAPF32;
    h32.fill(0, inp >> 2, (inp >> 2) + n);
    h32.set(Float32Array.from(d.K.subarray(h * L, (h + 1) * L)), inp >> 2);
    m._pffft_transform(setup, inp, spec + 4 * h * n, work, 0);
  }
  const D = Float32Array.from(d.D);
  m.HEAPF32.fill(0, inp >> 2, (inp >> 2) + n);
  const run = () => {
    const hp = m.HEAPF32;
    for (let h = 0; h < H; h++) {
      const uo = (u >> 2) + h * L;
      hp.copyWithin(inp >> 2, uo, uo + L); // the upper L stay zero
      m._pffft_transform(setup, inp, fu, work, 0);
      hp.fill(0, acc >> 2, (acc >> 2) + n);
      m._pffft_zconvolve_accumulate(setup, fu, spec + 4 * h * n, acc, 1 / n);
      m._pffft_transform(setup, acc, out, work, 1);
      const yo = (y >> 2) + h * L;
      const oo = out >> 2;
      const dh = D[h];
      for (let t = 0; t < L; t++) hp[yo + t] = hp[oo + t] + dh * hp[uo + t];
    }
  };
  return {
    name: "pffft-simd",
    run,
    output: () => Float64Array.from(m.HEAPF32.subarray(y >> 2, (y >> 2) + H * L)),
    dispose: () => {
      for (const p of [spec, u, y, inp, fu, acc, out, work]) m._pffft_aligned_free(p);
      m._pffft_destroy_setup(setup);
    },
  };
}

function fftjs(d: ConvData): Contender {
  const { H, L } = d;
  const n = 2 * L;
  const f = new FFTJS(n);
  const spec: number[][] = [];
  const inp = new Array<number>(n).fill(0);
  for (let h = 0; h < H; h++) {
    const s = f.createComplexArray();
    for (let t = 0; t < L; t++) inp[t] = d.K[h * L + t];
    f.realTransform(s, inp);
    f.completeSpectrum(s);
    spec.push(s);
  }
  const X = f.createComplexArray();
  const res = f.createComplexArray();
  const y = new Float64Array(H * L);
  const run = () => {
    for (let h = 0; h < H; h++) {
      for (let t = 0; t < L; t++) inp[t] = d.u[h * L + t];
      for (let t = L; t < n; t++) inp[t] = 0;
      f.realTransform(X, inp);
      f.completeSpectrum(X);
      const s = spec[h];
      for (let k = 0; k < n; k++) {
        const ar = X[2 * k];
        const ai = X[2 * k + 1];
        X[2 * k] = ar * s[2 * k] - ai * s[2 * k + 1];
        X[2 * k + 1] = ar * s[2 * k + 1] + ai * s[2 * k];
      }
      f.inverseTransform(res, X);
      const dh = d.D[h];
      for (let t = 0; t < L; t++) y[h * L + t] = res[2 * t] + dh * d.u[h * L + t];
    }
  };
  return { name: "fft.js", run, output: () => y };
}

export const convSuite: Suite = {
  name: "conv",
  description:
    "S4 FFT convolution (n = 2L, B = 1, H channels) with the kernel spectrum kept: y = irfft(rfft(u)*S)[:L] + D u; two real FFTs per channel",
  cases({ quick, sizes, full }) {
    const H = quick ? 8 : 256;
    const Ls = sizes ?? (quick ? [64, 100] : full ? [1024, 4096, 16384] : [1024, 4096]);
    return Ls.map((L): SuiteCase => {
      let d: ConvData | null = null;
      const get = () => {
        d ??= data(H, L);
        return d;
      };
      return {
        params: { H, L, B: 1 },
        // two real FFTs of 2L per channel, counted as 2.5 n log2 n each
        flops: H * 2 * 2.5 * 2 * L * Math.log2(2 * L),
        reference: () => reference(get()),
        contenders: async () => {
          const dd = get();
          const list: Contender[] = [s4wasm(await kernelsOf("wasm"), dd), s4js(await kernelsOf("js"), dd)];
          const pf = (2 * L) % 32 === 0 && js.factorize(2 * L) ? await pffft(dd) : null;
          if (pf) list.push(pf);
          if (((2 * L) & (2 * L - 1)) === 0) list.push(fftjs(dd));
          return list;
        },
      };
    });
  },
};
