/** The on-disk JSON of schema `s4ref-golden/1` (see fixtures/golden/README.md). */
export const GOLDEN_SCHEMA = "s4ref-golden/1";

export interface RawRealTensor {
  dtype: "float64" | "float32" | "int64";
  shape: number[];
  data: number[];
}
export interface RawComplexTensor {
  dtype: "complex128" | "complex64";
  shape: number[];
  re: number[];
  im: number[];
}
export type RawTensor = RawRealTensor | RawComplexTensor;

export interface RawCase {
  name: string;
  params: Record<string, number | string | boolean>;
  inputs: Record<string, RawTensor>;
  outputs: Record<string, RawTensor>;
  self_checks?: Record<string, number>;
}

export interface RawGoldenFile {
  schema: string;
  function: string;
  description?: string;
  suggested_tolerance?: Record<string, { rel: number }>;
  cases: RawCase[];
  [extra: string]: unknown;
}
