// Copying a caller's input into wasm memory with its finite check done there, after the copy:
// the scalar JS loop of validate.checkAllFinite costs ~3 ms on 1M values (S4Block.forward at
// H = 256, L = 4096), the SIMD pass of kernels.wasm `allFinite` ~0.1 ms.

import { S4ValueError } from "../errors.js";
import type { WasmRuntime } from "../runtime.js";
import type { FloatArray } from "../types.js";
import { checkAllFinite } from "../validate.js";
import type { WasmBuffer } from "./workspace.js";

/**
 * dst[0..src.length) = src (as f32), then refuse non-finite values with an S4ValueError naming
 * `where` and the first bad index of `original` (the caller's array when `src` is a relayout of
 * it; default `src`). A float64 value beyond float32's range becomes Infinity in the copy and is
 * refused too. On refusal dst holds the copy; nothing else has changed.
 */
export function setFinite(
  rt: WasmRuntime,
  where: string,
  dst: WasmBuffer<Float32Array>,
  src: FloatArray,
  original: FloatArray = src,
): void {
  dst.view.set(src);
  if (rt.exports.allFinite(dst.ptr, src.length) === 1) return;
  checkAllFinite(where, original); // names the index of a NaN or +-Inf
  throw new S4ValueError(`${where}: expected values within float32 range (|x| <= 3.4e38), got a value that overflows it`);
}
