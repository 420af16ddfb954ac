// In-memory tensors: float64 planes, row-major, with their shape.
import type { RawTensor } from "./schema.js";

export interface RealTensor {
  kind: "real";
  shape: number[];
  data: Float64Array;
}
export interface ComplexTensor {
  kind: "complex";
  shape: number[];
  re: Float64Array;
  im: Float64Array;
}
export type Tensor = RealTensor | ComplexTensor;

/** Number of elements of a shape (1 for a scalar `[]`). */
export function sizeOf(shape: readonly number[]): number {
  return shape.reduce((a, b) => a * b, 1);
}

/** Parse one JSON tensor, checking that its data length matches its shape. */
export function toTensor(raw: RawTensor, where: string): Tensor {
  if (!raw || !Array.isArray(raw.shape))
    throw new Error(`${where}: expected a tensor with a shape, got ${JSON.stringify(raw)?.slice(0, 80)}`);
  const n = sizeOf(raw.shape);
  if (raw.dtype === "complex128" || raw.dtype === "complex64") {
    if (raw.re?.length !== n || raw.im?.length !== n) {
      throw new Error(
        `${where}: expected re/im of ${n} values for shape [${raw.shape}], got ${raw.re?.length}/${raw.im?.length}`,
      );
    }
    return { kind: "complex", shape: raw.shape, re: Float64Array.from(raw.re), im: Float64Array.from(raw.im) };
  }
  const data = (raw as { data?: number[] }).data;
  if (data?.length !== n) throw new Error(`${where}: expected ${n} values for shape [${raw.shape}], got ${data?.length}`);
  return { kind: "real", shape: raw.shape, data: Float64Array.from(data) };
}

/** Back to JSON (float64 numbers; complex as re/im planes). */
export function fromTensor(t: Tensor): RawTensor {
  if (t.kind === "complex") return { dtype: "complex128", shape: t.shape, re: Array.from(t.re), im: Array.from(t.im) };
  return { dtype: "float64", shape: t.shape, data: Array.from(t.data) };
}

/** A real tensor from any numeric array. */
export function real(shape: number[], data: ArrayLike<number>): RealTensor {
  return { kind: "real", shape, data: Float64Array.from(data) };
}

/** A complex tensor from two planes. */
export function complex(shape: number[], re: ArrayLike<number>, im: ArrayLike<number>): ComplexTensor {
  return { kind: "complex", shape, re: Float64Array.from(re), im: Float64Array.from(im) };
}
