// Layers from scratch, seeded like the official initialisation (same distributions; torch's
// random streams themselves cannot be reproduced in JS):
//   SSM: diagonal inits diag-lin / diag-inv / diag-real / diag-legs (B = 1) or the DPLR LegS init,
//        log dt ~ U[log dtMin, log dtMax], C complex normal with E|C|^2 = 1, D standard normal;
//   Linear(in, out): weight and bias ~ U(-1/sqrt(in), 1/sqrt(in)) (nn.Linear's default);
//   LayerNorm: gamma = 1, beta = 0.
import { type BlockLayout, type Kernels, S4ShapeError, S4ValueError, validate } from "@s4wasm/kernels";
import { DIAG_INITS, type DiagInit, diagInit, dplrLegsInit, makeRng, type Rng, randomC, randomLogDt } from "../hippo/index.js";
import { DPLRKernel } from "../kernel/dplr-kernel.js";
import { S4DKernel } from "../kernel/s4d-kernel.js";
import type { Discretization } from "../ssm/params.js";
import { type BlockActivation, type ConvActivation, checkConvActivation } from "./activation.js";
import { adoptKernels, type LayerBackendOptions, resolveKernels } from "./layer-options.js";
import { S4Block, type S4BlockParts } from "./s4-block.js";
import { type LinearParts, S4Model } from "./s4-model.js";

/** Options of createS4Block: sizes, SSM kind and init, backend, seed. */
export interface S4BlockInit extends LayerBackendOptions {
  /** H: channels (features). */
  dModel: number;
  /** N: state size (even); N/2 complex modes are stored. Default 64. */
  dState?: number;
  /** "diag" (S4D, default) or "dplr" (S4). */
  mode?: "diag" | "dplr";
  /** diag: "diag-lin" (default), "diag-inv", "diag-real", "diag-legs"; dplr: "legs" (default). */
  init?: DiagInit | "legs";
  /** S4D discretisation: "zoh" (default) or "bilinear". DPLR is bilinear. */
  disc?: Discretization;
  /** Smallest step size dt at init: log dt ~ U[log dtMin, log dtMax]. Default 0.001 (official). */
  dtMin?: number;
  /** Largest step size dt at init. Default 0.1 (official). */
  dtMax?: number;
  /** Two-sided (non-causal) kernel, as the official `bidirectional`. */
  bidirectional?: boolean;
  /**
   * Output channels c of the SSM (the official `channels`): the convolution gives c*H features
   * and the output Linear is (c*H -> 2H). Default 1.
   */
  channels?: number;
  /** Activation layout: "BHL" (default, official transposed=True) or "BLH". */
  layout?: BlockLayout;
  /** Seed of every random draw (default 0). */
  seed?: number;
  /**
   * Activation after SSM + D u (the official FFTConv `activation`): "gelu" (default), "id",
   * "tanh", "relu", "elu", "silu", "sigmoid", "softplus", or "glu" (2c channel groups halved).
   */
  activation?: ConvActivation;
  /** Activation before the output Linear (the official `mult_act`): "id" (default) or as above. */
  multActivation?: BlockActivation;
  /** The output (the official `final_act`): "glu" (default), an activation after Linear(c*H, H), or null. */
  finalAct?: "glu" | BlockActivation | null;
}

function uniformLinear(inF: number, outF: number, rng: Rng): LinearParts {
  const bound = 1 / Math.sqrt(inF);
  const weight = new Float64Array(outF * inF);
  const bias = new Float64Array(outF);
  for (let i = 0; i < weight.length; i++) weight[i] = (2 * rng.uniform() - 1) * bound;
  for (let i = 0; i < outF; i++) bias[i] = (2 * rng.uniform() - 1) * bound;
  return { weight, bias };
}

/** The parts of a randomly initialised block (shared by createS4Block and createS4Model). */
export function initBlockParts(kernels: Kernels, o: S4BlockInit, rng: Rng): S4BlockParts {
  const H = validate.checkInt("createS4Block(dModel)", o.dModel, 1, 2 ** 16);
  const N = validate.checkInt("createS4Block(dState)", o.dState ?? 64, 2, 2 ** 12);
  if (N % 2 !== 0) throw new S4ShapeError(`createS4Block(dState): expected an even N (N/2 conjugate pairs), got ${N}`);
  const mode = validate.checkOneOf("createS4Block(mode)", o.mode ?? "diag", ["diag", "dplr"] as const);
  const bidirectional = validate.checkBool("createS4Block(bidirectional)", o.bidirectional, false);
  const c = validate.checkInt("createS4Block(channels)", o.channels ?? 1, 1, 64);
  const activation = checkConvActivation("createS4Block(activation)", o.activation ?? "gelu");
  // the conv GLU runs 2c channel groups (the official FFTConv doubles them); a bidirectional
  // kernel has those forward, then as many backward (the official '(s c)' split)
  const groups = activation === "glu" ? 2 * c : c;
  const channels = bidirectional ? 2 * groups : groups;
  const logDt = randomLogDt(H, rng, o.dtMin ?? 0.001, o.dtMax ?? 0.1);
  const C = randomC(channels, H, N / 2, rng);
  let kernel: S4BlockParts["kernel"];
  if (mode === "diag") {
    const init = validate.checkOneOf("createS4Block(init)", o.init ?? "diag-lin", DIAG_INITS);
    const { A, B } = diagInit(init, N, H);
    kernel = new S4DKernel(kernels, { H, N2: N / 2, channels, logDt, A, B, C }, { disc: o.disc ?? "zoh" });
  } else {
    validate.checkOneOf("createS4Block(init)", o.init ?? "legs", ["legs"] as const);
    const { Lambda, P, B } = dplrLegsInit(N, H, 1);
    kernel = new DPLRKernel(kernels, { H, N2: N / 2, rank: 1, channels, logDt, Lambda, P, B, C, cForm: "C" });
  }
  const D = new Float64Array(groups * H);
  for (let i = 0; i < groups * H; i++) D[i] = rng.normal();
  const finalAct = o.finalAct === undefined ? "glu" : o.finalAct;
  const rows = finalAct === null ? 0 : finalAct === "glu" ? 2 * H : H;
  const { weight, bias } =
    rows > 0 ? uniformLinear(c * H, rows, rng) : { weight: new Float64Array(0), bias: new Float64Array(0) };
  const multActivation = o.multActivation ?? "id";
  return { kernel, D, bidirectional, weight, bias, layout: o.layout ?? "BHL", activation, multActivation, finalAct };
}

/**
 * A new S4 block with the official initialisation, seeded:
 *   const block = await createS4Block({ dModel: 64, dState: 64, mode: "diag", init: "diag-lin", seed: 1 });
 */
export async function createS4Block(opts: S4BlockInit): Promise<S4Block> {
  const options = validate.checkOptions("createS4Block(options)", opts) as S4BlockInit;
  const kernels = await resolveKernels(options, "createS4Block(options)");
  return adoptKernels(
    kernels,
    () => new S4Block(kernels, initBlockParts(kernels, options, makeRng(checkSeed("createS4Block(seed)", options.seed)))),
  );
}

/** Options of createS4Model (the example.py S4Model). */
export interface S4ModelInit extends LayerBackendOptions {
  /** Input features per time step. */
  dInput: number;
  /** Output features (logits). */
  dOutput: number;
  /** H: channels of every S4 layer. */
  dModel: number;
  /** Number of residual S4 layers (at least 1). */
  nLayers: number;
  /** LayerNorm before each layer (true) or after the residual (false, the example.py default). */
  prenorm?: boolean;
  /** Options of every S4 layer (defaults: S4D, N = 64, diag-lin, ZOH). */
  layer?: Omit<
    S4BlockInit,
    "dModel" | keyof LayerBackendOptions | "layout" | "seed" | "activation" | "multActivation" | "finalAct"
  >;
  /** Seed of every random draw (default 0). */
  seed?: number;
}

/** A new example.py S4Model (encoder, n residual S4 layers with LayerNorm, mean pool, decoder), seeded. */
export async function createS4Model(opts: S4ModelInit): Promise<S4Model> {
  const options = validate.checkOptions("createS4Model(options)", opts) as S4ModelInit;
  const rng = makeRng(checkSeed("createS4Model(seed)", options.seed));
  const layer = validate.checkOptions("createS4Model(layer)", options.layer);
  // set by the model itself (its layers are example.py's S4D: GELU, Linear, GLU): a value here
  // would be ignored silently
  for (const key of [
    "dModel",
    "layout",
    "seed",
    "kernels",
    "backend",
    "wasm",
    "threads",
    "activation",
    "multActivation",
    "finalAct",
  ]) {
    if (key in layer)
      throw new S4ValueError(
        `createS4Model(layer.${key}): expected it unset (the model sets it), got ${String((layer as Record<string, unknown>)[key])}`,
      );
  }
  const H = validate.checkInt("createS4Model(dModel)", options.dModel, 1, 2 ** 16);
  const dIn = validate.checkInt("createS4Model(dInput)", options.dInput, 1, 2 ** 16);
  const dOut = validate.checkInt("createS4Model(dOutput)", options.dOutput, 1, 2 ** 16);
  const n = validate.checkInt("createS4Model(nLayers)", options.nLayers, 1, 1024);
  const prenorm = validate.checkBool("createS4Model(prenorm)", options.prenorm, false);
  const kernels = await resolveKernels(options, "createS4Model(options)");
  return adoptKernels(kernels, () => {
    const encoder = uniformLinear(dIn, H, rng);
    const layers = Array.from({ length: n }, () => initBlockParts(kernels, { ...layer, dModel: H, layout: "BHL" }, rng));
    const norms = Array.from({ length: n }, () => ({ weight: new Float64Array(H).fill(1), bias: new Float64Array(H) }));
    const decoder = uniformLinear(H, dOut, rng);
    return new S4Model(kernels, { dInput: dIn, dOutput: dOut, dModel: H, prenorm, encoder, layers, norms, decoder });
  });
}

/** A seed: an integer in [0, 2^32) (other values were coerced with >>> 0: 1.7 and "1" gave seed 1). */
function checkSeed(where: string, seed: unknown): number {
  return seed === undefined ? 0 : validate.checkInt(where, seed, 0, 2 ** 32 - 1);
}
