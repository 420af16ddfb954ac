// Objects stay right after a refused call and after a caller edits what it got or gave (found by
// a fuzz of caches after mutation): plans were disposed before their replacement was made, a
// StepMode installed a new system before its plans took it, getters handed out internal caches.
import { S4ShapeError } from "@s4wasm/kernels";
import { describe, expect, it } from "vitest";
import { FixedKernel } from "../src/block/fixed-kernel.js";
import { S4Block } from "../src/block/s4-block.js";
import { DPLRKernel, S4DKernel } from "../src/kernel/index.js";
import { StepMode } from "../src/step/index.js";
import { BACKENDS, kernelsFor, randomDPLR, randomS4D, seeded } from "./helpers.js";

const same = (a: ArrayLike<number>, b: ArrayLike<number>) => expect(Array.from(a)).toEqual(Array.from(b));

describe.each(BACKENDS)("after a refused length (%s)", (backend) => {
  it("S4Block and its FFTConv work again at the old length (the old plan was disposed first)", async () => {
    const k = await kernelsFor(backend);
    const H = 2;
    const parts = { D: seeded(H, 1), weight: seeded(2 * H * H, 2), bias: seeded(2 * H, 3), bidirectional: false };
    const block = new S4Block(k, { ...parts, kernel: new S4DKernel(k, randomS4D(H, 2, 1, 1)) });
    const u = (L: number) => (backend === "wasm" ? Float32Array.from(seeded(H * L, 4)) : seeded(H * L, 4));
    const want = block.forward(u(64), { batch: 1, length: 64 });
    // S4Block takes L up to 2^22, the FFT convolution (n = 2L) up to 2^21
    expect(() => block.forward(u(2 ** 21 + 1), { batch: 1, length: 2 ** 21 + 1 })).toThrow(S4ShapeError);
    same(block.forward(u(64), { batch: 1, length: 64 }), want);
  });

  it("S4DKernel and DPLRKernel (fused and general) compute again after a kernel(L) their plans refused", async () => {
    const k = await kernelsFor(backend);
    const kernels = [
      new S4DKernel(k, randomS4D(17, 2, 1, 1)),
      new DPLRKernel(k, randomDPLR(40, 2, 1, 1, 2)),
      new DPLRKernel(k, randomDPLR(9, 2, 1, 1, 3), { woodbury: "general" }),
    ];
    for (const kern of kernels) {
      const want = kern.kernel(64);
      expect(() => kern.kernel(2 ** 22)).toThrow(S4ShapeError);
      same(kern.kernel(64), want);
    }
  });

  it("an FFTConv over a FixedKernel asked past its stored length works again at a shorter one", async () => {
    const k = await kernelsFor(backend);
    const H = 3;
    const K = seeded(H * 100, 5);
    const block = new S4Block(k, {
      D: seeded(H, 1),
      weight: seeded(2 * H * H, 2),
      bias: seeded(2 * H, 3),
      bidirectional: false,
      kernel: new FixedKernel(k, K, { channels: 1, H, length: 100 }),
    });
    const u = (L: number) => (backend === "wasm" ? Float32Array.from(seeded(H * L, 6)) : seeded(H * L, 6));
    const want = block.forward(u(50), { batch: 1, length: 50 });
    expect(() => block.forward(u(200), { batch: 1, length: 200 })).toThrow(/FixedKernel\.kernel\(L\)/);
    same(block.forward(u(50), { batch: 1, length: 50 }), want);
  });
});

describe.each(BACKENDS)("StepMode.setupStep (%s)", (backend) => {
  it("a source of another shape: every stepper made after it runs the new system, as a fresh StepMode", async () => {
    const k = await kernelsFor(backend);
    const src = { s4d: randomS4D(3, 4, 1, 1), D: seeded(3, 9) };
    const mode = new StepMode(k, src).setupStep();
    const old = mode.stepper({ batch: 1 });
    const u = backend === "wasm" ? Float32Array.from(seeded(3, 2)) : seeded(3, 2);
    old.step(u);
    src.s4d = randomS4D(3, 6, 1, 2);
    mode.setupStep();
    const fresh = new StepMode(k, { s4d: src.s4d, D: src.D }).setupStep();
    same(mode.stepper({ batch: 1 }).step(u), fresh.stepper({ batch: 1 }).step(u));
    expect(mode.discrete.size).toBe(fresh.discrete.size);
    // a stepper of the old shape is refused, not run with the old plan
    expect(() => old.step(u)).toThrow(/disposed/);
  });

  it("a refused setup changes nothing: steppers keep the parameters of the last good one", async () => {
    const k = await kernelsFor(backend);
    const good = randomS4D(3, 4, 1, 1);
    const src = { s4d: good, D: seeded(3, 9) };
    const mode = new StepMode(k, src).setupStep();
    const u = backend === "wasm" ? Float32Array.from(seeded(3, 2)) : seeded(3, 2);
    const want = mode.stepper({ batch: 1 }).step(u);
    const bad = randomS4D(3, 4, 1, 2);
    bad.logDt[1] = Number.NaN;
    src.s4d = bad;
    expect(() => mode.setupStep()).toThrow(/^setupStep\(s4d\)\.logDt: expected finite values, got NaN at index 1$/);
    same(mode.stepper({ batch: 1 }).step(u), want);
    same(
      mode
        .stepper({ batch: 2 })
        .step(new (u.constructor as Float64ArrayConstructor)([...u, ...u]))
        .subarray(0, 3),
      want,
    );
  });
});

describe.each(BACKENDS)("what a kernel hands out or was given is not its cache (%s)", (backend) => {
  it("DPLR: editing cTilde(L), denseDiscrete(), originalC() or parameters changes no later kernel", async () => {
    const k = await kernelsFor(backend);
    const p = randomDPLR(3, 8, 1, 1, 7);
    const kern = new DPLRKernel(k, p);
    const want = { 20: kern.kernel(20), 40: kern.kernel(40) };
    kern.cTilde(20).re.fill(9);
    kern.denseDiscrete().dA.re.fill(9);
    kern.originalC().im.fill(9);
    kern.parameters.logDt.fill(9);
    same(kern.kernel(20), want[20]);
    same(kern.kernel(40), want[40]);
  });

  it("a parameter record edited in place without setParams() changes nothing; setParams() takes the edit", async () => {
    const k = await kernelsFor(backend);
    const pd = randomDPLR(3, 8, 1, 1, 8);
    const dplr = new DPLRKernel(k, pd);
    const ps = randomS4D(3, 4, 1, 8);
    const s4d = new S4DKernel(k, ps);
    const want = { dplr: dplr.kernel(30), s4d: s4d.kernel(30) };
    pd.logDt[0] += 0.5;
    ps.logDt[0] += 0.5;
    same(dplr.kernel(30), want.dplr);
    same(s4d.kernel(30), want.s4d);
    dplr.setParams(pd);
    s4d.setParams(ps);
    same(dplr.kernel(30), new DPLRKernel(k, pd).kernel(30));
    same(s4d.kernel(30), new S4DKernel(k, ps).kernel(30));
  });

  it("FixedKernel.kernel(length) returns a copy: editing it changes no later length", async () => {
    const k = await kernelsFor(backend);
    const K = seeded(2 * 40, 3);
    const fixed = new FixedKernel(k, K, { channels: 1, H: 2, length: 40 });
    fixed.kernel(40).fill(0);
    const stored = backend === "wasm" ? Float32Array.from(K) : K;
    same(fixed.kernel(39), [...stored.subarray(0, 39), ...stored.subarray(40, 79)]);
  });
});
