// The s4.py kernel options that change how the stored tensors are read (dt_transform,
// real_transform, imag_transform, dt_fast, dt_tie, is_real, bandlimit, swap_channels): each
// checkpoint here is the fixture s4d_block re-stored under an option with the OFFICIAL inverse
// (models/s4/s4.py inv_transform, asinh for dt_fast, ...), so it must give the fixture's outputs;
// the per-mode dt and the band mask are also checked against kernels computed here by formula.
import { S4ValueError } from "@s4wasm/kernels";
import { describe, expect, it } from "vitest";
import type { S4Block } from "../src/index.js";
import {
  CheckpointError,
  loadOfficial,
  type OfficialConfig,
  officialConfig,
  officialTensors,
  readOfficial,
  writeSafetensors,
} from "../src/official/index.js";
import { data, officialFixture, put, type Tensors } from "./fixture-tensors.js";
import { kernelsFor, relErr, seeded } from "./helpers.js";

const FIXTURE = officialFixture("s4d_block");
const baseTensors = FIXTURE.tensors;
const H = 16;
const N2 = 16;
const L = 40;

/** Load a checkpoint on the float64 twin, read something off the block, free it. */
async function withBlock<T>(bytes: Uint8Array, config: OfficialConfig, read: (block: S4Block) => T): Promise<T> {
  const kernels = await kernelsFor("js");
  const block = (await loadOfficial(bytes, config, { kernels })) as S4Block;
  try {
    return read(block);
  } finally {
    block.dispose();
  }
}

const configWith = FIXTURE.with;

/** The block's forward on a fixed input (B = 1, L). */
const forwardOf = (block: S4Block, u = seeded(H * L, 7)) => Float64Array.from(block.forward(u, { batch: 1, length: L }));

const run = (t: Tensors, args: Record<string, unknown>) => withBlock(writeSafetensors(t), configWith(args), (b) => forwardOf(b));

/** The official inv_transform (without its clamp, which the fixture's values clear): p -> stored. */
const inverse = {
  exp: Math.log,
  none: (p: number) => p,
  // param_transform adds 1e-4 after the relu
  relu: (p: number) => p - 1e-4,
  sigmoid: (p: number) => Math.log(p / (1 - p)),
  softplus: (p: number) => Math.log(Math.expm1(p)),
} as const;

const map = (v: Float64Array, f: (x: number) => number) => Float64Array.from(v, f);

describe("s4.py parameter transforms (official inverse re-storage gives the same outputs, float64 twin)", () => {
  const base = run(baseTensors(), {});

  it.each(["none", "relu", "sigmoid", "softplus"] as const)("dt_transform %s, with and without dt_fast", async (tr) => {
    for (const fast of [false, true]) {
      const t = baseTensors();
      // the fixture stores log dt (dt_transform exp)
      const dt = map(data(t, "layer.kernel.inv_dt"), Math.exp);
      put(
        t,
        "layer.kernel.inv_dt",
        [H, 1],
        map(dt, (d) => (fast ? Math.asinh(inverse[tr](d)) : inverse[tr](d))),
      );
      const y = await run(t, { dt_transform: tr, dt_fast: fast });
      expect(relErr(y, await base)).toBeLessThan(1e-12);
    }
  });

  it("dt_fast with the default exp reads sinh of the stored value", async () => {
    const t = baseTensors();
    put(t, "layer.kernel.inv_dt", [H, 1], map(data(t, "layer.kernel.inv_dt"), Math.asinh));
    expect(relErr(await run(t, { dt_fast: true }), await base)).toBeLessThan(1e-12);
    // and without the flag the same file is another model
    expect(relErr(await run(t, {}), await base)).toBeGreaterThan(1e-3);
  });

  it.each([
    ["real_transform", "none"],
    ["real_transform", "relu"],
    ["real_transform", "sigmoid"],
    ["real_transform", "softplus"],
    ["imag_transform", "exp"],
    ["imag_transform", "relu"],
    ["imag_transform", "softplus"],
  ] as const)("%s %s", async (arg, tr) => {
    const t = baseTensors();
    if (arg === "real_transform") {
      // stored log(-Re A); diag-lin has -Re A = 0.5, inside sigmoid's (0, 1)
      const minusRe = map(data(t, "layer.kernel.A_real"), Math.exp);
      put(t, "layer.kernel.A_real", [H, N2], map(minusRe, inverse[tr]));
    } else {
      // stored -Im A >= 1e-4 (the official init clamps it), so exp's log and relu's shift are safe
      put(t, "layer.kernel.A_imag", [H, N2], map(data(t, "layer.kernel.A_imag"), inverse[tr]));
    }
    // 1e-9, the float64 twin's bound: above 20 softplus returns x itself (torch's threshold),
    // e^-x off the exact inverse for -Im A between 20 and ~30
    expect(relErr(await run(t, { [arg]: tr }), await base)).toBeLessThan(1e-9);
  });

  it("postact (final_act's old name) with final_act null is the default Linear + GLU", async () => {
    expect(relErr(await run(baseTensors(), { postact: "glu", final_act: null }), await base)).toBe(0);
  });

  it("weight_norm and initializer are accepted: the official S4Block passes neither to its Linear", async () => {
    expect(relErr(await run(baseTensors(), { weight_norm: true, initializer: "xavier" }), await base)).toBe(0);
  });

  it("the initialisation's own arguments (dplr() and nplr() **init_args) are accepted and change nothing stored", async () => {
    const init = { real_random: true, real_scale: 2, imag_random: false, imag_scale: 0.5, B_random: false, B_init: "random" };
    const more = { B_scale: 2, P_scale: 0, normalize: true, diagonalize_precision: false, B_clip: 1, deterministic: true };
    expect(relErr(await run(baseTensors(), { ...init, ...more }), await base)).toBe(0);
  });
});

/** Complex helpers for the formula kernels below. */
const cmul = (ar: number, ai: number, br: number, bi: number): [number, number] => [ar * br - ai * bi, ar * bi + ai * br];
const cexp = (r: number, i: number): [number, number] => [Math.exp(r) * Math.cos(i), Math.exp(r) * Math.sin(i)];
const cdiv = (ar: number, ai: number, br: number, bi: number): [number, number] => {
  const d = br * br + bi * bi;
  return [(ar * br + ai * bi) / d, (ai * br - ar * bi) / d];
};

/**
 * The ZOH S4D kernel by its formula, from raw official tensors with dt per (h, n):
 * K[h, l] = 2 Re sum_n C B (exp(dt A) - 1) / A exp(dt A l), A = -exp(A_real) - i A_imag.
 */
function zohKernel(t: Tensors, dt: (h: number, n: number) => number): Float64Array {
  const AR = data(t, "layer.kernel.A_real");
  const AI = data(t, "layer.kernel.A_imag");
  const B = data(t, "layer.kernel.B");
  const C = data(t, "layer.kernel.C");
  const K = new Float64Array(H * L);
  for (let h = 0; h < H; h++) {
    for (let n = 0; n < N2; n++) {
      const i = h * N2 + n;
      const [ar, ai] = [-Math.exp(AR[i]), -AI[i]];
      const d = dt(h, n);
      const [er, ei] = cexp(d * ar, d * ai);
      let [wr, wi] = cmul(...cmul(C[2 * i], C[2 * i + 1], B[2 * i], B[2 * i + 1]), ...cdiv(er - 1, ei, ar, ai));
      for (let l = 0; l < L; l++) {
        K[h * L + l] += 2 * wr;
        [wr, wi] = cmul(wr, wi, er, ei);
      }
    }
  }
  return K;
}

const kernelOf = (t: Tensors, args: Record<string, unknown>) =>
  withBlock(writeSafetensors(t), configWith(args), (b) => Float64Array.from(b.parts.kernel.kernel(L)));

describe("s4.py dt_tie, is_real, bandlimit, swap_channels (float64 twin)", () => {
  it("dt_tie false: one dt per mode, inv_dt (H, N2), matches the formula kernel; equal modes give the tied model", async () => {
    const t = baseTensors();
    const logDt = data(t, "layer.kernel.inv_dt");
    const perMode = Float64Array.from({ length: H * N2 }, (_, i) => logDt[Math.floor(i / N2)] + 0.7 * Math.sin(i));
    put(t, "layer.kernel.inv_dt", [H, N2], perMode);
    const K = await kernelOf(t, { dt_tie: false });
    const ref = zohKernel(t, (h, n) => Math.exp(perMode[h * N2 + n]));
    expect(relErr(K, ref)).toBeLessThan(1e-12);
    // not the tied kernel
    expect(
      relErr(
        K,
        zohKernel(t, (h) => Math.exp(logDt[h])),
      ),
    ).toBeGreaterThan(1e-3);
    put(
      t,
      "layer.kernel.inv_dt",
      [H, N2],
      Float64Array.from({ length: H * N2 }, (_, i) => logDt[Math.floor(i / N2)]),
    );
    expect(relErr(await run(t, { dt_tie: false }), await run(baseTensors(), {}))).toBeLessThan(1e-12);
  });

  it("is_real: real B, C and A_real (d_state modes) equal the complex model with zero imaginary parts", async () => {
    const real = baseTensors();
    const complex = baseTensors();
    const reOf = (v: Float64Array) => Float64Array.from({ length: v.length / 2 }, (_, i) => v[2 * i]);
    const zeroIm = (v: Float64Array) => Float64Array.from(v, (x, i) => (i % 2 === 0 ? x : 0));
    for (const [key, shape] of [
      ["layer.kernel.B", [1, H, N2]],
      ["layer.kernel.C", [1, H, N2]],
    ] as const) {
      put(real, key, [...shape], reOf(data(real, key)));
      put(complex, key, [...shape, 2], zeroIm(data(complex, key)));
    }
    real.delete("layer.kernel.A_imag");
    put(complex, "layer.kernel.A_imag", [H, N2], new Float64Array(H * N2));
    // a passed d_state of 16 is doubled and halved by the official kernel: 16 real modes
    const y = await run(real, { is_real: true, d_state: N2 });
    const yc = await run(complex, {});
    expect(relErr(y, yc)).toBeLessThan(1e-12);
    expect(relErr(y, await run(baseTensors(), {}))).toBeGreaterThan(1e-3);
    // the complex layout under is_real is named key by key
    await expect(run(baseTensors(), { is_real: true, d_state: N2 })).rejects.toThrow(CheckpointError);
    await expect(run(baseTensors(), { is_real: true, d_state: N2 })).rejects.toThrow(
      /wrong shape for "layer.kernel.C": expected \[1,16,16\], got \[1,16,16,2\][\s\S]*unexpected key "layer.kernel.A_imag"/,
    );
  });

  it("is_real bilinear where dt |A| > 2 (dA < 0, whose real log the official code makes NaN): the kernel is the powers of dA", async () => {
    const t = baseTensors();
    const reOf = (v: Float64Array) => Float64Array.from({ length: v.length / 2 }, (_, i) => v[2 * i]);
    const B = reOf(data(t, "layer.kernel.B"));
    const C = reOf(data(t, "layer.kernel.C"));
    put(t, "layer.kernel.B", [1, H, N2], B);
    put(t, "layer.kernel.C", [1, H, N2], C);
    t.delete("layer.kernel.A_imag");
    // S4D-Real A = -(1..N2) with dt = 0.3: dt |A| > 2 from the 7th mode on
    put(
      t,
      "layer.kernel.A_real",
      [H, N2],
      Float64Array.from({ length: H * N2 }, (_, i) => Math.log(1 + (i % N2))),
    );
    put(t, "layer.kernel.inv_dt", [H, 1], new Float64Array(H).fill(Math.log(0.3)));
    const K = await kernelOf(t, { is_real: true, d_state: N2, disc: "bilinear" });
    const ref = new Float64Array(H * L);
    for (let h = 0; h < H; h++)
      for (let n = 0; n < N2; n++) {
        const i = h * N2 + n;
        const dtA = -0.3 * (1 + n);
        const dA = (1 + dtA / 2) / (1 - dtA / 2);
        for (let l = 0; l < L; l++) ref[h * L + l] += ((2 * C[i] * B[i] * 0.3) / (1 - dtA / 2)) * dA ** l;
      }
    expect(relErr(K, ref)).toBeLessThan(1e-12);
  });

  it("bandlimit: C's modes with dt |Im A| / 2 pi >= bandlimit / 2 are zeroed (some, not all)", async () => {
    const t = baseTensors();
    const logDt = data(t, "layer.kernel.inv_dt");
    const AI = data(t, "layer.kernel.A_imag");
    const freq = (i: number) => (Math.exp(logDt[Math.floor(i / N2)]) * Math.abs(AI[i])) / (2 * Math.PI);
    const sorted = Array.from({ length: H * N2 }, (_, i) => freq(i)).sort((a, b) => a - b);
    const bandlimit = 2 * sorted[(H * N2) >> 1];
    const masked = baseTensors();
    const C = data(masked, "layer.kernel.C");
    let zeroed = 0;
    for (let i = 0; i < H * N2; i++) {
      if (freq(i) < bandlimit * 0.5) continue;
      C[2 * i] = 0;
      C[2 * i + 1] = 0;
      zeroed++;
    }
    expect(zeroed).toBeGreaterThan(0);
    expect(zeroed).toBeLessThan(H * N2);
    expect(relErr(await run(t, { bandlimit }), await run(masked, {}))).toBeLessThan(1e-12);
    expect(relErr(await run(t, { bandlimit }), await run(t, {}))).toBeGreaterThan(1e-3);
  });

  it("swap_channels: the Linear's columns in (h c) order; channels = 2 gives the default model's outputs", async () => {
    const c = 2;
    const dflt = baseTensors();
    const C1 = data(dflt, "layer.kernel.C");
    put(dflt, "layer.kernel.C", [c, H, N2, 2], [...C1, ...Float64Array.from(C1, (x, i) => x * Math.cos(i))]);
    put(dflt, "layer.D", [c, H], seeded(c * H, 3));
    const W = seeded(2 * H * c * H, 4).map((x) => x / 4);
    put(dflt, "output_linear.0.weight", [2 * H, c * H], W);
    const swapped = new Map(dflt);
    const Ws = new Float64Array(W.length);
    for (let o = 0; o < 2 * H; o++)
      for (let ci = 0; ci < c; ci++) for (let h = 0; h < H; h++) Ws[o * c * H + h * c + ci] = W[o * c * H + ci * H + h];
    put(swapped, "output_linear.0.weight", [2 * H, c * H], Ws);
    const y = await run(swapped, { channels: c, swap_channels: true });
    expect(relErr(y, await run(dflt, { channels: c }))).toBeLessThan(1e-12);
    expect(relErr(await run(swapped, { channels: c }), y)).toBeGreaterThan(1e-3);
  });
});

describe("s4.py parameter options: written back in the default storage", () => {
  it("is_real + dt_tie false + dt_transform softplus: readOfficial -> officialTensors -> loadOfficial gives the same outputs", async () => {
    const t = baseTensors();
    const reOf = (v: Float64Array) => Float64Array.from({ length: v.length / 2 }, (_, i) => v[2 * i]);
    put(t, "layer.kernel.B", [1, H, N2], reOf(data(t, "layer.kernel.B")));
    put(t, "layer.kernel.C", [1, H, N2], reOf(data(t, "layer.kernel.C")));
    t.delete("layer.kernel.A_imag");
    const logDt = data(t, "layer.kernel.inv_dt");
    const dt = (i: number) => Math.exp(logDt[Math.floor(i / N2)] - 0.01 * (i % N2));
    put(
      t,
      "layer.kernel.inv_dt",
      [H, N2],
      Float64Array.from({ length: H * N2 }, (_, i) => inverse.softplus(dt(i))),
    );
    const args = { is_real: true, d_state: N2, dt_tie: false, dt_transform: "softplus" };
    const y = await run(t, args);
    const canonical = readOfficial(writeSafetensors(t), configWith(args));
    const config = officialConfig(canonical);
    // complex storage, d_state = 2 * 16 modes, the defaults for every option
    expect(config.args).toMatchObject({ d_state: 2 * N2 });
    expect(config.args).not.toHaveProperty("is_real");
    const back = await withBlock(writeSafetensors(officialTensors(canonical, "F64")), config, (b) => forwardOf(b));
    expect(relErr(back, y)).toBeLessThan(1e-12);
  });
});

describe("s4.py parameter options: refusals", () => {
  it("a dt the transform makes non-positive is named with its key, index and transform", async () => {
    const t = baseTensors();
    put(
      t,
      "layer.kernel.inv_dt",
      [H, 1],
      Float64Array.from({ length: H }, (_, h) => (h === 3 ? -0.5 : 0.01)),
    );
    await expect(run(t, { dt_transform: "none" })).rejects.toThrow(S4ValueError);
    await expect(run(t, { dt_transform: "none" })).rejects.toThrow(
      /"layer.kernel.inv_dt"\[3\] = -0.5 gives dt = -0.5 under dt_transform "none"; expected a positive finite step size/,
    );
  });

  it("unknown transforms and the DPLR-only refusals are all listed at once", async () => {
    await expect(run(baseTensors(), { dt_transform: "cube", imag_transform: 3 })).rejects.toThrow(
      /2 problem\(s\)[\s\S]*dt_transform: expected one of "none", "exp", "relu", "sigmoid", "softplus", got "cube"[\s\S]*imag_transform: expected one of [^\n]*, got 3/,
    );
    await expect(run(baseTensors(), { mode: "dplr", is_real: true, dt_tie: false, bandlimit: 1, d_state: 32 })).rejects.toThrow(
      /is_real: a real-valued SSM is implemented for mode diag only[\s\S]*dt_tie: false \(one dt per mode\) is implemented for mode diag only[\s\S]*bandlimit: implemented for mode diag only[\s\S]*bandlimit: the official code cannot band-limit a real-valued SSM/,
    );
    await expect(run(baseTensors(), { bandlimit: 1, n_ssm: 4 })).rejects.toThrow(
      /bandlimit: needs n_ssm = 1 or d_model[^\n]*got n_ssm = 4/,
    );
  });

  it("postact without final_act null (the official constructor asserts) is refused; final_act's Linear is checked against it", async () => {
    await expect(run(baseTensors(), { postact: "glu" })).rejects.toThrow(
      /postact: "glu" needs final_act: null \(the official S4Block asserts it\), got final_act "glu"/,
    );
    // final_act "id" is Linear(H, H) and None has no Linear: the fixture's (2H, H) Linear is named
    await expect(run(baseTensors(), { final_act: "id" })).rejects.toThrow(
      /wrong shape for "output_linear.0.weight": expected \[16,16\], got \[32,16\]/,
    );
    await expect(run(baseTensors(), { final_act: null })).rejects.toThrow(/unexpected key "output_linear.0.weight"/);
    await expect(run(baseTensors(), { postact: "gelu", final_act: null })).rejects.toThrow(
      /wrong shape for "output_linear.0.bias": expected \[16\], got \[32\]/,
    );
  });
});
