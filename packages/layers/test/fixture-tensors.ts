// An official fixture's checkpoint as editable float64 tensors, for tests that re-store it under
// other constructor arguments and load it again.
import { readFileSync } from "node:fs";
import { type OfficialConfig, parseSafetensors, type TensorToWrite, tensorToFloat64 } from "../src/official/index.js";

/** state_dict key -> tensor, as writeSafetensors takes them. */
export type Tensors = Map<string, TensorToWrite>;

/** fixtures/official/<name>: its config and a fresh float64 copy of its tensors per call. */
export function officialFixture(name: string): {
  /** Its config.json. */
  config: OfficialConfig;
  /** The checkpoint's tensors as F64 (re-stored values then carry no float32 rounding). */
  tensors: () => Tensors;
  /** Its config with `args` over its own arguments. */
  with: (args: Record<string, unknown>) => OfficialConfig;
} {
  const dir = new URL(`../../../fixtures/official/${name}/`, import.meta.url);
  const config = JSON.parse(readFileSync(new URL("config.json", dir), "utf8")) as OfficialConfig;
  const file = parseSafetensors(new Uint8Array(readFileSync(new URL("model.safetensors", dir))));
  const tensors = () => {
    const t: Tensors = new Map();
    for (const [key, v] of file.tensors) t.set(key, { dtype: "F64", shape: [...v.shape], data: tensorToFloat64(v, key) });
    return t;
  };
  return { config, tensors, with: (args) => ({ module: config.module, args: { ...config.args, ...args } }) };
}

/** The float64 values of tensor `key`. */
export const data = (t: Tensors, key: string) => (t.get(key) as TensorToWrite).data as Float64Array;

/** Set tensor `key` to float64 `values` of `shape`. */
export const put = (t: Tensors, key: string, shape: number[], values: ArrayLike<number>) =>
  t.set(key, { dtype: "F64", shape, data: Float64Array.from(values) });
