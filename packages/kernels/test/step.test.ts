import { complexOf, realOf, relErrorComplex, relErrorReal } from "@s4wasm/golden";
import { readGolden } from "@s4wasm/golden/node";
import { describe, expect, it } from "vitest";
import {
  type Complex,
  type DenseStepPlan,
  type DiagStepPlan,
  type Kernels,
  S4ShapeError,
  S4StateError,
  S4ValueError,
} from "../src/index.js";
import { BACKENDS, kernelsFor, randomArray, rng, TOL } from "./helpers.js";

const golden = readGolden("recurrent_step");
const s4d = golden.cases.filter((c) => c.params.kind === "s4d");
const dense = golden.cases.filter((c) => c.params.kind === "dplr_dense");

/** y[b,h,t] = sum_{s<=t} K[h,s] u[b,h,t-s] + D[h] u[b,h,t]: the convolution, directly (O(L^2)). */
function directConv(
  u: ArrayLike<number>,
  K: ArrayLike<number>,
  D: ArrayLike<number>,
  B: number,
  H: number,
  L: number,
): Float64Array {
  const y = new Float64Array(B * H * L);
  for (let b = 0; b < B; b++)
    for (let h = 0; h < H; h++)
      for (let t = 0; t < L; t++) {
        let acc = D[h] * u[(b * H + h) * L + t];
        for (let s = 0; s <= t; s++) acc += K[h * L + s] * u[(b * H + h) * L + t - s];
        y[(b * H + h) * L + t] = acc;
      }
  return y;
}

function diagPlan(k: Kernels, c: (typeof s4d)[number], batch: number): DiagStepPlan {
  const dA = complexOf(c.outputs, "dA");
  const [H, M] = dA.shape;
  const cplx = (n: string): Complex => {
    const t = complexOf(c.outputs, n);
    return { re: t.re, im: t.im };
  };
  return k
    .diagStep({ batch, channels: H, modes: M })
    .setParams({ dA: cplx("dA"), dB: cplx("dB"), C: cplx("dC"), D: realOf(c.inputs, "D").data });
}

function densePlan(k: Kernels, c: (typeof dense)[number], batch: number): DenseStepPlan {
  const dB = complexOf(c.outputs, "dB");
  const [H, S] = dB.shape;
  const cplx = (n: string): Complex => {
    const t = complexOf(c.outputs, n);
    return { re: t.re, im: t.im };
  };
  return k
    .denseStep({ batch, channels: H, size: S })
    .setParams({ dA: cplx("dA"), dB: cplx("dB"), C: cplx("dC"), D: realOf(c.inputs, "D").data });
}

/** Column t of u (B, H, L) as a frame (B, H). */
function frame(u: ArrayLike<number>, BH: number, L: number, t: number, into: Float64Array): Float64Array {
  for (let i = 0; i < BH; i++) into[i] = u[i * L + t];
  return into;
}

describe.each(BACKENDS)("SSM step kernels (%s)", (backend) => {
  const cases = [...s4d.map((c) => [c.name, c, "diag"] as const), ...dense.map((c) => [c.name, c, "dense"] as const)];

  it.each(cases)("golden y and x_final, frame by frame and as one run: %s", async (_n, c, kind) => {
    const k = await kernelsFor(backend);
    const u = realOf(c.inputs, "u");
    const [B, H, L] = u.shape;
    const plan = kind === "diag" ? diagPlan(k, c, B) : densePlan(k, c, B);
    const yWant = realOf(c.outputs, "y").data;
    const xWant = complexOf(c.outputs, "x_final");
    // Frame by frame.
    const st = plan.createState();
    const y = new Float64Array(B * H * L);
    const f = new Float64Array(B * H);
    for (let t = 0; t < L; t++) {
      const yt = plan.step(frame(u.data, B * H, L, t, f), st);
      for (let i = 0; i < B * H; i++) y[i * L + t] = yt[i];
    }
    expect(relErrorReal(y, yWant)).toBeLessThanOrEqual(TOL[backend]);
    const x = st.read();
    expect(relErrorComplex(x.re, x.im, xWant.re, xWant.im)).toBeLessThanOrEqual(TOL[backend]);
    // The whole chunk in one call from a fresh state.
    st.reset();
    const yRun = plan.run(u.data, st);
    expect(relErrorReal(yRun, yWant)).toBeLessThanOrEqual(TOL[backend]);
    // Step == convolution with the golden kernel K (direct O(L^2) sum).
    const conv = directConv(u.data, realOf(c.outputs, "K").data, realOf(c.inputs, "D").data, B, H, L);
    expect(relErrorReal(yRun, conv)).toBeLessThanOrEqual(TOL[backend]);
    st.dispose();
    plan.dispose();
  });

  it.each(s4d.map((c) => [c.name, c] as const))("one step from a nonzero x0 (golden): %s", async (_n, c) => {
    const k = await kernelsFor(backend);
    const u = realOf(c.inputs, "u");
    const [B, H, L] = u.shape;
    const plan = diagPlan(k, c, B);
    const st = plan.createState();
    const x0 = complexOf(c.inputs, "x0_single_step");
    st.write({ re: x0.re, im: x0.im });
    const y1 = plan.step(frame(u.data, B * H, L, 0, new Float64Array(B * H)), st);
    expect(relErrorReal(y1, realOf(c.outputs, "y_single_step_from_x0").data)).toBeLessThanOrEqual(TOL[backend]);
    const x1 = st.read();
    const want = complexOf(c.outputs, "x1_single_step_from_x0");
    expect(relErrorComplex(x1.re, x1.im, want.re, want.im)).toBeLessThanOrEqual(TOL[backend]);
    plan.dispose();
  });

  it("chunked prefill + stream == one long run (random diagonal system, modes not a multiple of 4)", async () => {
    const k = await kernelsFor(backend);
    const rand = rng(3);
    const [B, H, M, L] = [2, 3, 7, 50];
    const mag = (n: number) => Float64Array.from({ length: n }, () => 0.6 + 0.39 * rand());
    const r = mag(H * M);
    const th = Float64Array.from({ length: H * M }, () => 2 * Math.PI * rand());
    const dA = { re: r.map((v, i) => v * Math.cos(th[i])), im: r.map((v, i) => v * Math.sin(th[i])) };
    const cplx = () => ({ re: randomArray(H * M, rand), im: randomArray(H * M, rand) });
    const plan = k
      .diagStep({ batch: B, channels: H, modes: M })
      .setParams({ dA, dB: cplx(), C: cplx(), D: randomArray(H, rand) });
    const u = randomArray(B * H * L, rand);
    const whole = plan.createState();
    const yWhole = plan.run(u, whole);
    // Prefill 3 chunks of different lengths, then stream the rest frame by frame.
    const st = plan.createState();
    const cut = [0, 11, 12, 30];
    const slice = (from: number, to: number) => {
      const n = to - from;
      const s = new Float64Array(B * H * n);
      for (let i = 0; i < B * H; i++) for (let t = 0; t < n; t++) s[i * n + t] = u[i * L + from + t];
      return s;
    };
    const y = new Float64Array(B * H * L);
    for (let c = 0; c + 1 < cut.length; c++) {
      const n = cut[c + 1] - cut[c];
      const yc = plan.run(slice(cut[c], cut[c + 1]), st);
      for (let i = 0; i < B * H; i++) for (let t = 0; t < n; t++) y[i * L + cut[c] + t] = yc[i * n + t];
    }
    const f = new Float64Array(B * H);
    const out = backend === "js" ? new Float64Array(B * H) : new Float32Array(B * H);
    for (let t = 30; t < L; t++) {
      expect(plan.step(frame(u, B * H, L, t, f), st, out)).toBe(out);
      for (let i = 0; i < B * H; i++) y[i * L + t] = out[i];
    }
    expect(relErrorReal(y, yWhole)).toBeLessThanOrEqual(backend === "js" ? 1e-12 : 1e-5);
    const a = st.read();
    const b = whole.read();
    expect(relErrorComplex(a.re, a.im, b.re, b.im)).toBeLessThanOrEqual(backend === "js" ? 1e-12 : 1e-5);
    plan.dispose();
  });

  it("refuses a result that overflows the backend's floats (huge D), by name, saying the state needs a reset", async () => {
    const k = await kernelsFor(backend);
    const plan = k.diagStep({ batch: 1, channels: 2, modes: 4 });
    const z = { re: new Float64Array(8), im: new Float64Array(8) };
    const dA = { re: new Float64Array(8).fill(0.5), im: new Float64Array(8) };
    // D u overflows float32 at |D| = 3e38, |u| = 2; float64 needs |D| = 1e308
    const big = backend === "js" ? 1e308 : 3e38;
    plan.setParams({ dA, dB: z, C: z, D: Float64Array.of(1, big) });
    const st = plan.createState();
    expect(Array.from(plan.step(Float64Array.of(2, 0.5), st))).toEqual([2, (backend === "js" ? big : Math.fround(big)) / 2]);
    const err = /diagStep\.step: expected finite values, got -?Infinity at index 1 of the result: .*overflowed.*reset\(\)/;
    expect(() => plan.step(Float64Array.of(2, 2), st)).toThrow(S4ValueError);
    expect(() => plan.step(Float64Array.of(2, 2), st)).toThrow(err);
    // (B, H, L) = (1, 2, 2): channel 1's first frame is index 2
    const kind = backend === "js" ? "float64" : "float32";
    expect(() => plan.run(Float64Array.of(1, 1, 2, 2), st)).toThrow(
      new RegExp(`diagStep\\.run: expected finite values, got .* at index 2 of the result: ${kind} arithmetic overflowed`),
    );
    plan.dispose();
  });

  it("validates: step before setParams, wrong state shape / kind, frame length, disposed state", async () => {
    const k = await kernelsFor(backend);
    const plan = k.diagStep({ batch: 1, channels: 2, modes: 4 });
    const st = plan.createState();
    expect(() => plan.step(new Float64Array(2), st)).toThrow(S4StateError);
    expect(() => plan.step(new Float64Array(2), st)).toThrow(/diagStep\.step: call setParams\(\) \(setupStep\) before stepping/);
    const z = { re: new Float64Array(8), im: new Float64Array(8) };
    expect(() => plan.setParams({ dA: { re: new Float64Array(7), im: new Float64Array(8) }, dB: z, C: z })).toThrow(
      /diagStep\.setParams\(dA\)\.re: expected length 8 \(channels\*modes\), got 7/,
    );
    const bad = { re: new Float64Array(8).fill(Number.NaN), im: new Float64Array(8) };
    expect(() => plan.setParams({ dA: bad, dB: z, C: z })).toThrow(S4ValueError);
    plan.setParams({ dA: z, dB: z, C: z });
    expect(() => plan.step(new Float64Array(3), st)).toThrow(/diagStep\.step\(u\): expected length 2 \(batch\*channels\), got 3/);
    expect(() => plan.run(new Float64Array(3), st)).toThrow(S4ShapeError);
    const other = k.diagStep({ batch: 2, channels: 2, modes: 4 });
    const wrong = other.createState();
    expect(() => plan.step(new Float64Array(2), wrong)).toThrow(S4ShapeError);
    expect(() => plan.step(new Float64Array(2), wrong)).toThrow(
      /expected shape \(1, 2, 4\) \(batch, channels, size\), got \(2, 2, 4\)/,
    );
    const dn = k.denseStep({ batch: 1, channels: 2, size: 4 });
    expect(() => plan.step(new Float64Array(2), dn.createState())).toThrow(S4StateError);
    expect(() => plan.step(new Float64Array(2), {} as never)).toThrow(S4StateError);
    expect(() => st.write({ re: new Float64Array(3), im: new Float64Array(8) })).toThrow(S4ShapeError);
    st.dispose();
    expect(() => plan.step(new Float64Array(2), st)).toThrow(/this state was disposed/);
    other.dispose();
    dn.dispose();
    plan.dispose();
    expect(() => plan.createState()).toThrow(S4StateError);
  });

  it("a million steps keep memory flat and stay finite (H=4, N=8)", async () => {
    const k = await kernelsFor(backend);
    const rand = rng(21);
    const [H, M] = [4, 4];
    // |dA| = 0.999: a slowly decaying, strongly driven system (the worst case for blow-up).
    const th = Float64Array.from({ length: H * M }, () => 2 * Math.PI * rand());
    const dA = { re: th.map((t) => 0.999 * Math.cos(t)), im: th.map((t) => 0.999 * Math.sin(t)) };
    const cplx = () => ({ re: randomArray(H * M, rand), im: randomArray(H * M, rand) });
    const plan = k
      .diagStep({ batch: 1, channels: H, modes: M })
      .setParams({ dA, dB: cplx(), C: cplx(), D: randomArray(H, rand) });
    const st = plan.createState();
    const f = new Float64Array(H);
    const out = backend === "js" ? new Float64Array(H) : new Float32Array(H);
    const steps = 1_000_000;
    const warm = 1000;
    for (let t = 0; t < warm; t++) plan.step(f.fill(Math.sin(t)), st, out);
    const before = k.memoryStats();
    let maxAbs = 0;
    for (let t = warm; t < steps; t++) {
      f[0] = Math.sin(0.01 * t);
      f[1] = t % 7 === 0 ? 1 : -0.5;
      f[2] = Math.cos(0.3 * t);
      f[3] = 1;
      plan.step(f, st, out);
      const a = Math.abs(out[0]) + Math.abs(out[1]) + Math.abs(out[2]) + Math.abs(out[3]);
      if (!(a <= maxAbs)) maxAbs = a; // NaN fails the comparison and is kept
    }
    const after = k.memoryStats();
    expect(Number.isFinite(maxAbs)).toBe(true);
    expect(after.liveBytes).toBe(before.liveBytes);
    expect(after.capacityBytes).toBe(before.capacityBytes);
    const x = st.read();
    expect(x.re.every(Number.isFinite) && x.im.every(Number.isFinite)).toBe(true);
    plan.dispose();
  });
});

describe.each(BACKENDS)("O(N) rank-1 DPLR step (%s)", (backend) => {
  it.each(dense.map((c) => [c.name, c] as const))(
    "equals the golden dense step (y, first half of x_final): %s",
    async (_n, c) => {
      const k = await kernelsFor(backend);
      const u = realOf(c.inputs, "u");
      const [B, H, L] = u.shape;
      const cplx = (n: string): Complex => {
        const t = complexOf(c.inputs, n);
        return { re: t.re, im: t.im };
      };
      const M = complexOf(c.inputs, "Lambda").shape[1];
      const dt = realOf(c.inputs, "log_dt").data.map(Math.exp);
      const plan = k.dplrStep({ batch: B, channels: H, modes: M });
      plan.setParams({ Lambda: cplx("Lambda"), P: cplx("P"), B: cplx("B"), C: cplx("C"), dt, D: realOf(c.inputs, "D").data });
      const st = plan.createState();
      const f = new Float64Array(B * H);
      const y = new Float64Array(B * H * L);
      for (let t = 0; t < L; t++) {
        const yt = plan.step(frame(u.data, B * H, L, t, f), st);
        for (let i = 0; i < B * H; i++) y[i * L + t] = yt[i];
      }
      expect(relErrorReal(y, realOf(c.outputs, "y").data)).toBeLessThanOrEqual(TOL[backend]);
      const xf = complexOf(c.outputs, "x_final");
      const half = { re: new Float64Array(B * H * M), im: new Float64Array(B * H * M) };
      for (let i = 0; i < B * H; i++)
        for (let m = 0; m < M; m++) (half.re[i * M + m] = xf.re[i * 2 * M + m]), (half.im[i * M + m] = xf.im[i * 2 * M + m]);
      const x = st.read();
      expect(relErrorComplex(x.re, x.im, half.re, half.im)).toBeLessThanOrEqual(TOL[backend]);
      // The chunk entry gives the same outputs.
      st.reset();
      expect(relErrorReal(plan.run(u.data, st), y)).toBeLessThanOrEqual(backend === "js" ? 1e-12 : 1e-5);
      plan.dispose();
    },
  );

  it("validates dt and shapes", async () => {
    const k = await kernelsFor(backend);
    const plan = k.dplrStep({ batch: 1, channels: 1, modes: 2 });
    const z = { re: new Float64Array(2), im: new Float64Array(2) };
    expect(() => plan.setParams({ Lambda: z, P: z, B: z, C: z, dt: new Float64Array([0]) })).toThrow(S4ValueError);
    expect(() =>
      plan.setParams({
        Lambda: z,
        P: z,
        B: z,
        C: { re: new Float64Array(3), im: new Float64Array(3) },
        dt: new Float64Array([1]),
      }),
    ).toThrow(/dplrStep\.setParams\(C\)\.re: expected length 2 \(channels\*modes\), got 3/);
    expect(() => plan.step(new Float64Array(1), plan.createState())).toThrow(S4StateError);
    plan.dispose();
  });
});

describe("wasm diagonal step: the scaled state (C . x) never shows", () => {
  // On wasm with modes % 4 == 0 the planes hold C . x; new parameters, another plan, read() and
  // write() must all see the official x, as the float64 twin (which keeps x itself) does.
  const [B, H, M] = [2, 5, 8];
  const rand = rng(41);
  const cplx = (scale = 1) => ({ re: randomArray(H * M, rand).map((v) => scale * v), im: randomArray(H * M, rand) });
  const stable = () => {
    const r = Float64Array.from({ length: H * M }, () => 0.5 + 0.45 * rand());
    const th = Float64Array.from({ length: H * M }, () => 2 * Math.PI * rand());
    return { re: r.map((v, i) => v * Math.cos(th[i])), im: r.map((v, i) => v * Math.sin(th[i])) };
  };
  const P1 = { dA: stable(), dB: cplx(), C: cplx(), D: randomArray(H, rand) };
  const P2 = { dA: stable(), dB: cplx(), C: cplx(3), D: randomArray(H, rand) };
  // a zero in C: the state cannot be scaled by it, so the planes kernel runs
  const P3 = {
    ...P2,
    C: {
      re: Float64Array.from(P2.C.re, (v, i) => (i === 3 ? 0 : v)),
      im: Float64Array.from(P2.C.im, (v, i) => (i === 3 ? 0 : v)),
    },
  };
  const chunk = (L: number) => randomArray(B * H * L, rand);

  it("parameters changed mid-stream (scaled -> scaled -> planes -> scaled) continue from the official state", async () => {
    const [w, j] = [await kernelsFor("wasm"), await kernelsFor("js")];
    const pw = w.diagStep({ batch: B, channels: H, modes: M });
    const pj = j.diagStep({ batch: B, channels: H, modes: M });
    const sw = pw.createState();
    const sj = pj.createState();
    for (const [P, L, scaled] of [
      [P1, 9, true],
      [P2, 7, true],
      [P3, 5, false],
      [P1, 6, true],
    ] as const) {
      pw.setParams(P);
      pj.setParams(P);
      const u = chunk(L);
      expect(relErrorReal(pw.run(Float32Array.from(u), sw), pj.run(u, sj))).toBeLessThanOrEqual(1e-5);
      expect(sw.scaledBy !== null).toBe(scaled);
      const a = sw.read();
      const b = sj.read();
      expect(relErrorComplex(a.re, a.im, b.re, b.im)).toBeLessThanOrEqual(1e-5);
    }
    pw.dispose();
    pj.dispose();
  });

  it("one state stepped by two plans in turn, and write() / read() in the official x", async () => {
    const [w, j] = [await kernelsFor("wasm"), await kernelsFor("js")];
    const plans = (k: Kernels) =>
      [P1, P2].map((P) => k.diagStep({ batch: B, channels: H, modes: M }).setParams(P)) as [DiagStepPlan, DiagStepPlan];
    const [w1, w2] = plans(w);
    const [j1, j2] = plans(j);
    const sw = w1.createState();
    const sj = j1.createState();
    const x = { re: randomArray(B * H * M, rand), im: randomArray(B * H * M, rand) };
    sw.write(x);
    sj.write(x);
    const u = chunk(12);
    const f = new Float64Array(B * H);
    for (let t = 0; t < 12; t++) {
      const [pw, pj] = t % 3 === 2 ? [w2, j2] : [w1, j1];
      frame(u, B * H, 12, t, f);
      expect(relErrorReal(pw.step(Float32Array.from(f), sw), pj.step(f, sj))).toBeLessThanOrEqual(1e-5);
    }
    const a = sw.read();
    const b = sj.read();
    expect(relErrorComplex(a.re, a.im, b.re, b.im)).toBeLessThanOrEqual(1e-5);
    // write() then read() on a scaled state gives x back to float32 rounding
    expect(sw.scaledBy).not.toBeNull();
    sw.write(x);
    const back = sw.read();
    expect(relErrorComplex(back.re, back.im, x.re, x.im)).toBeLessThanOrEqual(1e-6);
    for (const p of [w1, w2, j1, j2]) p.dispose();
  });

  it("snapshot() / restore(): a checkpoint continues the stream bit for bit, here or in another state", async () => {
    for (const k of [await kernelsFor("wasm"), await kernelsFor("js")]) {
      const plan = k.diagStep({ batch: B, channels: H, modes: M }).setParams(P2);
      const F = k.backend === "wasm" ? Float32Array : Float64Array;
      const st = plan.createState();
      plan.run(F.from(chunk(20)), st);
      expect(st.scaledBy !== null).toBe(k.backend === "wasm");
      const snap = st.snapshot();
      const u = F.from(chunk(15));
      const first = plan.run(u, st);
      plan.run(F.from(chunk(7)), st);
      st.restore(snap);
      expect(Array.from(plan.run(u, st)), k.backend).toEqual(Array.from(first));
      // into a second state: the stream forks exactly
      const other = plan.createState();
      other.restore(snap);
      expect(Array.from(plan.run(u, other))).toEqual(Array.from(first));
      // a plan with other parameters continues from the snapshot's state (as after setParams)
      const p1 = k.diagStep({ batch: B, channels: H, modes: M }).setParams(P1);
      other.restore(snap);
      const viaX = p1.createState();
      viaX.write(other.read());
      expect(relErrorReal(p1.run(u, other), p1.run(u, viaX))).toBeLessThanOrEqual(1e-6);
      // refused: another shape, kind or backend, or not a snapshot
      const small = k.diagStep({ batch: 1, channels: H, modes: M }).setParams(P2).createState();
      expect(() => small.restore(snap)).toThrow(S4ShapeError);
      expect(() => small.restore(snap)).toThrow(
        /state\.restore\(snapshot\): expected a snapshot of a \w+ "diag" state of 40 entries, got a \w+ "diag" one of 80/,
      );
      const otherBackend = (await kernelsFor(k.backend === "wasm" ? "js" : "wasm")).diagStep({ batch: B, channels: H, modes: M });
      expect(() => otherBackend.setParams(P2).createState().restore(snap)).toThrow(S4ShapeError);
      expect(() => st.restore({} as never)).toThrow(/state\.restore\(snapshot\): expected a StateSnapshot/);
      for (const p of [plan, p1, otherBackend]) p.dispose();
    }
  });

  it("a state beyond float32 range in the scaled form is refused by name and left as it was", async () => {
    const w = await kernelsFor("wasm");
    const big = { ...P1, C: { re: new Float64Array(H * M).fill(2 ** 30), im: new Float64Array(H * M) } };
    const plan = w.diagStep({ batch: B, channels: H, modes: M }).setParams(big);
    const st = plan.createState();
    const x = { re: new Float64Array(B * H * M).fill(1e38), im: new Float64Array(B * H * M) };
    st.write(x);
    expect(() => plan.step(new Float32Array(B * H), st)).toThrow(S4ValueError);
    expect(() => plan.step(new Float32Array(B * H), st)).toThrow(
      /diagStep\(state\): expected state entries within float32 range .* C \. x, got .* at entry 0$/,
    );
    expect(st.scaledBy).toBeNull();
    expect(Array.from(st.read().re)).toEqual(Array.from(Float32Array.from(x.re)));
    plan.dispose();
  });
});

describe("wasm step states in silence stay out of float32's subnormal range", () => {
  // After an impulse, zero input lets every entry decay geometrically; without the periodic
  // flushTiny pass the planes sat mostly subnormal for thousands of frames (slow on x86).
  const [B, H, M] = [1, 6, 8];
  const SUBNORMAL = 2 ** -126;
  const rand = rng(57);
  // |dA| spread evenly over [0.9, 0.99]: after FRAMES silent frames, |dA|^FRAMES runs from 0
  // through float32's subnormal range (|dA| ~ 0.950-0.957) to normal values (|dA| > 0.966 stay
  // above 2^-100), so without the flush some entries would be subnormal and some live
  const FRAMES = 2000;
  const stable = (n: number) => {
    const r = Float64Array.from({ length: n }, (_, i) => 0.9 + (0.09 * i) / (n - 1));
    const th = Float64Array.from({ length: n }, () => 2 * Math.PI * rand());
    return { re: r.map((v, i) => v * Math.cos(th[i])), im: r.map((v, i) => v * Math.sin(th[i])) };
  };
  const cplx = (n: number) => ({ re: randomArray(n, rand), im: randomArray(n, rand) });
  const subnormals = (p: Complex) => [...p.re, ...p.im].filter((v) => v !== 0 && Math.abs(v) < SUBNORMAL).length;

  const diag = (k: Kernels, zeroInC: boolean) => {
    const C = cplx(H * M);
    if (zeroInC) C.re[5] = C.im[5] = 0; // the planes kernel (a zero in C cannot scale the state)
    return k
      .diagStep({ batch: B, channels: H, modes: M })
      .setParams({ dA: stable(H * M), dB: cplx(H * M), C, D: randomArray(H, rand) });
  };
  const dense = (k: Kernels) => {
    // a stable dense dA: the diagonal of stable() plus a small coupling to the next entry
    const S = 4;
    const d = stable(H * S);
    const dA = { re: new Float64Array(H * S * S), im: new Float64Array(H * S * S) };
    for (let h = 0; h < H; h++)
      for (let i = 0; i < S; i++) {
        dA.re[(h * S + i) * S + i] = d.re[h * S + i];
        dA.im[(h * S + i) * S + i] = d.im[h * S + i];
        if (i + 1 < S) dA.re[(h * S + i) * S + i + 1] = 0.05;
      }
    return k
      .denseStep({ batch: B, channels: H, size: S })
      .setParams({ dA, dB: cplx(H * S), C: cplx(H * S), D: randomArray(H, rand) });
  };

  it.each([
    ["diagonal, scaled state", (k: Kernels) => diag(k, false)],
    ["diagonal, planes kernel", (k: Kernels) => diag(k, true)],
    ["dense", dense],
  ] as const)("%s: one frame at a time and in chunks of 7", async (_name, make) => {
    const w = await kernelsFor("wasm");
    const plan = make(w);
    const [byStep, byChunk] = [plan.createState(), plan.createState()];
    const impulse = new Float32Array(B * H).fill(1);
    plan.step(impulse, byStep);
    plan.step(impulse, byChunk);
    const silent = new Float32Array(B * H);
    const chunk = new Float32Array(B * H * 7);
    for (let t = 0; t < FRAMES; t++) plan.step(silent, byStep);
    for (let t = 0; t < FRAMES; t += 7) plan.run(chunk, byChunk);
    for (const st of [byStep, byChunk]) {
      const p = st.planes();
      expect(subnormals(p)).toBe(0);
      expect([...p.re, ...p.im].some((v) => v !== 0)).toBe(true); // not all flushed: slow modes live on
    }
    plan.dispose();
  });

  it.each([
    ["scaled state", 1],
    ["planes kernel", 0],
  ] as const)(
    "inside one long run too (%s): a decayed entry is flushed within 256 frames, not only after the chunk",
    async (_n, c) => {
      // one mode, |dA| = 0.97 after an impulse: x = 0.97^t falls below 2^-100 (7.9e-31) at t ~ 2290
      // and would turn subnormal at t ~ 2870; the in-run pass at t = 2303 zeroes it
      const one = (v: number) => ({ re: Float64Array.of(v), im: Float64Array.of(0) });
      const params = { dA: one(0.97), dB: one(1), C: one(c), D: new Float64Array(1) };
      const w = (await kernelsFor("wasm")).diagStep({ batch: 1, channels: 1, modes: 1 }).setParams(params);
      const st = w.createState();
      if (c === 0) {
        // C = 0 cannot scale the state (planes kernel); read the state's own decay instead of y
        st.write({ re: Float64Array.of(1), im: Float64Array.of(0) });
      } else w.step(Float64Array.of(1), st);
      const y = w.run(new Float64Array(3000), st);
      if (c === 1) {
        expect(y[2000]).toBeGreaterThan(0); // 2 x 0.97^2001 ~ 6e-27: live
        expect(y[2400]).toBe(0); // flushed at t = 2303, inside the run
      }
      expect(st.read().re[0]).toBe(0);
      w.dispose();
    },
  );

  it("inside one long run of the dense step too: a decayed entry is flushed within 256 frames", async () => {
    const one = (v: number) => ({ re: Float64Array.of(v), im: Float64Array.of(0) });
    const w = (await kernelsFor("wasm")).denseStep({ batch: 1, channels: 1, size: 1 });
    w.setParams({ dA: one(0.97), dB: one(1), C: one(1), D: new Float64Array(1) });
    const st = w.createState();
    w.step(Float64Array.of(1), st);
    const y = w.run(new Float64Array(3000), st);
    expect(y[2000]).toBeGreaterThan(0);
    expect(y[2400]).toBe(0);
    w.dispose();
  });

  it("flushes exactly the entries below 2^-100, every 16 frames; the float64 twin stays exact", async () => {
    const values = [2 ** -99, -(2 ** -99), 2 ** -101, -1e-31, 1, 3e-39];
    const n = values.length; // one channel, one mode per value: dA = 1, dB = 0, C = 1 keep x as is
    const params = {
      dA: { re: new Float64Array(n).fill(1), im: new Float64Array(n) },
      dB: { re: new Float64Array(n), im: new Float64Array(n) },
      C: { re: new Float64Array(n).fill(1), im: new Float64Array(n) },
      D: new Float64Array(1),
    };
    const x = { re: Float64Array.from(values), im: Float64Array.from(values, (v) => -v) };
    for (const backend of BACKENDS) {
      const plan = (await kernelsFor(backend)).diagStep({ batch: 1, channels: 1, modes: n }).setParams(params);
      const st = plan.createState();
      st.write(x);
      for (let t = 0; t < 15; t++) plan.step(new Float64Array(1), st);
      const kept = Array.from(st.read().re);
      expect(kept).toEqual(Array.from(backend === "wasm" ? Float32Array.from(values) : values)); // no pass before frame 16
      plan.step(new Float64Array(1), st);
      const after = st.read();
      const expected = backend === "wasm" ? [2 ** -99, -(2 ** -99), 0, 0, 1, 0] : values;
      expect(Array.from(after.re)).toEqual(expected);
      expect(Array.from(after.im)).toEqual(expected.map((v) => (v === 0 ? 0 : -v)));
      plan.dispose();
    }
  });

  it("leaves a live signal of 1e-22 alone (a 2^-64 threshold lost half of it at every pass)", async () => {
    // one mode, dA = 0.5, dB = 1, C = 1: x settles at 2u and y = 2 Re(C x) = 4u under constant u
    const params = {
      dA: { re: Float64Array.of(0.5), im: new Float64Array(1) },
      dB: { re: Float64Array.of(1), im: new Float64Array(1) },
      C: { re: Float64Array.of(1), im: new Float64Array(1) },
      D: new Float64Array(1),
    };
    const plan = (await kernelsFor("wasm")).diagStep({ batch: 1, channels: 1, modes: 1 }).setParams(params);
    const st = plan.createState();
    let y = 0;
    for (let t = 0; t < 2000; t++) y = plan.step(Float64Array.of(1e-22), st)[0];
    expect(Math.abs(y / 4e-22 - 1)).toBeLessThan(1e-6);
    plan.dispose();
  });
});
