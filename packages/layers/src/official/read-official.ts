/**
 * readOfficial(bytes, config): an official PyTorch checkpoint (safetensors of state_dict() plus
 * its config.json { module, args }) -> canonical float64 parameters. Steps: parse the file
 * strictly (SafetensorsError), normalise the arguments (S4ValueError listing every bad one),
 * compute the expected keys, dtypes and shapes, validate (CheckpointError listing every
 * problem), then resolve the storage conventions (convert.ts).
 */
import type { CanonicalCheckpoint } from "./canonical.js";
import { normalizeConfig, type OfficialConfig } from "./config.js";
import { toCanonical } from "./convert.js";
import { expectedTensors } from "./expected.js";
import { parseSafetensors } from "./safetensors.js";
import { validateCheckpoint } from "./validate.js";

/**
 * Parse and validate an official PyTorch checkpoint (safetensors bytes of state_dict() plus its
 * config.json `{ module, args }`) and return its canonical float64 parameters.
 * Throws SafetensorsError, S4ValueError (bad arguments) or CheckpointError (every mismatch).
 */
export function readOfficial(bytes: Uint8Array | ArrayBuffer | ArrayBufferView, config: OfficialConfig): CanonicalCheckpoint {
  const cfg = normalizeConfig(config);
  const file = parseSafetensors(bytes);
  validateCheckpoint(cfg.module, file, expectedTensors(cfg));
  return toCanonical(cfg, file);
}
