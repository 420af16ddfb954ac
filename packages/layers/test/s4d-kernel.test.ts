import { complexOf, realOf, relErrorReal } from "@s4wasm/golden";
import { readGolden } from "@s4wasm/golden/node";
import { S4ShapeError, S4StateError, S4ValueError } from "@s4wasm/kernels";
import { describe, expect, it } from "vitest";
import type { SSMKernelSource } from "../src/block/s4-block.js";
import { diagInit, randomC, randomLogDt } from "../src/hippo/index.js";
import { fromS4dPy, fromS4PyDiag, S4DKernel, s4dKernel } from "../src/kernel/index.js";
import { discretizeS4D } from "../src/ssm/discretize.js";
import type { S4DParams } from "../src/ssm/params.js";
import { BACKENDS, kernelsFor, TOL } from "./helpers.js";

const golden = readGolden("s4d_kernel");

function canonical(c: (typeof golden.cases)[number]): S4DParams {
  const H = c.params.H as number;
  const N2 = c.params.N_stored as number;
  const B = complexOf(c.inputs, "B");
  const C = complexOf(c.inputs, "C");
  return {
    H,
    N2,
    channels: 1,
    logDt: realOf(c.inputs, "log_dt").data,
    A: { re: realOf(c.inputs, "A_re").data, im: realOf(c.inputs, "A_im").data },
    B: { re: B.re, im: B.im },
    C: { re: C.re, im: C.im },
  };
}

/** The recurrence x_k = dA x_{k-1} + dB u_k with u = delta, y_k = 2 Re(C x_k): K materialised. */
function recurrenceKernel(p: S4DParams, disc: "zoh" | "bilinear", L: number): Float64Array {
  const { dA, dB } = discretizeS4D(p, disc);
  const K = new Float64Array(p.channels * p.H * L);
  for (let c = 0; c < p.channels; c++)
    for (let h = 0; h < p.H; h++)
      for (let n = 0; n < p.N2; n++) {
        const i = h * p.N2 + n;
        let xr = dB.re[i];
        let xi = dB.im[i];
        const cr = p.C.re[(c * p.H + h) * p.N2 + n];
        const ci = p.C.im[(c * p.H + h) * p.N2 + n];
        for (let l = 0; l < L; l++) {
          K[(c * p.H + h) * L + l] += 2 * (cr * xr - ci * xi);
          const t = dA.re[i] * xr - dA.im[i] * xi;
          xi = dA.re[i] * xi + dA.im[i] * xr;
          xr = t;
        }
      }
  return K;
}

describe.each(BACKENDS)("S4D kernel (%s)", (backend) => {
  it.each(golden.cases.map((c) => [c.name, c] as const))("matches golden K: %s", async (_n, c) => {
    const k = await kernelsFor(backend);
    const L = c.params.L as number;
    const disc = c.params.disc as "zoh" | "bilinear";
    const expected = realOf(c.outputs, "K").data;
    const K = s4dKernel(k, canonical(c), L, { disc });
    expect(relErrorReal(K, expected)).toBeLessThanOrEqual(TOL[backend]);
    // the same numbers in s4.py storage
    const C = complexOf(c.inputs, "C");
    const B = complexOf(c.inputs, "B");
    const fromS4 = fromS4PyDiag({
      inv_dt: realOf(c.inputs, "s4py_inv_dt").data,
      A_real: realOf(c.inputs, "s4py_A_real").data,
      A_imag: realOf(c.inputs, "s4py_A_imag").data,
      B,
      C,
    });
    expect(relErrorReal(s4dKernel(k, fromS4, L, { disc }), expected)).toBeLessThanOrEqual(TOL[backend]);
    // s4d.py storage has no B (B = 1): fold B into C, which gives the same kernel
    const CB = { re: new Float64Array(C.re.length), im: new Float64Array(C.re.length) };
    for (let i = 0; i < C.re.length; i++) {
      CB.re[i] = C.re[i] * B.re[i] - C.im[i] * B.im[i];
      CB.im[i] = C.re[i] * B.im[i] + C.im[i] * B.re[i];
    }
    const fromS4d = fromS4dPy({
      log_dt: realOf(c.inputs, "s4dpy_log_dt").data,
      log_A_real: realOf(c.inputs, "s4dpy_log_A_real").data,
      A_imag: realOf(c.inputs, "s4dpy_A_imag").data,
      C: CB,
    });
    expect(relErrorReal(s4dKernel(k, fromS4d, L, { disc }), expected)).toBeLessThanOrEqual(TOL[backend]);
  });

  it.each(["zoh", "bilinear"] as const)("equals the materialised recurrence (%s, 2 channels, ragged L)", async (disc) => {
    const k = await kernelsFor(backend);
    const H = 3;
    const N = 16;
    const { A, B } = diagInit("diag-lin", N, H);
    const p: S4DParams = { H, N2: N / 2, channels: 2, logDt: randomLogDt(H, 4), A, B, C: randomC(2, H, N / 2, 5) };
    for (const L of [1, 13, 300]) {
      const kern = new S4DKernel(k, p, { disc });
      expect(relErrorReal(kern.kernel(L), recurrenceKernel(p, disc, L))).toBeLessThanOrEqual(backend === "js" ? 1e-10 : 1e-5);
      kern.dispose();
    }
  });

  it("is an SSMKernelSource an S4Block can take (kernel(L), version, stepSource)", async () => {
    const k = await kernelsFor(backend);
    const H = 2;
    const { A, B } = diagInit("diag-lin", 8, H);
    const kern = new S4DKernel(k, { H, N2: 4, channels: 1, logDt: randomLogDt(H, 1), A, B, C: randomC(1, H, 4, 2) });
    const src: SSMKernelSource = kern;
    expect(src.kernel(10).length).toBe(H * 10);
    const step = src.stepSource(new Float64Array(H));
    expect(step && "s4d" in step ? step.s4d.H : -1).toBe(H);
    kern.dispose();
  });

  it("rejects bad shapes, L < 1, non-finite values, unstable A and use after dispose", async () => {
    const k = await kernelsFor(backend);
    const H = 2;
    const { A, B } = diagInit("diag-inv", 8, H);
    const good: S4DParams = { H, N2: 4, channels: 1, logDt: randomLogDt(H, 1), A, B, C: randomC(1, H, 4, 2) };
    const kern = new S4DKernel(k, good);
    expect(() => kern.kernel(0)).toThrow(S4ShapeError);
    expect(() => kern.kernel(2.5)).toThrow(/S4DKernel.kernel\(L\): expected an integer length L/);
    expect(() => new S4DKernel(k, { ...good, N2: 4.5 })).toThrow(/N must be even/);
    expect(() => new S4DKernel(k, { ...good, H: 3 })).toThrow(/logDt: expected length 3 \(H\), got 2/);
    expect(() => new S4DKernel(k, { ...good, C: randomC(1, H, 3, 2) })).toThrow(S4ShapeError);
    const nan = { re: Float64Array.from(A.re), im: A.im };
    nan.re[3] = Number.NaN;
    expect(() => new S4DKernel(k, { ...good, A: nan })).toThrow(S4ValueError);
    const unstable = { re: Float64Array.from(A.re), im: A.im };
    unstable.re[1] = 0;
    expect(() => new S4DKernel(k, { ...good, A: unstable })).toThrow(
      /expected negative real parts \(a stable system\), got 0 at index 1/,
    );
    expect(() => new S4DKernel(k, good, { disc: "euler" as never })).toThrow(S4ValueError);
    kern.dispose();
    expect(() => kern.kernel(4)).toThrow(S4StateError);
  });
});

describe("S4D kernel, float32 limits", () => {
  it("refuses by name a kernel whose sums overflow float32 (|C| ~ 1e38) on wasm; the twin computes it", async () => {
    const [H, N2, L] = [1, 32, 64];
    // real A (diag-real): every mode adds with the same sign, sum_n C dB ~ 32 x 1e38 at l = 0
    const { A, B } = diagInit("diag-real", 2 * N2, H);
    const C = { re: new Float64Array(H * N2).fill(1e38), im: new Float64Array(H * N2) };
    const p = { H, N2, channels: 1, logDt: new Float64Array(H).fill(Math.log(0.5)), A, B, C };
    const twin = new S4DKernel(await kernelsFor("js"), p).kernel(L);
    expect(twin.every(Number.isFinite)).toBe(true);
    expect(Math.max(...Array.from(twin, Math.abs))).toBeGreaterThan(3.4e38);
    const kern = new S4DKernel(await kernelsFor("wasm"), p);
    expect(() => kern.kernel(L)).toThrow(S4ValueError);
    expect(() => kern.kernel(L)).toThrow(/S4DKernel\.kernel: expected finite values, got .* float32 arithmetic overflowed/);
    kern.dispose();
  });
});
