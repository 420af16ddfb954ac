// S4Blocks with the official code's other activations (FFTConv `activation`, S4Block `mult_act`
// and `final_act`), loaded from the s4d_block fixture re-stored with such arguments: forward on
// both backends against a float64 reference computed here (direct causal convolution with the
// block's kernel, then each stage by its definition), step mode and prefill against forward, and
// the refusals.
import { S4ShapeError } from "@s4wasm/kernels";
import { describe, expect, it } from "vitest";
import type { S4Block } from "../src/index.js";
import {
  loadOfficial,
  type OfficialConfig,
  officialConfig,
  officialTensors,
  readOfficial,
  writeSafetensors,
} from "../src/official/index.js";
import { data, officialFixture, put, type Tensors } from "./fixture-tensors.js";
import { BACKENDS, kernelsFor, relErr, seeded, TOL } from "./helpers.js";

const FIXTURE = officialFixture("s4d_block");
const H = 16;
const L = 24;
const B = 2;

const sigmoid = (x: number) => 1 / (1 + Math.exp(-x));
const DEFINITIONS: Record<string, (x: number) => number> = {
  id: (x) => x,
  gelu: (x) => x * 0.5 * (1 + erf(x / Math.SQRT2)),
  tanh: Math.tanh,
  relu: (x) => Math.max(x, 0),
  elu: (x) => (x > 0 ? x : Math.expm1(x)),
  silu: (x) => x * sigmoid(x),
  swish: (x) => x * sigmoid(x),
  sigmoid,
  softplus: (x) => (x > 20 ? x : Math.log1p(Math.exp(x))),
};
/** erf by its Taylor series (|x| < 3 here: the activations' inputs are small). */
function erf(x: number): number {
  let term = x;
  let sum = x;
  for (let n = 1; n < 80; n++) {
    term *= (-x * x) / n;
    sum += term / (2 * n + 1);
  }
  return (2 / Math.sqrt(Math.PI)) * sum;
}

/**
 * The fixture's tensors with an output Linear of `rows` rows (null: none), as float64; with
 * `glu` (FFTConv activation glu) two channel groups for C and D, the second a variant of the first.
 */
function tensors(rows: number | null, glu = false): Tensors {
  const t = FIXTURE.tensors();
  t.delete("output_linear.0.weight");
  t.delete("output_linear.0.bias");
  if (rows !== null) {
    put(
      t,
      "output_linear.0.weight",
      [rows, H],
      seeded(rows * H, 5).map((v) => v / 3),
    );
    put(
      t,
      "output_linear.0.bias",
      [rows],
      seeded(rows, 6).map((v) => v / 10),
    );
  }
  if (glu) {
    const C = data(t, "layer.kernel.C");
    put(t, "layer.kernel.C", [2, H, C.length / (2 * H), 2], [...C, ...C.map((v, i) => v * Math.cos(i))]);
    put(t, "layer.D", [2, H], seeded(2 * H, 8));
  }
  return t;
}

const config: (args: Record<string, unknown>) => OfficialConfig = FIXTURE.with;

async function load(backend: "wasm" | "js", rows: number | null, args: Record<string, unknown>): Promise<S4Block> {
  const t = tensors(rows, args.activation === "glu");
  return (await loadOfficial(writeSafetensors(t), config(args), { kernels: await kernelsFor(backend) })) as S4Block;
}

/**
 * The float64 reference: y = final(W mult(act(K * u + D u)) + b), (B, H, L) -> (B, rows or H, L),
 * with K from the block's own kernel generator on the float64 twin.
 */
async function reference(
  u: Float64Array,
  rows: number | null,
  act: string,
  mult: string,
  final: string | null,
): Promise<Float64Array> {
  const glu = act === "glu";
  // K (groups, H, L) from the kernel generator of the same checkpoint on the float64 twin (the
  // tail does not change it)
  const block = await load("js", 2 * H, glu ? { activation: "glu" } : {});
  const K = Float64Array.from(block.parts.kernel.kernel(L));
  block.dispose();
  const t = tensors(rows, glu);
  const D = data(t, "layer.D");
  const groups = glu ? 2 : 1;
  // y (B, groups*H, L) = K * u + D u per channel group
  const y = new Float64Array(B * groups * H * L);
  for (let b = 0; b < B; b++)
    for (let c = 0; c < groups; c++)
      for (let h = 0; h < H; h++)
        for (let i = 0; i < L; i++) {
          let s = D[c * H + h] * u[(b * H + h) * L + i];
          for (let j = 0; j <= i; j++) s += K[(c * H + h) * L + i - j] * u[(b * H + h) * L + j];
          y[((b * groups + c) * H + h) * L + i] = s;
        }
  // the FFTConv activation (the GLU: first H features times the sigmoid of the next H), then mult_act
  const g = new Float64Array(B * H * L);
  for (let b = 0; b < B; b++)
    for (let h = 0; h < H; h++)
      for (let i = 0; i < L; i++) {
        const v = y[(b * groups * H + h) * L + i];
        const a = glu ? v * sigmoid(y[((b * groups + 1) * H + h) * L + i]) : DEFINITIONS[act](v);
        g[(b * H + h) * L + i] = DEFINITIONS[mult](a);
      }
  if (rows === null) return g;
  const W = data(t, "output_linear.0.weight");
  const bias = data(t, "output_linear.0.bias");
  const out = new Float64Array(B * H * L);
  for (let b = 0; b < B; b++)
    for (let i = 0; i < L; i++) {
      const z = new Float64Array(rows);
      for (let o = 0; o < rows; o++) {
        let s = bias[o];
        for (let h = 0; h < H; h++) s += W[o * H + h] * g[(b * H + h) * L + i];
        z[o] = s;
      }
      for (let o = 0; o < H; o++) {
        out[(b * H + o) * L + i] = final === "glu" ? z[o] * sigmoid(z[H + o]) : DEFINITIONS[final as string](z[o]);
      }
    }
  return out;
}

const CASES = [
  {
    name: "tanh / relu / silu",
    args: { activation: "tanh", mult_act: "relu", final_act: "silu" },
    rows: H,
    act: "tanh",
    mult: "relu",
    final: "silu",
  },
  { name: "id / elu / glu", args: { activation: "id", mult_act: "elu" }, rows: 2 * H, act: "id", mult: "elu", final: "glu" },
  {
    name: "swish / id / sigmoid",
    args: { activation: "swish", final_act: "sigmoid" },
    rows: H,
    act: "swish",
    mult: "id",
    final: "sigmoid",
  },
  { name: "gelu / id / softplus", args: { final_act: "softplus" }, rows: H, act: "gelu", mult: "id", final: "softplus" },
  {
    name: "relu / id / id (Linear alone)",
    args: { activation: "relu", final_act: "id" },
    rows: H,
    act: "relu",
    mult: "id",
    final: "id",
  },
  {
    name: "glu (2 channel groups) / tanh / glu",
    args: { activation: "glu", mult_act: "tanh" },
    rows: 2 * H,
    act: "glu",
    mult: "tanh",
    final: "glu",
  },
] as const;

describe.each(BACKENDS)("S4Block with other activations (%s)", (backend) => {
  const u = seeded(B * H * L, 9);
  const x = backend === "wasm" ? Float32Array.from(u) : u;

  it.each(CASES)("$name: forward matches the float64 reference; step and prefill + step match forward", async (c) => {
    const block = await load(backend, c.rows, c.args);
    const y = block.forward(x, { batch: B, length: L });
    const ref = await reference(u, c.rows, c.act, c.mult, c.final);
    expect(relErr(y, ref)).toBeLessThan(backend === "wasm" ? TOL.wasm : 1e-12);
    // stepping: frames (B, H) at t, gathered back into (B, H, L)
    const s = block.stepper({ batch: B });
    const frame = (t: number) => Float64Array.from({ length: B * H }, (_, i) => u[i * L + t]);
    const stepped = new Float64Array(B * H * L);
    const k = Math.floor(L / 2);
    const head = s.prefill(
      backend === "wasm" ? Float32Array.from(u.filter((_, i) => i % L < k)) : u.filter((_, i) => i % L < k),
      k,
    );
    for (let i = 0; i < B * H; i++) for (let t = 0; t < k; t++) stepped[i * L + t] = head[i * k + t];
    for (let t = k; t < L; t++) {
      const f = frame(t);
      const o = s.step(backend === "wasm" ? Float32Array.from(f) : f);
      for (let i = 0; i < B * H; i++) stepped[i * L + t] = o[i];
    }
    expect(relErr(stepped, y)).toBeLessThan(backend === "wasm" ? TOL.wasm : 1e-12);
    // into a caller's `out`: the same values, in that array; without it, arrays of their own
    s.reset();
    const f0 = backend === "wasm" ? Float32Array.from(frame(0)) : frame(0);
    const o = backend === "wasm" ? new Float32Array(B * H) : new Float64Array(B * H);
    expect(s.step(f0, o)).toBe(o);
    s.reset();
    const a = s.step(f0);
    const b = s.step(f0);
    expect(a).not.toBe(b);
    expect(Array.from(a)).toEqual(Array.from(o));
    expect(() => s.step(f0, new Float64Array(3) as never)).toThrow(/blockStepper.step|stepper.step|out/);
    s.dispose();
    block.dispose();
  });

  it("final_act None: no output Linear, the block outputs act(conv + D u) itself, also in layout (B, L, H)", async () => {
    const block = await load(backend, null, { final_act: null, activation: "tanh" });
    expect(block.outFeatures).toBe(H);
    const ref = await reference(u, null, "tanh", "id", null);
    expect(relErr(block.forward(x, { batch: B, length: L }), ref)).toBeLessThan(backend === "wasm" ? TOL.wasm : 1e-12);
    const blh = await load(backend, null, { final_act: null, activation: "tanh", transposed: false });
    const xt = x.map((_, i) => x[(Math.floor(i / (L * H)) * H + (i % H)) * L + (Math.floor(i / H) % L)]);
    const yt = blh.forward(xt, { batch: B, length: L });
    const back = Float64Array.from(yt, (_, i) => yt[(Math.floor(i / (H * L)) * L + (i % L)) * H + (Math.floor(i / L) % H)]);
    expect(relErr(back, ref)).toBeLessThan(backend === "wasm" ? TOL.wasm : 1e-12);
    block.dispose();
    blh.dispose();
  });

  it("an infinite input is refused by name even where the activation would bound it", async () => {
    const block = await load(backend, H, { activation: "relu", final_act: "tanh" });
    const bad = x.slice();
    bad[5] = Number.NEGATIVE_INFINITY;
    expect(() => block.forward(bad, { batch: B, length: L })).toThrow(/S4Block.forward\(x\)/);
    block.dispose();
  });
});

describe("S4Block activation options: written back", () => {
  it("readOfficial -> officialTensors + officialConfig -> loadOfficial keeps the activations and the outputs", async () => {
    const args = { activation: "tanh", mult_act: "relu", final_act: "silu" };
    const canonical = readOfficial(writeSafetensors(tensors(H)), config(args));
    const again = officialConfig(canonical);
    expect(again.args).toMatchObject(args);
    const kernels = await kernelsFor("js");
    const a = (await loadOfficial(writeSafetensors(tensors(H)), config(args), { kernels })) as S4Block;
    const b = (await loadOfficial(writeSafetensors(officialTensors(canonical, "F64")), again, { kernels })) as S4Block;
    const u = seeded(B * H * L, 3);
    expect(relErr(b.forward(u, { batch: B, length: L }), a.forward(u, { batch: B, length: L }))).toBe(0);
    const none = readOfficial(writeSafetensors(tensors(null)), config({ final_act: null }));
    expect(officialConfig(none).args).toMatchObject({ final_act: null });
    expect([...officialTensors(none).keys()].some((k) => k.startsWith("output_linear"))).toBe(false);
    a.dispose();
    b.dispose();
  });
});

describe("S4Block activation options: refusals", () => {
  it("unknown names, swap_channels with the conv GLU and tensors of the wrong size are named", async () => {
    await expect(load("js", H, { activation: "glu2", mult_act: "mish", final_act: "prelu" })).rejects.toThrow(
      /3 problem\(s\)[\s\S]*activation: "glu2" is not supported \(None, 'id'[^\n]*'softplus', 'glu'\)[\s\S]*mult_act: "mish" is not supported[\s\S]*final_act: "prelu" is not supported/,
    );
    // the GLU would halve the swapped (h c) order: not implemented
    await expect(load("js", 2 * H, { activation: "glu", swap_channels: true })).rejects.toThrow(
      /swap_channels: with activation glu it is not implemented/,
    );
    // activation glu doubles D's and the kernel's channel groups: the fixture's single group is named
    await expect(
      loadOfficial(writeSafetensors(tensors(2 * H)), config({ activation: "glu" }), { kernels: await kernelsFor("js") }),
    ).rejects.toThrow(
      /wrong shape for "layer.D": expected \[2,16\], got \[1,16\][\s\S]*wrong shape for "layer.kernel.C": expected \[2,16,16,2\]/,
    );
    // final_act tanh needs Linear(H, H): the fixture's (2H, H) is reported by key
    await expect(
      loadOfficial(writeSafetensors(tensors(2 * H)), config({ final_act: "tanh" }), { kernels: await kernelsFor("js") }),
    ).rejects.toThrow(/wrong shape for "output_linear.0.weight": expected \[16,16\], got \[32,16\]/);
    // parts given directly: an (H, H) weight for the GLU output is named with what it needs
    const block = await load("js", H, { final_act: "tanh" });
    const Block = block.constructor as typeof S4Block;
    expect(() => new Block(block.kernels, { ...block.parts, finalAct: "glu" })).toThrow(S4ShapeError);
    expect(() => new Block(block.kernels, { ...block.parts, finalAct: "glu" })).toThrow(
      /S4Block\(weight\): expected length 512 \(2\*H\*\(channels\*H\)\), got 256/,
    );
    expect(() => new Block(block.kernels, { ...block.parts, finalAct: null })).toThrow(
      /S4Block\(weight\): expected length 0 \(0 \(no output Linear\)\), got 256/,
    );
    expect(() => new Block(block.kernels, { ...block.parts, multActivation: "mish" as never })).toThrow(
      /S4Block\(multActivation\): expected one of "gelu", "id", "tanh"/,
    );
    block.dispose();
  });
});
