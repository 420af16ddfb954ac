import { readFileSync } from "node:fs";
import { complexOf as goldenComplex, realOf } from "@s4wasm/golden";
import { readGolden } from "@s4wasm/golden/node";
import { S4ValueError } from "@s4wasm/kernels";
import { describe, expect, it } from "vitest";
import {
  type CanonicalS4Block,
  type CanonicalS4D,
  type CanonicalS4Model,
  CheckpointError,
  expectedTensors,
  normalizeConfig,
  type OfficialConfig,
  parseSafetensors,
  readOfficial,
  SafetensorsError,
  type TensorToWrite,
  writeSafetensors,
} from "../src/official/index.js";
import { cFromCTilde, cTildeFromC, discretizeDPLRDense } from "../src/ssm/discretize.js";
import type { S4DParams } from "../src/ssm/params.js";

const FIXTURES = new URL("../../../fixtures/official/", import.meta.url);
const FOLDERS = ["s4d_block", "s4_dplr_block_bidir", "s4d_minimal", "s4model_example"] as const;

interface FixtureConfig extends OfficialConfig {
  state_dict: { name: string; dtype: string; shape: number[] }[];
}

function fixture(name: string): { bytes: Uint8Array; config: FixtureConfig } {
  return {
    bytes: new Uint8Array(readFileSync(new URL(`${name}/model.safetensors`, FIXTURES))),
    config: JSON.parse(readFileSync(new URL(`${name}/config.json`, FIXTURES), "utf8")),
  };
}

/**
 * A test-local reader of the raw bytes (not our parser): u64 header length, JSON, then each F32
 * tensor's values straight from a DataView at 8 + N + begin.
 */
function rawF32(bytes: Uint8Array, key: string): number[] {
  const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const n = Number(dv.getBigUint64(0, true));
  const header = JSON.parse(new TextDecoder().decode(bytes.subarray(8, 8 + n)));
  const e = header[key];
  expect(e.dtype).toBe("F32");
  const out: number[] = [];
  for (let p = e.data_offsets[0]; p < e.data_offsets[1]; p += 4) out.push(dv.getFloat32(8 + n + p, true));
  return out;
}

const even = (a: number[]) => a.filter((_, i) => i % 2 === 0);
const odd = (a: number[]) => a.filter((_, i) => i % 2 === 1);
const arr = (a: ArrayLike<number>) => Array.from(a);

describe("official checkpoints: expected key set", () => {
  it.each(FOLDERS)("%s: the keys, dtypes and shapes we derive from the args equal config.json's state_dict listing", (name) => {
    const { config } = fixture(name);
    const expected = expectedTensors(normalizeConfig(config));
    const listed = config.state_dict.map((t) => ({ key: t.name, dtype: t.dtype, shape: t.shape }));
    const ours = expected.map((t) => ({ key: t.key, dtype: t.kind === "float" ? "F32" : "I64", shape: t.shape }));
    const byKey = (a: { key: string }, b: { key: string }) => a.key.localeCompare(b.key);
    expect(ours.sort(byKey)).toEqual(listed.sort(byKey));
  });
});

describe("official checkpoints: values (recomputed from the raw bytes)", () => {
  it("s4d_block (s4.py, diag): dt = exp(inv_dt), A = -exp(A_real) - i A_imag, B[0], C, D, Linear", () => {
    const { bytes, config } = fixture("s4d_block");
    const c = readOfficial(bytes, config) as CanonicalS4Block;
    expect(c.module).toBe("models/s4/s4.py:S4Block");
    expect(c.ssm.mode).toBe("diag");
    expect(c.ssm.disc).toBe("zoh");
    const p = c.ssm.params as S4DParams;
    expect([p.H, p.N2, p.channels]).toEqual([16, 16, 1]);
    expect(arr(p.logDt)).toEqual(rawF32(bytes, "layer.kernel.inv_dt"));
    expect(arr(p.A.re)).toEqual(rawF32(bytes, "layer.kernel.A_real").map((v) => -Math.exp(v)));
    expect(arr(p.A.im)).toEqual(rawF32(bytes, "layer.kernel.A_imag").map((v) => -v));
    // The init clamps A_imag >= 1e-4, so the first mode's imaginary part is -1e-4 (float32).
    expect(p.A.im[0]).toBeCloseTo(-1e-4, 10);
    expect(arr(p.B.re)).toEqual(even(rawF32(bytes, "layer.kernel.B")));
    expect(arr(p.B.im)).toEqual(odd(rawF32(bytes, "layer.kernel.B")));
    expect(arr(p.C.re)).toEqual(even(rawF32(bytes, "layer.kernel.C")));
    expect(arr(p.C.im)).toEqual(odd(rawF32(bytes, "layer.kernel.C")));
    expect(arr(c.D)).toEqual(rawF32(bytes, "layer.D"));
    expect(c.outputLinear).toMatchObject({ inFeatures: 16, outFeatures: 32 });
    expect(arr(c.outputLinear?.weight ?? [])).toEqual(rawF32(bytes, "output_linear.0.weight"));
    expect(arr(c.outputLinear?.bias ?? [])).toEqual(rawF32(bytes, "output_linear.0.bias"));
    expect(c.config.transposed).toBe(true);
  });

  it("s4_dplr_block_bidir: Lambda = -exp(A_real) - i A_imag, P, two C channels (forward, backward), l_kernel = 0 -> original C", () => {
    const { bytes, config } = fixture("s4_dplr_block_bidir");
    const c = readOfficial(bytes, config) as CanonicalS4Block;
    expect(c.ssm.mode).toBe("dplr");
    if (c.ssm.mode !== "dplr") return;
    const p = c.ssm.params;
    expect([p.H, p.N2, p.rank, p.channels, p.cForm, p.tildeLength]).toEqual([8, 16, 1, 2, "C", undefined]);
    expect(arr(p.Lambda.re)).toEqual(rawF32(bytes, "layer.kernel.A_real").map((v) => -Math.exp(v)));
    expect(arr(p.Lambda.im)).toEqual(rawF32(bytes, "layer.kernel.A_imag").map((v) => -v));
    expect(arr(p.P.re)).toEqual(even(rawF32(bytes, "layer.kernel.P")));
    expect(arr(p.P.im)).toEqual(odd(rawF32(bytes, "layer.kernel.P")));
    const C = rawF32(bytes, "layer.kernel.C");
    // Channel 1 (backward) starts after H * N2 complex values of channel 0.
    expect(p.C.re[8 * 16]).toBe(C[2 * 8 * 16]);
    expect(p.C.im[2 * 8 * 16 - 1]).toBe(C[2 * (2 * 8 * 16) - 1]);
    expect(arr(p.C.im)).toEqual(odd(C));
    expect(arr(p.logDt)).toEqual(rawF32(bytes, "layer.kernel.inv_dt"));
    expect(c.D.length).toBe(8); // (1, H): not doubled when bidirectional
    expect(c.config.bidirectional).toBe(true);
  });

  it("s4d_minimal (s4d.py): A = -exp(log_A_real) + i A_imag (the opposite sign), B = 1, Conv1d weight (2H, H, 1) -> (2H, H)", () => {
    const { bytes, config } = fixture("s4d_minimal");
    const c = readOfficial(bytes, config) as CanonicalS4D;
    expect(c.module).toBe("models/s4/s4d.py:S4D");
    const p = c.ssm.params;
    expect([p.H, p.N2, p.channels]).toEqual([16, 32, 1]);
    expect(arr(p.A.im)).toEqual(rawF32(bytes, "kernel.A_imag"));
    expect(p.A.im[1]).toBeCloseTo(Math.PI, 6); // the unclamped init A_imag = pi n
    expect(arr(p.A.re)).toEqual(rawF32(bytes, "kernel.log_A_real").map((v) => -Math.exp(v)));
    expect(arr(p.logDt)).toEqual(rawF32(bytes, "kernel.log_dt"));
    expect(arr(p.B.re).every((v) => v === 1) && arr(p.B.im).every((v) => v === 0)).toBe(true);
    expect(arr(p.C.re)).toEqual(even(rawF32(bytes, "kernel.C")));
    expect(c.outputLinear).toMatchObject({ inFeatures: 16, outFeatures: 32 });
    expect(arr(c.outputLinear.weight)).toEqual(rawF32(bytes, "output_linear.0.weight"));
    expect(arr(c.D)).toEqual(rawF32(bytes, "D"));
  });

  it("s4model_example (example.py): encoder, two S4D layers, norms, decoder", () => {
    const { bytes, config } = fixture("s4model_example");
    const c = readOfficial(bytes, config) as CanonicalS4Model;
    expect(c.config).toMatchObject({ dInput: 1, dOutput: 10, dModel: 32, nLayers: 2, prenorm: false, dState: 64 });
    expect(c.encoder).toMatchObject({ inFeatures: 1, outFeatures: 32 });
    expect(arr(c.encoder.weight)).toEqual(rawF32(bytes, "encoder.weight"));
    expect(c.decoder).toMatchObject({ inFeatures: 32, outFeatures: 10 });
    expect(arr(c.decoder.bias)).toEqual(rawF32(bytes, "decoder.bias"));
    expect(c.layers).toHaveLength(2);
    expect(arr(c.layers[1].ssm.params.A.im)).toEqual(rawF32(bytes, "s4_layers.1.kernel.A_imag"));
    expect(arr(c.layers[0].outputLinear.weight)).toEqual(rawF32(bytes, "s4_layers.0.output_linear.0.weight"));
    expect(arr(c.norms[1].weight)).toEqual(rawF32(bytes, "norms.1.weight"));
    expect(c.norms[0].eps).toBe(1e-5);
  });
});

/** Rebuild a fixture's file with edits (through the writer) for the malformed-checkpoint tests. */
function edited(name: string, edit: (t: Map<string, TensorToWrite>) => void): Uint8Array {
  const f = parseSafetensors(fixture(name).bytes);
  const t = new Map<string, TensorToWrite>([...f.tensors].map(([k, v]) => [k, { dtype: v.dtype, shape: v.shape, data: v.data }]));
  edit(t);
  return writeSafetensors(t);
}

describe("official conventions against the golden s4d_kernel storage columns", () => {
  it("s4.py (inv_dt, A_real, -A_imag) and s4d.py (log_dt, log_A_real, +A_imag) both give the golden A and log dt", () => {
    const golden = readGolden("s4d_kernel");
    for (const gc of golden.cases) {
      const g = gc.inputs;
      const H = realOf(g, "log_dt").shape[0];
      const N2 = realOf(g, "A_re").shape[1];
      const B = goldenComplex(g, "B");
      const C = goldenComplex(g, "C");
      const inter = (c: { re: Float64Array; im: Float64Array }) =>
        Float64Array.from({ length: 2 * c.re.length }, (_, i) => (i % 2 ? c.im : c.re)[i >> 1]);
      const zeros = (n: number) => new Float64Array(n);
      const s4py = writeSafetensors({
        "layer.D": { dtype: "F64", shape: [1, H], data: zeros(H) },
        "layer.kernel.inv_dt": { dtype: "F64", shape: [H, 1], data: realOf(g, "s4py_inv_dt").data },
        "layer.kernel.C": { dtype: "F64", shape: [1, H, N2, 2], data: inter(C) },
        "layer.kernel.B": { dtype: "F64", shape: [1, H, N2, 2], data: inter(B) },
        "layer.kernel.A_real": { dtype: "F64", shape: [H, N2], data: realOf(g, "s4py_A_real").data },
        "layer.kernel.A_imag": { dtype: "F64", shape: [H, N2], data: realOf(g, "s4py_A_imag").data },
        "output_linear.0.weight": { dtype: "F64", shape: [2 * H, H], data: zeros(2 * H * H) },
        "output_linear.0.bias": { dtype: "F64", shape: [2 * H], data: zeros(2 * H) },
      });
      const a = readOfficial(s4py, {
        module: "models/s4/s4.py:S4Block",
        args: { d_model: H, d_state: 2 * N2, mode: "diag" },
      }) as CanonicalS4Block;
      const s4dpy = writeSafetensors({
        D: { dtype: "F64", shape: [H], data: zeros(H) },
        "kernel.C": { dtype: "F64", shape: [H, N2, 2], data: inter(C) },
        "kernel.log_dt": { dtype: "F64", shape: [H], data: realOf(g, "s4dpy_log_dt").data },
        "kernel.log_A_real": { dtype: "F64", shape: [H, N2], data: realOf(g, "s4dpy_log_A_real").data },
        "kernel.A_imag": { dtype: "F64", shape: [H, N2], data: realOf(g, "s4dpy_A_imag").data },
        "output_linear.0.weight": { dtype: "F64", shape: [2 * H, H, 1], data: zeros(2 * H * H) },
        "output_linear.0.bias": { dtype: "F64", shape: [2 * H], data: zeros(2 * H) },
      });
      const b = readOfficial(s4dpy, { module: "models/s4/s4d.py:S4D", args: { d_model: H, d_state: 2 * N2 } }) as CanonicalS4D;
      const Are = realOf(g, "A_re").data;
      const Aim = realOf(g, "A_im").data;
      for (const p of [a.ssm.params as S4DParams, b.ssm.params]) {
        for (let i = 0; i < H * N2; i++) {
          expect(p.A.re[i], `${gc.name} A_re[${i}]`).toBeCloseTo(Are[i], 12);
          expect(p.A.im[i], `${gc.name} A_im[${i}]`).toBeCloseTo(Aim[i], 12);
        }
        expect(arr(p.logDt)).toEqual(arr(realOf(g, "log_dt").data));
      }
      expect(arr(a.ssm.params.B.re)).toEqual(arr(B.re));
    }
  });
});

describe("official checkpoints: C-tilde (l_kernel > 0)", () => {
  it("keeps C-tilde and its length; C-tilde -> C recovers the original C", () => {
    const { bytes, config } = fixture("s4_dplr_block_bidir");
    const orig = readOfficial(bytes, config) as CanonicalS4Block;
    if (orig.ssm.mode !== "dplr") throw new Error("dplr expected");
    const p = orig.ssm.params;
    const { dA } = discretizeDPLRDense(p);
    const L = 64;
    const CT = cTildeFromC(dA, p.C, p.H, p.N2, L);
    const file = edited("s4_dplr_block_bidir", (t) => {
      t.set("layer.kernel.C", {
        dtype: "F64",
        shape: [2, 8, 16, 2],
        data: Float64Array.from({ length: 2 * CT.re.length }, (_, i) => (i % 2 ? CT.im : CT.re)[i >> 1]),
      });
      t.set("layer.kernel.l_kernel", { dtype: "I64", shape: [], data: BigInt64Array.of(BigInt(L)) });
    });
    const c = readOfficial(file, config) as CanonicalS4Block;
    if (c.ssm.mode !== "dplr") throw new Error("dplr expected");
    expect(c.ssm.params.cForm).toBe("CTilde");
    expect(c.ssm.params.tildeLength).toBe(L);
    const back = cFromCTilde(dA, c.ssm.params.C, p.H, p.N2, L);
    for (let i = 0; i < back.re.length; i++) {
      expect(back.re[i]).toBeCloseTo(p.C.re[i], 9);
      expect(back.im[i]).toBeCloseTo(p.C.im[i], 9);
    }
  });
});

describe("official checkpoints: malformed files and mismatches", () => {
  const { bytes, config } = fixture("s4d_block");

  it("truncated file -> SafetensorsError (truncated / trailing bytes)", () => {
    expect(() => readOfficial(bytes.subarray(0, 5), config)).toThrow(/shorter than the 8-byte header length/);
    expect(() => readOfficial(bytes.subarray(0, 100), config)).toThrow(/header length says/);
    expect(() => readOfficial(bytes.subarray(0, bytes.length - 4), config)).toThrow(SafetensorsError);
  });

  it("header that is not JSON -> SafetensorsError header-json", () => {
    const b = bytes.slice();
    b[8] = "x".charCodeAt(0);
    expect(() => readOfficial(b, config)).toThrow(/header is not JSON/);
  });

  it("offsets out of range -> SafetensorsError offsets, naming the tensor", () => {
    const n = Number(new DataView(bytes.buffer, bytes.byteOffset).getBigUint64(0, true));
    const header = JSON.parse(new TextDecoder().decode(bytes.subarray(8, 8 + n)));
    header["layer.D"].data_offsets = [0, 10 ** 9];
    const h = new TextEncoder().encode(JSON.stringify(header));
    const b = new Uint8Array(8 + h.length + (bytes.length - 8 - n));
    new DataView(b.buffer).setBigUint64(0, BigInt(h.length), true);
    b.set(h, 8);
    b.set(bytes.subarray(8 + n), 8 + h.length);
    expect(() => readOfficial(b, config)).toThrow(/tensor "layer.D": data_offsets \[0, 1000000000\] out of range/);
  });

  it("missing, unexpected, wrong shape, wrong dtype and non-finite: all listed in ONE CheckpointError", () => {
    const b = edited("s4d_block", (t) => {
      t.delete("layer.kernel.B");
      t.set("layer.kernel.extra", { dtype: "F32", shape: [1], data: Float32Array.of(1) });
      t.set("layer.D", { dtype: "F32", shape: [2, 16], data: new Float32Array(32) });
      t.set("output_linear.0.bias", { dtype: "I64", shape: [32], data: new BigInt64Array(32) });
      t.set("layer.kernel.inv_dt", { dtype: "F32", shape: [16, 1], data: new Float32Array(16).fill(Number.NaN) });
    });
    let err: CheckpointError | undefined;
    try {
      readOfficial(b, config);
    } catch (e) {
      err = e as CheckpointError;
    }
    expect(err).toBeInstanceOf(CheckpointError);
    expect(err?.problems.map((p) => `${p.kind} ${p.key}`).sort()).toEqual(
      [
        "dtype output_linear.0.bias",
        "missing layer.kernel.B",
        "shape layer.D",
        "unexpected layer.kernel.extra",
        "value layer.kernel.inv_dt",
      ].sort(),
    );
    expect(err?.message).toMatch(/5 problem\(s\)/);
    expect(err?.message).toMatch(/missing key "layer.kernel.B" \(expected shape \[1,16,16,2\]\)/);
    expect(err?.message).toMatch(/unexpected key "layer.kernel.extra"/);
    expect(err?.message).toMatch(/wrong shape for "layer.D": expected \[1,16\], got \[2,16\]/);
    expect(err?.message).toMatch(/wrong dtype for "output_linear.0.bias": expected F32 or F64 or F16 or BF16, got I64/);
    expect(err?.message).toMatch(/non-finite value NaN/);
  });

  it("a checkpoint of another config (d_state, mode) is a CheckpointError, not garbage", () => {
    expect(() => readOfficial(bytes, { ...config, args: { ...config.args, d_state: 64 } })).toThrow(CheckpointError);
    expect(() => readOfficial(bytes, { ...config, args: { ...config.args, mode: "dplr" } })).toThrow(
      /missing key "layer.kernel.P"/,
    );
  });

  it("half-precision and float64 storage are accepted and widened exactly", () => {
    const b = edited("s4d_block", (t) => {
      const w = t.get("layer.D");
      if (w) t.set("layer.D", { dtype: "F64", shape: w.shape, data: Float64Array.from(w.data as Float32Array) });
      t.set("output_linear.0.bias", { dtype: "BF16", shape: [32], data: new Uint16Array(32).fill(0x3f80) });
    });
    const c = readOfficial(b, config) as CanonicalS4Block;
    expect(arr(c.D)).toEqual(rawF32(bytes, "layer.D"));
    expect(arr(c.outputLinear?.bias ?? []).every((v) => v === 1)).toBe(true);
    expect(c.outputLinear?.bias.length).toBe(2 * 16);
  });

  it("bad configs: every problem named at once", () => {
    expect(() => readOfficial(bytes, { module: "models/s4/s5.py:S5", args: {} })).toThrow(
      /expected one of "models\/s4\/s4.py:S4Block"/,
    );
    let msg = "";
    try {
      readOfficial(bytes, { module: "models/s4/s4.py:S4Block", args: { mode: "fancy", d_state: 7, gate: 2, wat: 1 } });
    } catch (e) {
      expect(e).toBeInstanceOf(S4ValueError);
      msg = (e as Error).message;
    }
    for (const part of [
      "d_model: required",
      'mode: "fancy" is not supported',
      "d_state: expected an even number",
      "gate: 2 is not supported",
      "wat: unknown argument",
    ]) {
      expect(msg).toContain(part);
    }
    // Short module names and training-only arguments are fine.
    expect(() =>
      readOfficial(bytes, { module: "s4.py:S4Block", args: { ...config.args, lr: 0.001, dt_min: 0.01 } }),
    ).not.toThrow();
  });

  it("n_ssm < H: A, B (and P) rows repeat to H the official '(v t)' way", () => {
    const H = 4;
    const N2 = 2;
    const z = (n: number) => new Float64Array(n);
    const b = writeSafetensors({
      "layer.D": { dtype: "F64", shape: [1, H], data: z(H) },
      "layer.kernel.inv_dt": { dtype: "F64", shape: [H, 1], data: z(H) },
      "layer.kernel.C": { dtype: "F64", shape: [1, H, N2, 2], data: z(H * N2 * 2) },
      "layer.kernel.B": { dtype: "F64", shape: [1, 2, N2, 2], data: Float64Array.of(1, 0, 2, 0, 3, 0, 4, 0) },
      "layer.kernel.A_real": { dtype: "F64", shape: [2, N2], data: z(4) },
      "layer.kernel.A_imag": { dtype: "F64", shape: [2, N2], data: Float64Array.of(10, 11, 20, 21) },
      "output_linear.0.weight": { dtype: "F64", shape: [2 * H, H], data: z(2 * H * H) },
      "output_linear.0.bias": { dtype: "F64", shape: [2 * H], data: z(2 * H) },
    });
    const c = readOfficial(b, {
      module: "models/s4/s4.py:S4Block",
      args: { d_model: H, d_state: 2 * N2, mode: "diag", n_ssm: 2 },
    }) as CanonicalS4Block;
    expect(arr((c.ssm.params as S4DParams).A.im)).toEqual([-10, -11, -20, -21, -10, -11, -20, -21]);
    expect(arr(c.ssm.params.B.re)).toEqual([1, 2, 3, 4, 1, 2, 3, 4]);
  });
});
