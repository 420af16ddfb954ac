// Canonical parameters -> officialTensors + writeSafetensors -> loadOfficial / readOfficial: the
// same numbers and the same outputs (the round trip S4Model(random init) -> our writer
// -> loadOfficial).
import { relErrorReal } from "@s4wasm/golden";
import { loadKernels } from "@s4wasm/kernels";
import { describe, expect, it } from "vitest";
import {
  buildOfficial,
  type CanonicalS4Block,
  type CanonicalS4D,
  type CanonicalS4Model,
  DEFAULT_PARAMETERIZATION,
  loadOfficial,
  officialConfig,
  officialTensors,
  readOfficial,
  writeSafetensors,
} from "../src/official/index.js";
import type { Complex64 } from "../src/ssm/params.js";
import { rng } from "./helpers.js";

const vec = (n: number, r: () => number, scale = 1, shift = 0) =>
  Float64Array.from({ length: n }, () => shift + scale * (2 * r() - 1));
const cplx = (n: number, r: () => number, scale = 1): Complex64 => ({ re: vec(n, r, scale), im: vec(n, r, scale) });
/** A stable diagonal: Re A in [-1.5, -0.05], Im A spread like the S4D-Lin init. */
function stableA(n: number, r: () => number): Complex64 {
  return {
    re: Float64Array.from({ length: n }, () => -0.05 - 1.45 * r()),
    im: Float64Array.from({ length: n }, (_, i) => Math.PI * (i % 32) + r()),
  };
}

function randomS4D(H: number, r: () => number): CanonicalS4D {
  const N2 = 32;
  return {
    module: "models/s4/s4d.py:S4D",
    config: { module: "models/s4/s4d.py:S4D", dModel: H, dState: 2 * N2, transposed: true },
    ssm: {
      mode: "diag",
      disc: "zoh",
      params: {
        H,
        N2,
        channels: 1,
        logDt: vec(H, r, 1, -4),
        A: stableA(H * N2, r),
        B: { re: new Float64Array(H * N2).fill(1), im: new Float64Array(H * N2) },
        C: cplx(H * N2, r, 0.5),
      },
    },
    D: vec(H, r),
    outputLinear: { inFeatures: H, outFeatures: 2 * H, weight: vec(2 * H * H, r, 1 / Math.sqrt(H)), bias: vec(2 * H, r, 0.1) },
  };
}

function randomModel(seed: number): CanonicalS4Model {
  const r = rng(seed);
  const [dInput, dOutput, H, n] = [2, 3, 8, 2];
  return {
    module: "example.py:S4Model",
    config: { module: "example.py:S4Model", dInput, dOutput, dModel: H, nLayers: n, prenorm: seed % 2 === 0, dState: 64 },
    encoder: { inFeatures: dInput, outFeatures: H, weight: vec(H * dInput, r), bias: vec(H, r) },
    layers: [randomS4D(H, r), randomS4D(H, r)],
    norms: [0, 1].map(() => ({ weight: vec(H, r, 0.2, 1), bias: vec(H, r, 0.1), eps: 1e-5 })),
    decoder: { inFeatures: H, outFeatures: dOutput, weight: vec(dOutput * H, r), bias: vec(dOutput, r) },
  };
}

describe.each(["wasm", "js"] as const)("round trip through the official storage (%s)", (backend) => {
  it.each([1, 2])("S4Model(random init, seed %i) -> writer -> loadOfficial gives the same logits", async (seed) => {
    const kernels = await loadKernels({ backend });
    const canonical = randomModel(seed);
    const direct = buildOfficial(kernels, canonical);
    const [B, L] = [2, 50];
    const u = vec(B * L * canonical.config.dInput, rng(seed + 10));
    const x = backend === "wasm" ? Float32Array.from(u) : u;
    const y1 = direct.forward(x, { batch: B, length: L });
    for (const dtype of ["F64", "F32"] as const) {
      const bytes = writeSafetensors(officialTensors(canonical, dtype));
      const loaded = await loadOfficial(bytes, officialConfig(canonical), { kernels });
      const y2 = loaded.forward(x, { batch: B, length: L });
      // F64 storage is lossless up to log/exp rounding; F32 storage rounds every parameter.
      const tol = dtype === "F64" ? (backend === "js" ? 1e-12 : 1e-6) : 1e-5;
      expect(relErrorReal(y2, y1), dtype).toBeLessThanOrEqual(tol);
      loaded.dispose();
    }
    direct.dispose();
  });
});

describe("round trip of S4Block parameters (n_ssm < H, DPLR with C-tilde, bidirectional)", () => {
  it("readOfficial(officialTensors(c)) returns the same canonical numbers", () => {
    const r = rng(5);
    const [H, N2, nS, rank] = [6, 4, 3, 2];
    const rows = (n: number, make: () => Float64Array) => {
      // n_ssm rows repeated to H, as the official storage implies.
      const base = make();
      return Float64Array.from({ length: H * N2 }, (_, i) => base[((Math.floor(i / N2) % n) * N2 + (i % N2)) % base.length]);
    };
    const Lre = rows(nS, () => Float64Array.from({ length: nS * N2 }, () => -0.1 - r()));
    const Lim = rows(nS, () => vec(nS * N2, r, 3));
    const Bre = rows(nS, () => vec(nS * N2, r));
    const Bim = rows(nS, () => vec(nS * N2, r));
    const Pre = new Float64Array(rank * H * N2);
    const Pim = new Float64Array(rank * H * N2);
    for (let k = 0; k < rank; k++) {
      Pre.set(
        rows(nS, () => vec(nS * N2, r)),
        k * H * N2,
      );
      Pim.set(
        rows(nS, () => vec(nS * N2, r)),
        k * H * N2,
      );
    }
    const c: CanonicalS4Block = {
      module: "models/s4/s4.py:S4Block",
      config: {
        module: "models/s4/s4.py:S4Block",
        dModel: H,
        dState: 2 * N2,
        mode: "dplr",
        init: "legs",
        channels: 1,
        bidirectional: true,
        transposed: false,
        rank,
        nSsm: nS,
        disc: "bilinear",
        lMax: null,
        modes: N2,
        param: DEFAULT_PARAMETERIZATION,
        swapChannels: false,
        activation: "gelu",
        multActivation: "id",
        finalAct: "glu",
      },
      ssm: {
        mode: "dplr",
        disc: "bilinear",
        params: {
          H,
          N2,
          rank,
          channels: 2,
          logDt: vec(H, r, 1, -3),
          Lambda: { re: Lre, im: Lim },
          P: { re: Pre, im: Pim },
          B: { re: Bre, im: Bim },
          C: cplx(2 * H * N2, r),
          cForm: "CTilde",
          tildeLength: 96,
        },
      },
      D: vec(H, r),
      outputLinear: { inFeatures: H, outFeatures: 2 * H, weight: vec(2 * H * H, r), bias: vec(2 * H, r) },
    };
    const back = readOfficial(writeSafetensors(officialTensors(c, "F64")), officialConfig(c)) as CanonicalS4Block;
    expect(back.config).toEqual(c.config);
    if (back.ssm.mode !== "dplr" || c.ssm.mode !== "dplr") throw new Error("dplr expected");
    const a = back.ssm.params;
    const b = c.ssm.params;
    expect([a.cForm, a.tildeLength, a.channels, a.rank]).toEqual(["CTilde", 96, 2, rank]);
    for (const [x, y] of [
      [a.Lambda.re, b.Lambda.re],
      [a.Lambda.im, b.Lambda.im],
      [a.P.re, b.P.re],
      [a.P.im, b.P.im],
      [a.B.im, b.B.im],
      [a.C.re, b.C.re],
      [a.logDt, b.logDt],
      [back.D, c.D],
      [back.outputLinear?.weight ?? [], c.outputLinear?.weight ?? [NaN]],
    ]) {
      expect(relErrorReal(x, y)).toBeLessThan(1e-15);
    }
  });

  it("refuses what the official storage cannot hold", () => {
    const c = randomS4D(4, rng(9));
    c.ssm.params.B.re[3] = 2;
    expect(() => officialTensors(c)).toThrow(/s4d.py has no B parameter/);
    const d = randomS4D(4, rng(9));
    d.ssm.params.A.re[0] = 0.5;
    expect(() => officialTensors(d)).toThrow(/Re A must be < 0/);
  });
});
