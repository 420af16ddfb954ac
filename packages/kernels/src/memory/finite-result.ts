// Refusing a float32 result that overflowed. Finite inputs and parameters can still carry float32
// arithmetic past +-3.4e38 (a checkpoint with |D| or Linear weights near 1e38, a kernel of
// enormous C): the infinity then turns into NaN a step later, and a layer that returned it would
// hand back a silent wrong answer. Layers check their final result with the SIMD `allFinite`
// pass (~0.1 ms on 1M values) before returning it.

import { S4ValueError } from "../errors.js";
import type { WasmRuntime } from "../runtime.js";
import type { FloatArray } from "../types.js";
import { firstNonFinite } from "../validate.js";

/** The message of a refused result: what came, where, and why finite inputs can do this. */
function overflowMessage(where: string, value: number, index: number, f32: boolean, hint: string): string {
  const range = f32 ? "float32 arithmetic overflowed (beyond +-3.4e38)" : "float64 arithmetic overflowed (beyond +-1.8e308)";
  return (
    `${where}: expected finite values, got ${value} at index ${index} of the result: ${range} on finite ` +
    `inputs and parameters, e.g. D, C, the kernel or the Linear weights far too large` +
    `${f32 ? "; the JS backend computes in float64" : ""}${hint}`
  );
}

/**
 * Throws S4ValueError when any of the n f32 values at byte offset ptr is NaN or +-Infinity.
 * `hint` is appended to the message (a stepper says its state needs a reset).
 */
export function checkFiniteResultAt(rt: WasmRuntime, where: string, ptr: number, n: number, hint = ""): void {
  if (rt.exports.allFinite(ptr, n) === 1) return;
  const v = new Float32Array(rt.exports.memory.buffer, ptr, n);
  const i = firstNonFinite(v);
  throw new S4ValueError(overflowMessage(where, v[i], i, true, hint));
}

/** The same for a result already in a JS array (small results: a scalar pass). */
export function checkFiniteResult(where: string, values: FloatArray, hint = ""): void {
  const i = firstNonFinite(values);
  if (i >= 0) throw new S4ValueError(overflowMessage(where, values[i], i, values instanceof Float32Array, hint));
}
