// StepPlan.runBlockPointers: one frame of the S4 block tail (SSM + D u -> GELU -> Linear -> GLU)
// at pointer level. The S4D step runs it as one wasm call (stepBlockScaled), other steps chain
// the kernels; either way it must equal the chained plan calls bit for bit, states included.
import { describe, expect, it } from "vitest";
import {
  type Complex,
  type Kernels,
  loadKernels,
  S4ShapeError,
  S4StateError,
  type SSMState,
  type StepLinearPlan,
  type StepPlan,
} from "../src/index.js";
import { kernelsFor, randomArray, rng } from "./helpers.js";

const rand = rng(73);
const cplx = (n: number): Complex => ({ re: randomArray(n, rand), im: randomArray(n, rand) });
const stable = (n: number): Complex => {
  const r = Float64Array.from({ length: n }, () => 0.5 + 0.45 * rand());
  const th = Float64Array.from({ length: n }, () => 2 * Math.PI * rand());
  return { re: r.map((v, i) => v * Math.cos(th[i])), im: r.map((v, i) => v * Math.sin(th[i])) };
};

type Make = (k: Kernels, B: number, G: number) => StepPlan;
const diag =
  (M: number, zeroInC = false): Make =>
  (k, B, G) => {
    const C = cplx(G * M);
    if (zeroInC) C.re[1] = C.im[1] = 0; // a zero in C keeps the planes kernel (no scaled state)
    return k
      .diagStep({ batch: B, channels: G, modes: M })
      .setParams({ dA: stable(G * M), dB: cplx(G * M), C, D: randomArray(G, rand) });
  };
const dense: Make = (k, B, G) => {
  const S = 4;
  const d = stable(G * S);
  const dA = { re: new Float64Array(G * S * S), im: new Float64Array(G * S * S) };
  for (let i = 0; i < G * S; i++) {
    dA.re[i * S + (i % S)] = d.re[i];
    dA.im[i * S + (i % S)] = d.im[i];
  }
  return k
    .denseStep({ batch: B, channels: G, size: S })
    .setParams({ dA, dB: cplx(G * S), C: cplx(G * S), D: randomArray(G, rand) });
};

/** The chain runBlockPointers replaces: runPointers, gelu, stepLinear (per frame), glu. */
function chained(k: Kernels, plan: StepPlan, st: SSMState, io: number, z: number, lin: StepLinearPlan): void {
  const { batch: B, channels: G } = plan;
  const H = lin.outFeatures / 2;
  plan.runPointers(st, io, io, 1);
  k.gelu().applyPtr(io, io, B * G);
  for (let b = 0; b < B; b++) lin.applyPtr(io + 4 * b * G, z + 8 * b * H);
  k.glu({ channels: H }).applyPtr(z, z, B, 1);
}

describe("StepPlan.runBlockPointers (wasm)", () => {
  it.each([
    ["S4D diagonal, scaled state (one wasm call)", diag(8), 1, 16, 12],
    ["S4D diagonal, batch 3, channels != H", diag(4), 3, 10, 7],
    ["diagonal, planes kernel (a zero in C)", diag(8, true), 2, 6, 6],
    ["diagonal, modes not a multiple of 4", diag(3), 2, 5, 5],
    ["dense", dense, 2, 6, 9],
  ] as const)("%s equals the chained plan calls bit for bit", async (_name, make, B, G, H) => {
    const k = await kernelsFor("wasm");
    const plan = make(k, B, G);
    const W = randomArray(2 * H * G, rand).map((v) => v / Math.sqrt(G));
    const lin = k.stepLinear({ inFeatures: G, outFeatures: 2 * H, weight: W, bias: randomArray(2 * H, rand) });
    const [s1, s2] = [plan.createState(), plan.createState()];
    const ws = k.workspace();
    const [io1, io2] = [ws.f32(B * G), ws.f32(B * G)];
    const [z1, z2] = [ws.f32(2 * B * H), ws.f32(2 * B * H)];
    for (let t = 0; t < 40; t++) {
      const u = Float32Array.from(randomArray(B * G, rand));
      io1.view.set(u);
      io2.view.set(u);
      plan.runBlockPointers(s1, io1.ptr, z1.ptr, lin);
      chained(k, plan, s2, io2.ptr, z2.ptr, lin);
      expect(Array.from(z1.view.subarray(0, B * H))).toEqual(Array.from(z2.view.subarray(0, B * H)));
      expect(Array.from(io1.view)).toEqual(Array.from(io2.view)); // GELU(SSM(u)) stays in io
    }
    const [a, b] = [s1.read(), s2.read()];
    expect(Array.from(a.re)).toEqual(Array.from(b.re));
    expect(Array.from(a.im)).toEqual(Array.from(b.im));
    ws.dispose();
    lin.dispose();
    plan.dispose();
  });

  it("counts its frames for the silence flush: no subnormal state after 2000 silent frames", async () => {
    const k = await kernelsFor("wasm");
    const [B, G, M, H] = [1, 4, 8, 4];
    // |dA| spread over [0.9, 0.99]: without the flush some entries would be subnormal by now
    const r = Float64Array.from({ length: G * M }, (_, i) => 0.9 + (0.09 * i) / (G * M - 1));
    const dA = { re: r.map((v, i) => v * Math.cos(i)), im: r.map((v, i) => v * Math.sin(i)) };
    const plan = k.diagStep({ batch: B, channels: G, modes: M }).setParams({ dA, dB: cplx(G * M), C: cplx(G * M) });
    const lin = k.stepLinear({ inFeatures: G, outFeatures: 2 * H, weight: randomArray(2 * H * G, rand) });
    const st = plan.createState();
    const ws = k.workspace();
    const [io, z] = [ws.f32(B * G), ws.f32(2 * B * H)];
    io.view.fill(1);
    plan.runBlockPointers(st, io.ptr, z.ptr, lin);
    for (let t = 0; t < 2000; t++) {
      io.view.fill(0);
      plan.runBlockPointers(st, io.ptr, z.ptr, lin);
    }
    const p = st.planes();
    expect([...p.re, ...p.im].filter((v) => v !== 0 && Math.abs(v) < 2 ** -126)).toEqual([]);
    ws.dispose();
    lin.dispose();
    plan.dispose();
  });

  it("refuses a Linear of the wrong shape, of another instance or backend, a disposed one, and the JS backend", async () => {
    const k = await kernelsFor("wasm");
    const plan = diag(4)(k, 1, 6);
    const st = plan.createState();
    const ws = k.workspace();
    const [io, z] = [ws.f32(6), ws.f32(12)];
    const lin = (kk: Kernels, inF: number, outF: number) =>
      kk.stepLinear({ inFeatures: inF, outFeatures: outF, weight: new Float64Array(inF * outF) });
    expect(() => plan.runBlockPointers(st, io.ptr, z.ptr, lin(k, 5, 12))).toThrow(S4ShapeError);
    expect(() => plan.runBlockPointers(st, io.ptr, z.ptr, lin(k, 5, 12))).toThrow(
      /^diagStep\.runBlockPointers\(linear\): expected a stepLinear with inFeatures = channels = 6 and an even outFeatures \(2H\), got inFeatures 5, outFeatures 12$/,
    );
    expect(() => plan.runBlockPointers(st, io.ptr, z.ptr, lin(k, 6, 11))).toThrow(/got inFeatures 6, outFeatures 11$/);
    const other = await loadKernels({ backend: "wasm" });
    expect(() => plan.runBlockPointers(st, io.ptr, z.ptr, lin(other, 6, 12))).toThrow(
      /^diagStep\.runBlockPointers\(linear\): expected a stepLinear plan of the same kernels instance \(wasm\), got one of another instance$/,
    );
    const js = await kernelsFor("js");
    expect(() => plan.runBlockPointers(st, io.ptr, z.ptr, lin(js, 6, 12))).toThrow(S4StateError);
    expect(() => plan.runBlockPointers(st, io.ptr, z.ptr, lin(js, 6, 12))).toThrow(/got one of the JS backend$/);
    const gone = lin(k, 6, 12);
    gone.dispose();
    expect(() => plan.runBlockPointers(st, io.ptr, z.ptr, gone)).toThrow(S4StateError);
    const jsPlan = diag(4)(js, 1, 6);
    expect(() => jsPlan.runBlockPointers(jsPlan.createState(), 0, 0, lin(js, 6, 12))).toThrow(
      /^diagStep\.runBlockPointers: the JS backend has no wasm memory$/,
    );
    const unset = k.diagStep({ batch: 1, channels: 6, modes: 4 });
    expect(() => unset.runBlockPointers(unset.createState(), io.ptr, z.ptr, lin(k, 6, 12))).toThrow(/call setParams\(\)/);
    // a refused call leaves the state as it was
    expect(Array.from(st.read().re).every((v) => v === 0)).toBe(true);
    other.dispose();
    ws.dispose();
    plan.dispose();
  });
});
