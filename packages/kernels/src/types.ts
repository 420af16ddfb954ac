/** A real array as the API takes it. The wasm backend computes in float32, the JS twin in float64. */
export type FloatArray = Float32Array | Float64Array;

/** A complex array as split planes: `re[i] + i*im[i]`; both planes have the same length. */
export interface Complex<T extends FloatArray = FloatArray> {
  /** Real parts. */
  re: T;
  /** Imaginary parts, same length as `re`. */
  im: T;
}

/** Which implementation runs the math. */
export type BackendKind = "wasm" | "js";

/** `auto` picks wasm where the runtime has WebAssembly SIMD, else the JS twin (with a notice). */
export type BackendChoice = "auto" | BackendKind;
