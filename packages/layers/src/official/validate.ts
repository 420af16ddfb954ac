/**
 * Check a parsed checkpoint against the tensors its config implies and report EVERY problem at
 * once: a missing key, an unexpected key, a wrong shape, a wrong dtype, a non-finite value, a
 * negative l_kernel. One `CheckpointError` lists them all, each naming the key.
 */
import { S4Error } from "@s4wasm/kernels";
import type { ExpectedTensor } from "./expected.js";
import type { SafetensorsFile } from "./safetensors.js";

/** One mismatch between a checkpoint and the tensors its config implies, naming the state_dict key. */
export type CheckpointProblem =
  | {
      /** An expected key is absent. */
      kind: "missing";
      /** The state_dict key. */
      key: string;
      /** The shape the config implies. */
      expectedShape: number[];
    }
  | {
      /** The file holds a key the config does not imply. */
      kind: "unexpected";
      /** The state_dict key. */
      key: string;
      /** The shape found in the file. */
      shape: number[];
    }
  | {
      /** The tensor has the wrong shape. */
      kind: "shape";
      /** The state_dict key. */
      key: string;
      /** The shape the config implies. */
      expectedShape: number[];
      /** The shape found in the file. */
      shape: number[];
    }
  | {
      /** The tensor has a dtype not allowed for its kind. */
      kind: "dtype";
      /** The state_dict key. */
      key: string;
      /** The allowed dtypes, e.g. "F32 or F64 or F16 or BF16". */
      expected: string;
      /** The safetensors dtype found. */
      dtype: string;
    }
  | {
      /** A bad value: non-finite float, or an integer scalar (l_kernel) outside [0, 2^22]. */
      kind: "value";
      /** The state_dict key. */
      key: string;
      /** What is wrong and where. */
      detail: string;
    };

const FLOAT_DTYPES = ["F32", "F64", "F16", "BF16"];
const INT_DTYPES = ["I64", "I32"];

function describe(p: CheckpointProblem): string {
  switch (p.kind) {
    case "missing":
      return `missing key "${p.key}" (expected shape [${p.expectedShape}])`;
    case "unexpected":
      return `unexpected key "${p.key}" (shape [${p.shape}])`;
    case "shape":
      return `wrong shape for "${p.key}": expected [${p.expectedShape}], got [${p.shape}]`;
    case "dtype":
      return `wrong dtype for "${p.key}": expected ${p.expected}, got ${p.dtype}`;
    case "value":
      return `bad value in "${p.key}": ${p.detail}`;
  }
}

/** The checkpoint does not match its config. `problems` has one entry per issue. */
export class CheckpointError extends S4Error {
  /** Always "CheckpointError". */
  override name = "CheckpointError";
  constructor(
    /** The official module path the checkpoint was checked against. */
    readonly module: string,
    /** Every problem found, one per issue. */
    readonly problems: CheckpointProblem[],
  ) {
    super(
      `loadOfficial: the checkpoint does not match ${module} with these arguments (${problems.length} problem(s)):\n  - ${problems
        .map(describe)
        .join("\n  - ")}`,
    );
  }
}

/** Largest integer scalar accepted (l_kernel): the longest kernel length the FFTs support. */
const MAX_INT_VALUE = 2 ** 22;

/**
 * Throws CheckpointError listing every mismatch between `file` and `expected`: missing and
 * unexpected keys, wrong shapes and dtypes, non-finite floats, integer scalars outside [0, 2^22].
 * `module` names the official module in the error message.
 */
export function validateCheckpoint(module: string, file: SafetensorsFile, expected: ExpectedTensor[]): void {
  const problems: CheckpointProblem[] = [];
  const want = new Map(expected.map((e) => [e.key, e]));
  for (const e of expected) {
    const t = file.tensors.get(e.key);
    if (!t) {
      problems.push({ kind: "missing", key: e.key, expectedShape: e.shape });
      continue;
    }
    const allowed = e.kind === "float" ? FLOAT_DTYPES : INT_DTYPES;
    if (!allowed.includes(t.dtype)) {
      problems.push({ kind: "dtype", key: e.key, expected: allowed.join(" or "), dtype: t.dtype });
    }
    if (t.shape.length !== e.shape.length || t.shape.some((d, i) => d !== e.shape[i])) {
      problems.push({ kind: "shape", key: e.key, expectedShape: e.shape, shape: t.shape });
    }
    if (e.kind === "float" && allowed.includes(t.dtype)) {
      const d = t.data as Float32Array | Float64Array;
      for (let i = 0; i < d.length; i++) {
        if (!Number.isFinite(d[i])) {
          problems.push({ kind: "value", key: e.key, detail: `non-finite value ${d[i]} at flat index ${i}` });
          break;
        }
      }
    }
    // l_kernel: the length C-tilde is attuned to, where the kernel is then evaluated (<= 2^22, the longest FFT)
    if (e.kind === "int" && allowed.includes(t.dtype) && t.data.length === 1) {
      const v = Number(t.data[0]);
      if (v < 0 || v > MAX_INT_VALUE) {
        problems.push({ kind: "value", key: e.key, detail: `expected an integer in [0, ${MAX_INT_VALUE}], got ${t.data[0]}` });
      }
    }
  }
  for (const [key, t] of file.tensors) {
    if (!want.has(key)) problems.push({ kind: "unexpected", key, shape: t.shape });
  }
  if (problems.length > 0) throw new CheckpointError(module, problems);
}
