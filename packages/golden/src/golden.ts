// Typed access to one golden file: cases with named, shape-checked tensors.
import { GOLDEN_SCHEMA, type RawGoldenFile } from "./schema.js";
import { type ComplexTensor, type RealTensor, type Tensor, toTensor } from "./tensor.js";

export interface GoldenCase {
  name: string;
  params: Record<string, number | string | boolean>;
  inputs: Record<string, Tensor>;
  outputs: Record<string, Tensor>;
}

export interface GoldenFile {
  function: string;
  description: string;
  tolerance: { float32: number; float64: number };
  cases: GoldenCase[];
  /** The JSON as read, to write results back in the same schema. */
  raw: RawGoldenFile;
}

/** Parse and validate a golden file's JSON text or object. */
export function parseGolden(json: string | RawGoldenFile, where = "golden"): GoldenFile {
  const raw: RawGoldenFile = typeof json === "string" ? JSON.parse(json) : json;
  if (raw?.schema !== GOLDEN_SCHEMA)
    throw new Error(`${where}: expected schema "${GOLDEN_SCHEMA}", got ${JSON.stringify(raw?.schema)}`);
  if (!Array.isArray(raw.cases)) throw new Error(`${where}: expected a cases array`);
  const cases = raw.cases.map((c, i) => {
    const at = `${where}: case ${c?.name ?? i}`;
    const tensors = (group: Record<string, unknown> | undefined, kind: string) =>
      Object.fromEntries(Object.entries(group ?? {}).map(([k, v]) => [k, toTensor(v as never, `${at} ${kind}.${k}`)]));
    return {
      name: String(c.name),
      params: c.params ?? {},
      inputs: tensors(c.inputs, "inputs"),
      outputs: tensors(c.outputs, "outputs"),
    };
  });
  return {
    function: raw.function,
    description: raw.description ?? "",
    tolerance: {
      float32: raw.suggested_tolerance?.float32?.rel ?? 1e-4,
      float64: raw.suggested_tolerance?.float64?.rel ?? 1e-9,
    },
    cases,
    raw,
  };
}

/** A named tensor of a case that must be real. */
export function realOf(group: Record<string, Tensor>, name: string): RealTensor {
  const t = group[name];
  if (!t) throw new Error(`golden: missing tensor "${name}" (have ${Object.keys(group).join(", ")})`);
  if (t.kind !== "real") throw new Error(`golden: tensor "${name}" is complex, expected real`);
  return t;
}

/** A named tensor of a case that must be complex. */
export function complexOf(group: Record<string, Tensor>, name: string): ComplexTensor {
  const t = group[name];
  if (!t) throw new Error(`golden: missing tensor "${name}" (have ${Object.keys(group).join(", ")})`);
  if (t.kind !== "complex") throw new Error(`golden: tensor "${name}" is real, expected complex`);
  return t;
}
