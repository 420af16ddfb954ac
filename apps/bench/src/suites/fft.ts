// Suite `fft`: one forward transform of length n, complex and real, side by side:
//   s4wasm-wasm   k.fft / k.rfft plans, data already in wasm memory (runPtr / forwardPtr: no copies)
//   s4wasm-js     the float64 TypeScript twin through the public plan API (into `out`)
//   fft.js        radix-4 JS (transform / realTransform), interleaved complex
//   pffft-simd    @echogarden/pffft-wasm SIMD build, ordered and unordered output (data in its memory)
//   kissfft-wasm  KissFFT compiled to wasm (data in its memory)
//   webfft        the webfft meta-library (complex only, powers of two 4..131072), two of its
//                 sub-libraries: its default indutny JS and its kissfft wasm build
// pffft supports only n = 2^a 3^b 5^c with n % 16 == 0 (complex) / n % 32 == 0 (real); fft.js
// only powers of two: those contenders are left out of other sizes. Unordered pffft output is
// not in natural order and is not validated. GFLOP/s use 5 n log2 n (complex) and
// 2.5 n log2 n (real) per transform.
import { js, type Kernels } from "@s4wasm/kernels";
import FFTJS from "fft.js";
import WebFFT from "webfft";
import { kernelsOf, loadKiss, loadPffft } from "./fft-peers.js";
import type { Contender, Suite, SuiteCase } from "./types.js";

type Kind = "complex" | "real";

function signal(n: number): { re: Float64Array; im: Float64Array } {
  const re = new Float64Array(n);
  const im = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    re[i] = Math.sin(0.37 * i) + 0.25 * Math.cos(1.3 * i);
    im[i] = Math.cos(0.11 * i) - 0.5 * Math.sin(2.1 * i);
  }
  return { re, im };
}

const isPow2 = (n: number) => (n & (n - 1)) === 0;

/** Expected output, interleaved: all n bins (complex) or the n/2+1 bins of rfft (real). */
function reference(n: number, kind: Kind): Float64Array {
  const x = signal(n);
  if (kind === "complex") {
    const t = js.fftTwin(n);
    const o = { re: new Float64Array(n), im: new Float64Array(n) };
    js.fft(t, x.re, x.im, o.re, o.im, 1, false);
    return interleave(o.re, o.im, n);
  }
  const t = js.rfftTwin(n);
  const nb = (n >> 1) + 1;
  const o = { re: new Float64Array(nb), im: new Float64Array(nb) };
  js.rfft(t, x.re, n, o.re, o.im, 1);
  return interleave(o.re, o.im, nb);
}

function interleave(re: ArrayLike<number>, im: ArrayLike<number>, count: number): Float64Array {
  const o = new Float64Array(2 * count);
  for (let i = 0; i < count; i++) {
    o[2 * i] = re[i];
    o[2 * i + 1] = im[i];
  }
  return o;
}

function s4wasm(k: Kernels, n: number, kind: Kind): Contender {
  const x = signal(n);
  const ws = k.workspace();
  const xr = ws.f32(n);
  const xi = ws.f32(n);
  const or = ws.f32(n);
  const oi = ws.f32(n);
  xr.view.set(x.re);
  xi.view.set(x.im);
  if (kind === "complex") {
    const p = k.fft(n);
    return {
      name: "s4wasm-wasm",
      run: () => p.runPtr(xr.ptr, xi.ptr, or.ptr, oi.ptr, 1, false, 1),
      output: () => interleave(or.view, oi.view, n),
      dispose: () => (p.dispose(), ws.dispose()),
    };
  }
  const p = k.rfft(n);
  return {
    name: "s4wasm-wasm",
    run: () => p.forwardPtr(xr.ptr, or.ptr, oi.ptr, 1),
    output: () => interleave(or.view, oi.view, (n >> 1) + 1),
    dispose: () => (p.dispose(), ws.dispose()),
  };
}

function s4js(k: Kernels, n: number, kind: Kind): Contender {
  const x = signal(n);
  if (kind === "complex") {
    const p = k.fft(n);
    const o = { re: new Float64Array(n), im: new Float64Array(n) };
    return {
      name: "s4wasm-js",
      run: () => p.forward(x, o),
      output: () => interleave(o.re, o.im, n),
      dispose: () => p.dispose(),
    };
  }
  const p = k.rfft(n);
  const nb = (n >> 1) + 1;
  const o = { re: new Float64Array(nb), im: new Float64Array(nb) };
  return {
    name: "s4wasm-js",
    run: () => p.forward(x.re, o),
    output: () => interleave(o.re, o.im, nb),
    dispose: () => p.dispose(),
  };
}

function fftjs(n: number, kind: Kind): Contender {
  const x = signal(n);
  const f = new FFTJS(n);
  const out = f.createComplexArray() as number[];
  if (kind === "complex") {
    const data = f.createComplexArray() as number[];
    for (let i = 0; i < n; i++) (data[2 * i] = x.re[i]), (data[2 * i + 1] = x.im[i]);
    return { name: "fft.js", run: () => f.transform(out, data), output: () => out.slice(0, 2 * n) };
  }
  const input = Array.from(x.re);
  // realTransform fills the first half of the spectrum (what rfft returns).
  return { name: "fft.js", run: () => f.realTransform(out, input), output: () => out.slice(0, 2 * ((n >> 1) + 1)) };
}

/** webfft: interleaved complex in, interleaved complex out (a fresh array per call, its API). */
function webfft(n: number, subLibrary: "indutnyJavascript" | "kissWasm"): Contender | null {
  if (!isPow2(n) || n < 4 || n > 131072) return null;
  const x = signal(n);
  const f = new WebFFT(n, subLibrary, false);
  const data = new Float32Array(2 * n);
  for (let i = 0; i < n; i++) (data[2 * i] = x.re[i]), (data[2 * i + 1] = x.im[i]);
  let out: Float32Array = new Float32Array(0);
  return {
    name: subLibrary === "kissWasm" ? "webfft-kissWasm" : "webfft",
    run: () => {
      out = f.fft(data);
    },
    output: () => out,
    dispose: () => f.dispose(),
  };
}

async function pffft(n: number, kind: Kind, ordered: boolean): Promise<Contender | null> {
  if (n % (kind === "complex" ? 16 : 32) !== 0 || js.factorize(n) === null) return null;
  const m = await loadPffft();
  if (!m) return null;
  const setup = m._pffft_new_setup(n, kind === "complex" ? 1 : 0);
  const floats = kind === "complex" ? 2 * n : n;
  const inp = m._pffft_aligned_malloc(4 * floats);
  const out = m._pffft_aligned_malloc(4 * floats);
  const work = m._pffft_aligned_malloc(4 * floats);
  const x = signal(n);
  const h = m.HEAPF32;
  for (let i = 0; i < n; i++) {
    if (kind === "complex") (h[(inp >> 2) + 2 * i] = x.re[i]), (h[(inp >> 2) + 2 * i + 1] = x.im[i]);
    else h[(inp >> 2) + i] = x.re[i];
  }
  const name = `pffft-simd-${ordered ? "ordered" : "unordered"}`;
  const dispose = () => {
    m._pffft_aligned_free(inp);
    m._pffft_aligned_free(out);
    m._pffft_aligned_free(work);
    m._pffft_destroy_setup(setup);
  };
  if (!ordered) {
    return {
      name,
      run: () => m._pffft_transform(setup, inp, out, work, 0),
      validationNote: "unordered (internal) output order: not comparable",
      dispose,
    };
  }
  const output = () => {
    const o = m.HEAPF32.subarray(out >> 2, (out >> 2) + floats);
    if (kind === "complex") return Float64Array.from(o);
    // ordered real layout: [X0, X(n/2), Re X1, Im X1, ...]
    const nb = (n >> 1) + 1;
    const r = new Float64Array(2 * nb);
    r[0] = o[0];
    r[2 * (nb - 1)] = o[1];
    for (let k = 1; k < nb - 1; k++) (r[2 * k] = o[2 * k]), (r[2 * k + 1] = o[2 * k + 1]);
    return r;
  };
  return { name, run: () => m._pffft_transform_ordered(setup, inp, out, work, 0), output, dispose };
}

async function kissfft(n: number, kind: Kind): Promise<Contender | null> {
  if (kind === "real" && n % 2 !== 0) return null;
  const kiss = await loadKiss();
  if (!kiss) return null;
  const x = signal(n);
  // kissfft's real config wants an output of n complex slots (it fills the first n//2+1).
  const output = new kiss.ComplexArray(n);
  if (kind === "complex") {
    const input = new kiss.ComplexArray(n);
    const v = input.asFloat32Array();
    for (let i = 0; i < n; i++) (v[2 * i] = x.re[i]), (v[2 * i + 1] = x.im[i]);
    const cfg = new kiss.FFTConfig(n, false);
    return {
      name: "kissfft-wasm",
      run: () => cfg.work(input, output),
      output: () => Float64Array.from(output.asFloat32Array()),
      dispose: () => (cfg.free(), input.free(), output.free()),
    };
  }
  const input = new kiss.RealArray(n);
  input.asFloat32Array().set(x.re);
  const cfg = new kiss.RealFFTConfig(n);
  return {
    name: "kissfft-wasm",
    run: () => cfg.work(input, output),
    output: () => Float64Array.from(output.asFloat32Array().subarray(0, 2 * ((n >> 1) + 1))),
    dispose: () => (cfg.free(), input.free(), output.free()),
  };
}

export const fftSuite: Suite = {
  name: "fft",
  description:
    "one forward FFT of length n (complex: n points; real: rfft, n//2+1 bins), data already in each library's memory; GFLOP/s = 5 n log2 n (complex) or 2.5 n log2 n (real) per transform",
  cases({ quick, sizes, full }) {
    const pow = Array.from({ length: 13 }, (_, i) => 2 ** (i + 6));
    const ns = sizes ?? (quick ? [64, 1000] : full ? [...pow, 1000, 3000] : [256, 1024, 4096, 16384, 65536, 1000]);
    const cases: SuiteCase[] = [];
    for (const n of ns) {
      for (const kind of ["complex", "real"] as const) {
        cases.push({
          params: { n, kind },
          flops: (kind === "complex" ? 5 : 2.5) * n * Math.log2(n),
          reference: () => reference(n, kind),
          contenders: async () => {
            const list: (Contender | null)[] = [
              s4wasm(await kernelsOf("wasm"), n, kind),
              s4js(await kernelsOf("js"), n, kind),
              isPow2(n) && n >= 4 ? fftjs(n, kind) : null,
              await pffft(n, kind, false),
              await pffft(n, kind, true),
              await kissfft(n, kind),
              kind === "complex" ? webfft(n, "indutnyJavascript") : null,
              kind === "complex" ? webfft(n, "kissWasm") : null,
            ];
            return list.filter((c): c is Contender => c !== null);
          },
        });
      }
    }
    return cases;
  },
};
