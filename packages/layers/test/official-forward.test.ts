// End to end through the official conversion: readOfficial (canonical params) -> a float64
// kernel computed HERE from the canonical params by the paper's formulas -> compared with the
// official kernel K in io.json (proves every storage convention: signs, dt, B, C channels, ...)
// -> S4Block / S4Model with that kernel fixed -> compared with the official outputs y.
import { readFileSync } from "node:fs";
import { realOf, relErrorReal } from "@s4wasm/golden";
import { readGoldenFile } from "@s4wasm/golden/node";
import { loadKernels } from "@s4wasm/kernels";
import { describe, expect, it } from "vitest";
import { FixedKernel, S4Block, S4Model } from "../src/index.js";
import {
  type CanonicalLinear,
  type CanonicalS4Block,
  type CanonicalS4D,
  type CanonicalS4Model,
  type CanonicalSSM,
  readOfficial,
} from "../src/official/index.js";
import { discretizeDPLRDense } from "../src/ssm/discretize.js";

const FIXTURES = new URL("../../../fixtures/official/", import.meta.url);
const TOL = { wasm: 1e-4, js: 1e-9 } as const;

function load(name: string) {
  const dir = new URL(`${name}/`, FIXTURES);
  const config = JSON.parse(readFileSync(new URL("config.json", dir), "utf8"));
  const canonical = readOfficial(new Uint8Array(readFileSync(new URL("model.safetensors", dir))), config);
  const io = readGoldenFile(new URL("io.json", dir).pathname);
  return { canonical, io };
}

/** K (channels, H, L) in float64 from canonical parameters. */
function kernelOf(ssm: CanonicalSSM, L: number): Float64Array {
  if (ssm.mode === "diag") {
    // ZOH: K = 2 Re sum_n C B (exp(dt A) - 1) / A exp(dt A l); bilinear is not used by the fixtures.
    const { H, N2, channels, logDt, A, B, C } = ssm.params;
    expect(ssm.disc).toBe("zoh");
    const K = new Float64Array(channels * H * L);
    for (let c = 0; c < channels; c++)
      for (let h = 0; h < H; h++) {
        const dt = Math.exp(logDt[h]);
        for (let n = 0; n < N2; n++) {
          const i = h * N2 + n;
          const [ar, ai] = [A.re[i] * dt, A.im[i] * dt];
          const e = Math.exp(ar);
          const [er, ei] = [e * Math.cos(ai) - 1, e * Math.sin(ai)]; // exp(dtA) - 1
          const den = A.re[i] * A.re[i] + A.im[i] * A.im[i];
          const [qr, qi] = [(er * A.re[i] + ei * A.im[i]) / den, (ei * A.re[i] - er * A.im[i]) / den]; // (exp(dtA)-1)/A
          const ci = (c * H + h) * N2 + n;
          const [cbr, cbi] = [C.re[ci] * B.re[i] - C.im[ci] * B.im[i], C.re[ci] * B.im[i] + C.im[ci] * B.re[i]];
          const [wr, wi] = [cbr * qr - cbi * qi, cbr * qi + cbi * qr];
          for (let l = 0; l < L; l++) {
            const m = Math.exp(ar * l);
            K[(c * H + h) * L + l] += 2 * m * (wr * Math.cos(ai * l) - wi * Math.sin(ai * l));
          }
        }
      }
    return K;
  }
  // DPLR with the original C (l_kernel = 0 in the fixture): K[l] = Re(C_full dA^l dB_full) on
  // the dense bilinear system, C_full = [C, conj C].
  const p = ssm.params;
  expect(p.cForm).toBe("C");
  const { N, dA, dB } = discretizeDPLRDense(p);
  const { H, N2, channels } = p;
  const K = new Float64Array(channels * H * L);
  for (let h = 0; h < H; h++) {
    let vr = Float64Array.from({ length: N }, (_, j) => dB.re[h * N + j]);
    let vi = Float64Array.from({ length: N }, (_, j) => dB.im[h * N + j]);
    for (let l = 0; l < L; l++) {
      for (let c = 0; c < channels; c++) {
        let s = 0;
        for (let j = 0; j < N; j++) {
          const k = (c * H + h) * N2 + (j % N2);
          const [cr, ci] = j < N2 ? [p.C.re[k], p.C.im[k]] : [p.C.re[k], -p.C.im[k]];
          s += cr * vr[j] - ci * vi[j];
        }
        K[(c * H + h) * L + l] = s;
      }
      const nr = new Float64Array(N);
      const ni = new Float64Array(N);
      const base = h * N * N;
      for (let a = 0; a < N; a++)
        for (let b = 0; b < N; b++) {
          const mr = dA.re[base + a * N + b];
          const mi = dA.im[base + a * N + b];
          nr[a] += mr * vr[b] - mi * vi[b];
          ni[a] += mr * vi[b] + mi * vr[b];
        }
      vr = nr;
      vi = ni;
    }
  }
  return K;
}

describe("official fixtures: kernels from the canonical parameters equal the official K", () => {
  it.each(["s4d_block", "s4_dplr_block_bidir", "s4d_minimal"])("%s", (name) => {
    const { canonical, io } = load(name);
    const c = canonical as CanonicalS4Block | CanonicalS4D;
    for (const cs of io.cases) {
      const K = realOf(cs.outputs, "K");
      const L = K.shape[K.shape.length - 1];
      expect(relErrorReal(kernelOf(c.ssm, L), K.data), `${name} ${cs.name}`).toBeLessThan(1e-9);
    }
  });

  it("s4model_example: both layers", () => {
    const { canonical, io } = load("s4model_example");
    const m = canonical as CanonicalS4Model;
    const cs = io.cases[0];
    for (const i of [0, 1]) {
      const K = realOf(cs.outputs, `K_layer${i}`);
      expect(relErrorReal(kernelOf(m.layers[i].ssm, 128), K.data)).toBeLessThan(1e-9);
    }
  });
});

function blockOf(k: Awaited<ReturnType<typeof loadKernels>>, c: CanonicalS4Block | CanonicalS4D, L: number): S4Block {
  const p = c.ssm.params;
  const bidirectional = c.module === "models/s4/s4.py:S4Block" && c.config.bidirectional;
  return new S4Block(k, {
    kernel: new FixedKernel(k, kernelOf(c.ssm, L), { channels: p.channels, H: p.H, length: L }),
    D: c.D,
    bidirectional,
    // the fixtures all have the default GLU output Linear
    weight: (c.outputLinear as CanonicalLinear).weight,
    bias: (c.outputLinear as CanonicalLinear).bias,
    layout: c.config.transposed ? "BHL" : "BLH",
  });
}

describe.each(["wasm", "js"] as const)("official fixtures: forward with the converted weights (%s)", (backend) => {
  it.each(["s4d_block", "s4_dplr_block_bidir", "s4d_minimal"])("%s matches io.json y", async (name) => {
    const k = await loadKernels({ backend });
    const { canonical, io } = load(name);
    for (const cs of io.cases) {
      const u = realOf(cs.inputs, "u");
      const [B, , L] = u.shape;
      const block = blockOf(k, canonical as CanonicalS4Block | CanonicalS4D, L);
      const y = block.forward(backend === "wasm" ? Float32Array.from(u.data) : u.data, { batch: B, length: L });
      expect(relErrorReal(y, realOf(cs.outputs, "y").data), `${name} ${cs.name}`).toBeLessThanOrEqual(TOL[backend]);
      block.dispose();
    }
  });

  it("s4model_example matches io.json logits", async () => {
    const k = await loadKernels({ backend });
    const { canonical, io } = load("s4model_example");
    const m = canonical as CanonicalS4Model;
    const cs = io.cases[0];
    const u = realOf(cs.inputs, "u");
    const [B, L] = u.shape;
    const model = new S4Model(k, {
      dInput: m.config.dInput,
      dOutput: m.config.dOutput,
      dModel: m.config.dModel,
      prenorm: m.config.prenorm,
      encoder: m.encoder,
      layers: m.layers.map((layer) => ({
        kernel: new FixedKernel(k, kernelOf(layer.ssm, L), { channels: 1, H: m.config.dModel, length: L }),
        D: layer.D,
        bidirectional: false,
        weight: layer.outputLinear.weight,
        bias: layer.outputLinear.bias,
      })),
      norms: m.norms,
      decoder: m.decoder,
    });
    const y = model.forward(backend === "wasm" ? Float32Array.from(u.data) : u.data, { batch: B, length: L });
    expect(relErrorReal(y, realOf(cs.outputs, "y").data)).toBeLessThanOrEqual(TOL[backend]);
    model.dispose();
  });
});
