// Writes FFT plans (src/js/fft-plan.ts, float64) into wasm memory as the descriptors that
// assembly/fft.ts and assembly/rfft.ts read: i32 words of sizes and byte pointers, f32 twiddle
// tables rounded once from float64, Bluestein chirp spectra, and the scratch planes. Everything
// is allocated here, once per plan; the kernels never allocate.
import type { ComplexFFTPlan } from "../js/fft-plan.js";
import { planComplexFFT } from "../js/fft-plan.js";
import type { Workspace } from "../memory/workspace.js";

/**
 * A scratch plane of n f32, padded by a different multiple of 144 bytes each time: planes of a
 * power-of-two size would otherwise sit a multiple of 4 KiB apart, and loads then falsely wait on
 * stores to addresses 4 KiB away (4K aliasing), which costs up to a third in the split passes.
 */
let stagger = 0;
function plane(ws: Workspace, n: number): number {
  stagger = (stagger + 1) % 7;
  return ws.f32(n + 36 * (stagger + 1)).ptr;
}

/**
 * True when `rows` transforms of length n are worth splitting across the kernels' threads (one
 * descriptor each): at least 2 rows and 2^15 samples, ~0.1 ms of work, where a round trip to a
 * worker costs ~1 us and waking a sleeping one tens.
 */
export function splitsRows(rows: number, n: number): boolean {
  return rows > 1 && rows * n >= 2 ** 15;
}

/** Words to write into one descriptor buffer after every allocation is done. */
interface Pending {
  ptr: number;
  words: number[];
}

function f32Table(ws: Workspace, values: Float64Array, minLength = 4): number {
  const buf = ws.f32(Math.max(values.length + 4, minLength));
  buf.view.set(values);
  return buf.ptr;
}

function layoutComplexInto(ws: Workspace, plan: ComplexFFTPlan, pending: Pending[]): number {
  const n = plan.n;
  const bs = plan.bluestein;
  if (bs) {
    const inner = layoutComplexInto(ws, bs.inner, pending);
    const desc = ws.f32(12);
    const words = [
      n,
      -1,
      inner,
      bs.M,
      f32Table(ws, bs.chirpRe),
      f32Table(ws, bs.chirpIm),
      f32Table(ws, bs.specFwdRe),
      f32Table(ws, bs.specFwdIm),
      f32Table(ws, bs.specInvRe),
      f32Table(ws, bs.specInvIm),
      plane(ws, bs.M),
      plane(ws, bs.M),
    ];
    pending.push({ ptr: desc.ptr, words });
    return desc.ptr;
  }
  const S = plan.stages.length;
  const desc = ws.f32(8 + 8 * S);
  const words = [n, S, plane(ws, n), plane(ws, n), plane(ws, n), plane(ws, n), 0, 0];
  for (const st of plan.stages) words.push(st.radix, st.s, st.m, f32Table(ws, st.twRe), f32Table(ws, st.twIm), 0, 0, 0);
  pending.push({ ptr: desc.ptr, words });
  return desc.ptr;
}

function flush(memory: WebAssembly.Memory, pending: Pending[]): void {
  for (const p of pending) new Int32Array(memory.buffer, p.ptr, p.words.length).set(p.words);
}

/** Descriptor of a complex FFT plan of length n (assembly/fft.ts). Returns its byte pointer. */
export function layoutComplexFFT(ws: Workspace, memory: WebAssembly.Memory, plan: ComplexFFTPlan): number {
  const pending: Pending[] = [];
  const ptr = layoutComplexInto(ws, plan, pending);
  flush(memory, pending);
  return ptr;
}

/** Descriptor of a real FFT of length n (assembly/rfft.ts). Returns its byte pointer. */
export function layoutRealFFT(ws: Workspace, memory: WebAssembly.Memory, n: number): number {
  const half = n % 2 === 0;
  const N = half ? n / 2 : n;
  const pending: Pending[] = [];
  const core = layoutComplexInto(ws, planComplexFFT(N), pending);
  const nt = (N >> 1) + 1;
  const twRe = new Float64Array(nt);
  const twIm = new Float64Array(nt);
  for (let k = 0; k < nt; k++) {
    const a = (2 * Math.PI * k) / n;
    twRe[k] = Math.cos(a);
    twIm[k] = -Math.sin(a);
  }
  // G = -i W / 2 for the post-processing pass
  const gRe = twIm.map((v) => 0.5 * v);
  const gIm = twRe.map((v) => -0.5 * v);
  const desc = ws.f32(10);
  const words = [
    n,
    core,
    f32Table(ws, twRe),
    f32Table(ws, twIm),
    plane(ws, N),
    plane(ws, N),
    plane(ws, N),
    plane(ws, N),
    f32Table(ws, gRe),
    f32Table(ws, gIm),
  ];
  pending.push({ ptr: desc.ptr, words });
  flush(memory, pending);
  return desc.ptr;
}
