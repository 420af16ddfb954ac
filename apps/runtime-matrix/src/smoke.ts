// The same small check in every runtime: load the kernels (inline wasm, or the Module/bytes the
// host passes), run one golden case (fft.json fft_L100: the complex DFT of a length-100 signal)
// and compare with the float64 reference.
import { relErrorComplex } from "@s4wasm/golden";
import { loadKernels, type WasmSource } from "@s4wasm/kernels";

/** The golden case as the build script extracts it (inputs.xc, outputs.fft_xc / ifft_xc). */
export interface SmokeCase {
  name: string;
  xc: { re: number[]; im: number[] };
  fft_xc: { re: number[]; im: number[] };
  ifft_xc: { re: number[]; im: number[] };
}

export interface SmokeResult {
  case: string;
  backend: string;
  relErr: number;
  ok: boolean;
}

export async function smoke(golden: SmokeCase, source?: WasmSource): Promise<SmokeResult> {
  const k = await loadKernels(source);
  const n = golden.xc.re.length;
  const plan = k.dft(n);
  const x = { re: Float32Array.from(golden.xc.re), im: Float32Array.from(golden.xc.im) };
  const X = plan.forward(x);
  const back = plan.inverse(x);
  const relErr = Math.max(
    relErrorComplex(X.re, X.im, golden.fft_xc.re, golden.fft_xc.im),
    relErrorComplex(back.re, back.im, golden.ifft_xc.re, golden.ifft_xc.im),
  );
  plan.dispose();
  return { case: golden.name, backend: k.backend, relErr, ok: k.backend === "wasm" && relErr <= 1e-4 };
}
