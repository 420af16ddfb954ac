import { complexOf, realOf, relErrorComplex, relErrorReal } from "@s4wasm/golden";
import { readGolden } from "@s4wasm/golden/node";
import { S4ShapeError, S4StateError, S4ValueError } from "@s4wasm/kernels";
import { describe, expect, it } from "vitest";
import { dplrLegsInit, makeRng, randomC } from "../src/hippo/index.js";
import { DPLRKernel } from "../src/kernel/index.js";
import { cFromCTilde, cTildeFromC, discretizeDPLRDense } from "../src/ssm/discretize.js";
import type { Complex64, DPLRParams } from "../src/ssm/params.js";
import { BACKENDS, kernelsFor, randomDPLR, TOL } from "./helpers.js";

const golden = readGolden("s4_dplr_kernel");
const c64 = (t: { re: Float64Array; im: Float64Array }): Complex64 => ({ re: t.re, im: t.im });

function params(c: (typeof golden.cases)[number]): DPLRParams {
  return {
    H: c.params.H as number,
    N2: c.params.N_stored as number,
    rank: c.params.R as number,
    channels: 1,
    logDt: realOf(c.inputs, "log_dt").data,
    Lambda: c64(complexOf(c.inputs, "Lambda")),
    P: c64(complexOf(c.inputs, "P")),
    B: c64(complexOf(c.inputs, "B")),
    C: c64(complexOf(c.inputs, "C")),
    cForm: "C",
  };
}

/** K[l] = Re(C_full dA^l dB_full) by powering the dense discrete A (annotated-s4 `K_conv`). */
function denseKernel(p: DPLRParams, C: Complex64, L: number): Float64Array {
  const { N, dA, dB } = discretizeDPLRDense(p);
  const { H, N2, channels } = p;
  const K = new Float64Array(channels * H * L);
  for (let h = 0; h < H; h++) {
    for (let c = 0; c < channels; c++) {
      let xr = Float64Array.from(dB.re.subarray(h * N, (h + 1) * N));
      let xi = Float64Array.from(dB.im.subarray(h * N, (h + 1) * N));
      for (let l = 0; l < L; l++) {
        let s = 0;
        for (let j = 0; j < N; j++) {
          const o = (c * H + h) * N2 + (j % N2);
          const cr = C.re[o];
          const ci = j < N2 ? C.im[o] : -C.im[o];
          s += cr * xr[j] - ci * xi[j];
        }
        K[(c * H + h) * L + l] = s;
        const nr = new Float64Array(N);
        const ni = new Float64Array(N);
        for (let a = 0; a < N; a++)
          for (let b = 0; b < N; b++) {
            const mr = dA.re[h * N * N + a * N + b];
            const mi = dA.im[h * N * N + a * N + b];
            nr[a] += mr * xr[b] - mi * xi[b];
            ni[a] += mr * xi[b] + mi * xr[b];
          }
        xr = nr;
        xi = ni;
      }
    }
  }
  return K;
}

describe.each(BACKENDS)("S4 DPLR kernel (%s)", (backend) => {
  it.each(golden.cases.map((c) => [c.name, c] as const))("matches golden K, K_freq, C_tilde: %s", async (_n, c) => {
    const k = await kernelsFor(backend);
    const L = c.params.L as number;
    const p = params(c);
    const eK = realOf(c.outputs, "K").data;
    const eKf = complexOf(c.outputs, "K_freq");
    const eCt = complexOf(c.outputs, "C_tilde");
    for (const woodbury of ["auto", "general"] as const) {
      const kern = new DPLRKernel(k, p, { woodbury });
      const Ct = kern.cTilde(L);
      expect(relErrorComplex(Ct.re, Ct.im, eCt.re, eCt.im)).toBeLessThanOrEqual(1e-10);
      const Kf = kern.kernelFreq(L);
      expect(relErrorComplex(Kf.re, Kf.im, eKf.re, eKf.im)).toBeLessThanOrEqual(TOL[backend]);
      expect(relErrorReal(kern.kernel(L), eK)).toBeLessThanOrEqual(TOL[backend]);
      kern.dispose();
    }
    // the official storage: C-tilde at L
    const stored = new DPLRKernel(k, { ...p, C: c64(eCt), cForm: "CTilde", tildeLength: L });
    expect(relErrorReal(stored.kernel(L), eK)).toBeLessThanOrEqual(TOL[backend]);
    // a shorter L is served by truncation, as the official module does
    const half = Math.max(1, L >> 1);
    expect(
      relErrorReal(
        stored.kernel(half),
        eK.filter((_, i) => i % L < half),
      ),
    ).toBeLessThanOrEqual(TOL[backend]);
    stored.dispose();
  });

  it.each([
    [1, 1, 16, 1, 37],
    [2, 1, 8, 2, 24],
    [2, 2, 8, 1, 33],
    [1, 3, 12, 2, 50],
    [2, 1, 8, 1, 1],
    [2, 1, 8, 1, 2],
  ])("via Cauchy == powering the dense discrete A (H=%i rank=%i N=%i channels=%i L=%i)", async (H, rank, N, channels, L) => {
    const k = await kernelsFor(backend);
    const p = randomDPLR(H, N, rank, channels, 11 * H + rank);
    const kern = new DPLRKernel(k, p);
    expect(relErrorReal(kern.kernel(L), denseKernel(p, p.C, L))).toBeLessThanOrEqual(backend === "js" ? 1e-9 : 1e-4);
    // a longer L than a stored C-tilde's: recovered C, then C-tilde at the new length
    const Ct = kern.cTilde(L);
    const stored = new DPLRKernel(k, { ...p, C: Ct, cForm: "CTilde", tildeLength: L });
    const L2 = 2 * L + 1;
    expect(relErrorReal(stored.kernel(L2), denseKernel(p, p.C, L2))).toBeLessThanOrEqual(backend === "js" ? 1e-9 : 1e-4);
    kern.dispose();
    stored.dispose();
  });

  it("C~ -> C -> C~ round trip", () => {
    const p = randomDPLR(2, 16, 1, 2, 3);
    const { dA } = discretizeDPLRDense(p);
    const Ct = cTildeFromC(dA, p.C, p.H, p.N2, 100);
    const C = cFromCTilde(dA, Ct, p.H, p.N2, 100);
    expect(relErrorComplex(C.re, C.im, p.C.re, p.C.im)).toBeLessThanOrEqual(1e-10);
    const Ct2 = cTildeFromC(dA, C, p.H, p.N2, 100);
    expect(relErrorComplex(Ct2.re, Ct2.im, Ct.re, Ct.im)).toBeLessThanOrEqual(1e-10);
  });

  it("rejects bad shapes, L < 1, non-finite values, unstable Lambda, bad cForm and use after dispose", async () => {
    const k = await kernelsFor(backend);
    const p = randomDPLR(2, 8, 1, 1, 1);
    expect(() => new DPLRKernel(k, { ...p, rank: 2 })).toThrow(/P.re: expected length 16 \(rank\*H\*N2\), got 8/);
    expect(() => new DPLRKernel(k, { ...p, N2: 0 })).toThrow(S4ShapeError);
    const bad = { re: Float64Array.from(p.Lambda.re), im: p.Lambda.im };
    bad.re[2] = 0.1;
    expect(() => new DPLRKernel(k, { ...p, Lambda: bad })).toThrow(/Lambda.re: expected negative real parts/);
    const inf = { re: p.B.re, im: Float64Array.from(p.B.im) };
    inf.im[0] = Number.POSITIVE_INFINITY;
    expect(() => new DPLRKernel(k, { ...p, B: inf })).toThrow(S4ValueError);
    expect(() => new DPLRKernel(k, { ...p, cForm: "X" as never })).toThrow(S4ValueError);
    expect(() => new DPLRKernel(k, { ...p, cForm: "CTilde" })).toThrow(/tildeLength/);
    const kern = new DPLRKernel(k, p);
    expect(() => kern.kernel(0)).toThrow(S4ShapeError);
    kern.dispose();
    expect(() => kern.kernel(8)).toThrow(S4StateError);
  });
});

describe("S4 DPLR kernel, wasm in channel blocks", () => {
  it("equals the float64 twin when the channels run in several L2-sized blocks (and truncated from a stored C~)", async () => {
    // at L = 30000 a block holds one channel (~12 L bytes each of 512 KiB), so H = 7 runs 7 blocks
    const [H, N, channels, L] = [7, 8, 2, 30000];
    const p = randomDPLR(H, N, 1, channels, 91);
    const wasm = new DPLRKernel(await kernelsFor("wasm"), p);
    const twin = new DPLRKernel(await kernelsFor("js"), p);
    const want = twin.kernel(L);
    expect(relErrorReal(wasm.kernel(L), want)).toBeLessThanOrEqual(1e-4);
    const Ct = twin.cTilde(L);
    const stored = new DPLRKernel(await kernelsFor("wasm"), { ...p, C: Ct, cForm: "CTilde", tildeLength: L });
    const half = L / 2 - 1;
    expect(relErrorReal(stored.kernel(half), twin.kernel(half))).toBeLessThanOrEqual(1e-4);
    for (const kern of [wasm, twin, stored]) kern.dispose();
  });
});

describe("S4 DPLR kernel, float32 limits", () => {
  it("refuses by name a kernel that overflows float32 (a pole 1e-20 from a node) instead of returning NaN", async () => {
    const [H, N, L, dt] = [1, 8, 1024, 0.01];
    const d = dplrLegsInit(N, H, 1);
    const Lambda = { re: d.Lambda.re.slice(), im: d.Lambda.im.slice() };
    // mode 0 on the bilinear node of bin 100, 1e-20 left of the imaginary axis
    Lambda.re[0] = -1e-20;
    Lambda.im[0] = (-2 * Math.tan((Math.PI * 100) / L)) / dt;
    const p: DPLRParams = {
      H,
      N2: N / 2,
      rank: 1,
      channels: 1,
      logDt: new Float64Array(H).fill(Math.log(dt)),
      Lambda,
      P: d.P,
      B: d.B,
      C: randomC(1, H, N / 2, makeRng(4)),
      cForm: "C",
    };
    const kern = new DPLRKernel(await kernelsFor("wasm"), p);
    expect(() => kern.kernel(L)).toThrow(S4ValueError);
    expect(() => kern.kernel(L)).toThrow(/DPLRKernel\.kernel: expected finite values, got .* float32 arithmetic overflowed/);
    kern.dispose();
  });
});
