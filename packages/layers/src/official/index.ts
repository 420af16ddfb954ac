/** Official PyTorch checkpoints (state-spaces/s4): safetensors I/O, config, validation, conversion. */
export type {
  CanonicalCheckpoint,
  CanonicalLayerNorm,
  CanonicalLinear,
  CanonicalS4Block,
  CanonicalS4D,
  CanonicalS4Model,
  CanonicalSSM,
} from "./canonical.js";
export {
  DEFAULT_PARAMETERIZATION,
  type NormalizedConfig,
  normalizeConfig,
  type OfficialConfig,
  type OfficialModuleName,
  type ParamTransform,
  type S4BlockConfig,
  type S4DConfig,
  type S4ModelConfig,
  type SSMParameterization,
} from "./config.js";
export { toCanonical } from "./convert.js";
export { type ExpectedTensor, expectedTensors } from "./expected.js";
export { officialConfig, officialTensors } from "./export.js";
export { blockParts, buildOfficial, loadOfficial, type OfficialModule } from "./load-official.js";
export { readOfficial } from "./read-official.js";
export {
  DTYPE_BYTES,
  halfToFloat,
  parseSafetensors,
  type SafetensorsDtype,
  SafetensorsError,
  type SafetensorsErrorCode,
  type SafetensorsFile,
  type SafetensorsTensor,
  type TensorData,
  type TensorToWrite,
  tensorToFloat64,
  writeSafetensors,
} from "./safetensors.js";
export { CheckpointError, type CheckpointProblem, validateCheckpoint } from "./validate.js";
