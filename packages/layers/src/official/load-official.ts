/**
 * loadOfficial(bytes, config): an official PyTorch checkpoint, ready to run.
 *   models/s4/s4.py:S4Block -> S4Block (S4DKernel for mode diag, DPLRKernel for dplr; layout
 *                              (B, H, L) when transposed, else (B, L, H))
 *   models/s4/s4d.py:S4D    -> S4Block (S4DKernel, ZOH, B = 1; the Conv1d weight as a Linear)
 *   example.py:S4Model      -> S4Model (encoder, S4D blocks, LayerNorm, mean pool, decoder)
 * Every layer of a model shares one kernels instance (one wasm memory). Inference only.
 */
import type { Kernels } from "@s4wasm/kernels";
import { adoptKernels, type LayerBackendOptions, resolveKernels } from "../block/layer-options.js";
import { S4Block, type S4BlockParts } from "../block/s4-block.js";
import { S4Model } from "../block/s4-model.js";
import { DPLRKernel } from "../kernel/dplr-kernel.js";
import { S4DKernel } from "../kernel/s4d-kernel.js";
import type { CanonicalCheckpoint, CanonicalS4Block, CanonicalS4D } from "./canonical.js";
import type { OfficialConfig } from "./config.js";
import { readOfficial } from "./read-official.js";

/** What loadOfficial returns: both have `forward(x, { batch, length })` and `dispose()`. */
export type OfficialModule = S4Block | S4Model;

/** The parts of one block (S4Block or S4D) from canonical parameters. */
export function blockParts(kernels: Kernels, c: CanonicalS4Block | CanonicalS4D): S4BlockParts {
  const kernel =
    c.ssm.mode === "diag" ? new S4DKernel(kernels, c.ssm.params, { disc: c.ssm.disc }) : new DPLRKernel(kernels, c.ssm.params);
  const block = c.module === "models/s4/s4.py:S4Block" ? c.config : null;
  return {
    kernel,
    D: c.D,
    bidirectional: block ? block.bidirectional : false,
    weight: c.outputLinear?.weight ?? new Float64Array(0),
    bias: c.outputLinear?.bias ?? new Float64Array(0),
    layout: c.config.transposed ? "BHL" : "BLH",
    lMax: block ? block.lMax : null,
    ...(block ? { activation: block.activation, multActivation: block.multActivation, finalAct: block.finalAct } : {}),
  };
}

/** Build the runnable module for canonical parameters (see readOfficial for the reading part). */
export function buildOfficial(kernels: Kernels, c: CanonicalCheckpoint): OfficialModule {
  if (c.module !== "example.py:S4Model") return new S4Block(kernels, blockParts(kernels, c));
  return new S4Model(kernels, {
    dInput: c.config.dInput,
    dOutput: c.config.dOutput,
    dModel: c.config.dModel,
    prenorm: c.config.prenorm,
    encoder: c.encoder,
    layers: c.layers.map((layer) => blockParts(kernels, layer)),
    norms: c.norms,
    decoder: c.decoder,
  });
}

/**
 * Read, validate and convert an official checkpoint (safetensors bytes of `state_dict()` and its
 * config.json { module, args }), then build the module on the chosen backend.
 */
export async function loadOfficial(
  bytes: Uint8Array | ArrayBuffer | ArrayBufferView,
  config: OfficialConfig,
  options: LayerBackendOptions = {},
): Promise<OfficialModule> {
  const canonical = readOfficial(bytes, config);
  const kernels = await resolveKernels(options);
  return adoptKernels(kernels, () => buildOfficial(kernels, canonical));
}
