// loadOfficial end to end on the official fixtures: checkpoint bytes + config.json -> module ->
// forward(u) against io.json's y (float64 official outputs), both backends, with the project's
// own S4D / DPLR kernels. Also a checkpoint saved after a forward pass (C holding C-tilde,
// l_kernel > 0), served at L below, equal to and above l_kernel.
import { readFileSync } from "node:fs";
import { realOf, relErrorReal } from "@s4wasm/golden";
import { readGoldenFile } from "@s4wasm/golden/node";
import { js, loadKernels } from "@s4wasm/kernels";
import { describe, expect, it } from "vitest";
import {
  type CanonicalS4Block,
  loadOfficial,
  type OfficialConfig,
  parseSafetensors,
  readOfficial,
  type TensorToWrite,
  writeSafetensors,
} from "../src/official/index.js";
import { cTildeFromC, discretizeDPLRDense } from "../src/ssm/discretize.js";

const FIXTURES = new URL("../../../fixtures/official/", import.meta.url);
const TOL = { wasm: 1e-4, js: 1e-9 } as const;

function fixture(name: string) {
  const dir = new URL(`${name}/`, FIXTURES);
  return {
    bytes: new Uint8Array(readFileSync(new URL("model.safetensors", dir))),
    config: JSON.parse(readFileSync(new URL("config.json", dir), "utf8")) as OfficialConfig,
    io: readGoldenFile(new URL("io.json", dir).pathname),
  };
}

describe.each(["wasm", "js"] as const)("loadOfficial on fixtures/official (%s)", (backend) => {
  it.each(["s4d_block", "s4_dplr_block_bidir", "s4d_minimal", "s4model_example"])("%s reproduces io.json y", async (name) => {
    const kernels = await loadKernels({ backend });
    const { bytes, config, io } = fixture(name);
    for (const cs of io.cases) {
      // A fresh module per case, as the fixture was made.
      const model = await loadOfficial(bytes, config, { kernels });
      const u = realOf(cs.inputs, "u");
      const [B, L] = name === "s4model_example" ? [u.shape[0], u.shape[1]] : [u.shape[0], u.shape[2]];
      const y = model.forward(backend === "wasm" ? Float32Array.from(u.data) : u.data, { batch: B, length: L });
      expect(relErrorReal(y, realOf(cs.outputs, "y").data), `${name} ${cs.name}`).toBeLessThanOrEqual(TOL[backend]);
      model.dispose();
    }
  });

  it("a checkpoint holding C-tilde at l_kernel = 64 gives the official y at L = 64, 100 and 128", async () => {
    const kernels = await loadKernels({ backend });
    const { bytes, config, io } = fixture("s4_dplr_block_bidir");
    const c = readOfficial(bytes, config) as CanonicalS4Block;
    if (c.ssm.mode !== "dplr") throw new Error("dplr expected");
    const p = c.ssm.params;
    const CT = cTildeFromC(discretizeDPLRDense(p).dA, p.C, p.H, p.N2, 64);
    const f = parseSafetensors(bytes);
    const t = new Map<string, TensorToWrite>(
      [...f.tensors].map(([k, v]) => [k, { dtype: v.dtype, shape: v.shape, data: v.data }]),
    );
    t.set("layer.kernel.C", {
      dtype: "F32",
      shape: [2, 8, 16, 2],
      data: Float32Array.from({ length: 2 * CT.re.length }, (_, i) => (i % 2 ? CT.im : CT.re)[i >> 1]),
    });
    t.set("layer.kernel.l_kernel", { dtype: "I64", shape: [], data: BigInt64Array.of(64n) });
    const saved = writeSafetensors(t);
    for (const cs of io.cases) {
      const model = await loadOfficial(saved, config, { kernels });
      const u = realOf(cs.inputs, "u");
      const [B, , L] = u.shape;
      const y = model.forward(backend === "wasm" ? Float32Array.from(u.data) : u.data, { batch: B, length: L });
      // C-tilde was stored in float32, as a real checkpoint would: allow that rounding on js.
      expect(relErrorReal(y, realOf(cs.outputs, "y").data), `${cs.name}`).toBeLessThanOrEqual(backend === "js" ? 1e-6 : TOL.wasm);
      model.dispose();
    }
  });
});

describe("loadOfficialDir (Node helper)", () => {
  it("loads a fixture folder", async () => {
    const { loadOfficialDir, readOfficialDir } = await import("../src/official/node.js");
    const dir = new URL("s4d_minimal/", FIXTURES).pathname;
    const { canonical } = await readOfficialDir(dir);
    expect(canonical.module).toBe("models/s4/s4d.py:S4D");
    const model = await loadOfficialDir(dir, { backend: "js" });
    const { io } = fixture("s4d_minimal");
    const cs = io.cases[0];
    const u = realOf(cs.inputs, "u");
    const y = model.forward(u.data, { batch: u.shape[0], length: u.shape[2] });
    expect(relErrorReal(y, realOf(cs.outputs, "y").data)).toBeLessThanOrEqual(TOL.js);
    await expect(readOfficialDir("/nonexistent")).rejects.toThrow(/ENOENT/);
  });
});

describe("loadOfficial: channels = 2 against a direct float64 evaluation", () => {
  // bidirectional: the kernel has 2c channels, '(s c) h l' with s = 2: channel ch runs forward,
  // channel c + ch backward (taps shifted by one: y[t] += K1[q - t - 1] u[q] for q > t).
  it.each([false, true])(
    "y = GLU(W GELU(conv_c(u) + D_c u) + b), features in the official '(c h)' order (bidirectional %s)",
    async (bidirectional) => {
      const [H, N2, c, L, B] = [3, 2, 2, 12, 2];
      const kc = bidirectional ? 2 * c : c;
      let seed = 3;
      const r = () => {
        seed = (seed * 16807) % 2147483647;
        return (seed / 2147483647) * 2 - 1;
      };
      const vec = (n: number, s = 1) => Float64Array.from({ length: n }, () => s * r());
      const logDt = vec(H, 0.5).map((v) => v - 2);
      const Are = Float64Array.from({ length: H * N2 }, () => -0.2 - Math.abs(r()));
      const Aim = vec(H * N2, 3);
      const Bc = { re: vec(H * N2), im: vec(H * N2) };
      const C = { re: vec(kc * H * N2), im: vec(kc * H * N2) };
      const D = vec(c * H);
      const W = vec(2 * H * c * H, 0.5);
      const bias = vec(2 * H, 0.1);
      const inter = (re: Float64Array, im: Float64Array) =>
        Float64Array.from({ length: 2 * re.length }, (_, i) => (i % 2 ? im : re)[i >> 1]);
      const bytes = writeSafetensors({
        "layer.D": { dtype: "F64", shape: [c, H], data: D },
        "layer.kernel.inv_dt": { dtype: "F64", shape: [H, 1], data: logDt },
        "layer.kernel.C": { dtype: "F64", shape: [kc, H, N2, 2], data: inter(C.re, C.im) },
        "layer.kernel.B": { dtype: "F64", shape: [1, H, N2, 2], data: inter(Bc.re, Bc.im) },
        "layer.kernel.A_real": { dtype: "F64", shape: [H, N2], data: Are.map((v) => Math.log(-v)) },
        "layer.kernel.A_imag": { dtype: "F64", shape: [H, N2], data: Aim.map((v) => -v) },
        "output_linear.0.weight": { dtype: "F64", shape: [2 * H, c * H], data: W },
        "output_linear.0.bias": { dtype: "F64", shape: [2 * H], data: bias },
      });
      const config = {
        module: "models/s4/s4.py:S4Block",
        args: { d_model: H, d_state: 2 * N2, mode: "diag", channels: c, bidirectional },
      };
      const u = vec(B * H * L);
      // Direct evaluation: ZOH kernel, causal O(L^2) convolution, exact GELU, Linear, GLU.
      const K = new Float64Array(kc * H * L);
      for (let ch = 0; ch < kc; ch++)
        for (let h = 0; h < H; h++)
          for (let n = 0; n < N2; n++) {
            const i = h * N2 + n;
            const dt = Math.exp(logDt[h]);
            const [ar, ai] = [Are[i], Aim[i]];
            const e = Math.exp(ar * dt);
            const [er, ei] = [e * Math.cos(ai * dt) - 1, e * Math.sin(ai * dt)];
            const den = ar * ar + ai * ai;
            const [qr, qi] = [(er * ar + ei * ai) / den, (ei * ar - er * ai) / den];
            const k = (ch * H + h) * N2 + n;
            const [cbr, cbi] = [C.re[k] * Bc.re[i] - C.im[k] * Bc.im[i], C.re[k] * Bc.im[i] + C.im[k] * Bc.re[i]];
            const [wr, wi] = [cbr * qr - cbi * qi, cbr * qi + cbi * qr];
            for (let l = 0; l < L; l++) {
              const m = Math.exp(ar * dt * l);
              K[(ch * H + h) * L + l] += 2 * m * (wr * Math.cos(ai * dt * l) - wi * Math.sin(ai * dt * l));
            }
          }
      const ref = new Float64Array(B * H * L);
      for (let b = 0; b < B; b++)
        for (let t = 0; t < L; t++) {
          const g = new Float64Array(c * H);
          for (let ch = 0; ch < c; ch++)
            for (let h = 0; h < H; h++) {
              let s = D[ch * H + h] * u[(b * H + h) * L + t];
              for (let q = 0; q <= t; q++) s += K[(ch * H + h) * L + (t - q)] * u[(b * H + h) * L + q];
              if (bidirectional)
                for (let q = t + 1; q < L; q++) s += K[((c + ch) * H + h) * L + (q - t - 1)] * u[(b * H + h) * L + q];
              g[ch * H + h] = js.gelu64(s);
            }
          for (let o = 0; o < H; o++) {
            let v = bias[o];
            let z = bias[H + o];
            for (let f = 0; f < c * H; f++) {
              v += W[o * c * H + f] * g[f];
              z += W[(H + o) * c * H + f] * g[f];
            }
            ref[(b * H + o) * L + t] = v / (1 + Math.exp(-z));
          }
        }
      for (const backend of ["js", "wasm"] as const) {
        const model = await loadOfficial(bytes, config, { backend });
        const y = model.forward(backend === "wasm" ? Float32Array.from(u) : u, { batch: B, length: L });
        expect(relErrorReal(y, ref), backend).toBeLessThan(backend === "js" ? 1e-9 : 1e-4);
        model.dispose();
      }
    },
  );
});

describe("loadOfficial: transposed = false takes and returns (B, L, H)", () => {
  it("s4d_block with transposed false reproduces io.json y, transposed", async () => {
    const { bytes, config, io } = fixture("s4d_block");
    const model = await loadOfficial(bytes, { ...config, args: { ...config.args, transposed: false } }, { backend: "js" });
    const cs = io.cases[0];
    const u = realOf(cs.inputs, "u");
    const [B, H, L] = u.shape;
    const swap = (x: ArrayLike<number>, d1: number, d2: number) => {
      // (B, d1, d2) -> (B, d2, d1)
      const out = new Float64Array(x.length);
      for (let b = 0; b < B; b++)
        for (let i = 0; i < d1; i++) for (let j = 0; j < d2; j++) out[(b * d2 + j) * d1 + i] = x[(b * d1 + i) * d2 + j];
      return out;
    };
    const y = model.forward(swap(u.data, H, L), { batch: B, length: L });
    expect(relErrorReal(swap(y, L, H), realOf(cs.outputs, "y").data)).toBeLessThanOrEqual(TOL.js);
    model.dispose();
  });
});
