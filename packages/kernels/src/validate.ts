// Argument checks used at every public entry point. They throw typed errors that name the
// argument (`where` is "function(arg)"), the expectation and what came.
import { S4ShapeError, S4ValueError } from "./errors.js";
import type { Complex, FloatArray } from "./types.js";

function describe(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return `Array(${value.length})`;
  if (ArrayBuffer.isView(value)) return `${value.constructor.name}(${(value as FloatArray).length})`;
  if (typeof value === "number") return String(value);
  if (typeof value === "string") return JSON.stringify(value);
  if (typeof value === "object") return (value as object).constructor?.name ?? "object";
  return typeof value;
}

/** value is an integer in [min, max] (checkInt's test, for a caller that builds its message only on failure). */
export function isIntIn(value: unknown, min: number, max: number): value is number {
  return typeof value === "number" && Number.isInteger(value) && value >= min && value <= max;
}

/** An integer in [min, max]. */
export function checkInt(where: string, value: unknown, min: number, max: number): number {
  if (!isIntIn(value, min, max)) {
    throw new S4ShapeError(`${where}: expected an integer in [${min}, ${max}], got ${describe(value)}`);
  }
  return value;
}

/** A finite number. */
export function checkFiniteNumber(where: string, value: unknown): number {
  if (typeof value !== "number" || !Number.isFinite(value)) {
    throw new S4ValueError(`${where}: expected a finite number, got ${describe(value)}`);
  }
  return value;
}

/** A Float32Array or Float64Array of exactly `length` elements (`formula` explains the length). */
export function checkFloatArray(where: string, value: unknown, length: number, formula?: string): FloatArray {
  if (!(value instanceof Float32Array) && !(value instanceof Float64Array)) {
    throw new S4ValueError(`${where}: expected a Float32Array or Float64Array, got ${describe(value)}`);
  }
  if (value.length !== length) {
    const why = formula ? ` (${formula})` : "";
    throw new S4ShapeError(`${where}: expected length ${length}${why}, got ${value.length}`);
  }
  return value;
}

/** A complex pair of planes, each of `length` elements. */
export function checkComplex(where: string, value: unknown, length: number, formula?: string): Complex {
  if (typeof value !== "object" || value === null || !("re" in value) || !("im" in value)) {
    throw new S4ValueError(`${where}: expected { re, im } planes, got ${describe(value)}`);
  }
  const c = value as Complex;
  checkFloatArray(`${where}.re`, c.re, length, formula);
  checkFloatArray(`${where}.im`, c.im, length, formula);
  return c;
}

/** Index of the first NaN or +-Infinity in values, or -1 when every element is finite. */
export function firstNonFinite(values: FloatArray): number {
  // x * 0 is +-0 for a finite x and NaN for NaN or +-Infinity, and NaN survives the sum: one
  // branch-free pass decides (about 2x the speed of Number.isFinite per element); the loop
  // below only runs to find the index.
  let acc = 0;
  for (let i = 0; i < values.length; i++) acc += values[i] * 0;
  if (acc === 0) return -1;
  for (let i = 0; i < values.length; i++) if (!Number.isFinite(values[i])) return i;
  return -1;
}

/** Every element finite (NaN and Infinity would spread silently through a transform). */
export function checkAllFinite(where: string, values: FloatArray): void {
  const i = firstNonFinite(values);
  if (i >= 0) throw new S4ValueError(`${where}: expected finite values, got ${values[i]} at index ${i}`);
}

/** Largest finite float32. */
export const F32_MAX = 3.4028234663852886e38;

/**
 * checkAllFinite, and when `f32` (values bound for a wasm plan's float32 buffers) every float64
 * value within float32's range: 1e39 would otherwise be stored as Infinity, silently.
 */
export function checkFinite32(where: string, values: FloatArray, f32: boolean): void {
  if (!f32 || values instanceof Float32Array) {
    checkAllFinite(where, values);
    return;
  }
  // One pass decides both: Math.max carries a NaN through, and |x| <= F32_MAX is false for NaN,
  // +-Infinity and values past float32's range alike (2.3x the speed of the two passes below,
  // which now only run to name the index: 57 vs 131 us for 65536 values).
  let max = 0;
  for (let i = 0; i < values.length; i++) max = Math.max(max, Math.abs(values[i]));
  if (max <= F32_MAX) return;
  checkAllFinite(where, values);
  checkFloat32Range(where, values);
}

/** An output array of the backend's dtype and the right length. */
export function checkOut<T extends FloatArray>(
  where: string,
  value: unknown,
  ctor: { new (n: number): T; name: string },
  length: number,
): T {
  if (!(value instanceof ctor)) {
    throw new S4ValueError(`${where}: expected a ${ctor.name} (this backend's dtype), got ${describe(value)}`);
  }
  if (value.length !== length) {
    throw new S4ShapeError(`${where}: expected length ${length}, got ${value.length}`);
  }
  return value;
}

/** One of a fixed set of strings. */
export function checkOneOf<T extends string>(where: string, value: unknown, allowed: readonly T[]): T {
  if (typeof value !== "string" || !(allowed as readonly string[]).includes(value)) {
    throw new S4ValueError(`${where}: expected one of ${allowed.map((a) => `"${a}"`).join(", ")}, got ${describe(value)}`);
  }
  return value as T;
}

/** Whether two typed arrays share any bytes (views of one buffer whose ranges overlap). */
export function overlaps(a: ArrayBufferView, b: ArrayBufferView): boolean {
  return a.buffer === b.buffer && a.byteOffset < b.byteOffset + b.byteLength && b.byteOffset < a.byteOffset + a.byteLength;
}

/** Whether any of `outs` shares bytes with any of `ins` (inputs that are plain arrays never do). */
export function overlapsAny(outs: ArrayBufferView[], ins: unknown[]): boolean {
  for (const i of ins) {
    if (!ArrayBuffer.isView(i)) continue;
    for (const o of outs) if (overlaps(o, i)) return true;
  }
  return false;
}

/**
 * An options argument: undefined or null mean "all defaults" ({}); an object is itself;
 * anything else is refused by name (reading fields of it would fail with an engine TypeError).
 */
export function checkOptions<T extends object>(where: string, options: T | null | undefined): Partial<T> {
  if (options === undefined || options === null) return {};
  if (typeof options !== "object") throw new S4ValueError(`${where}: expected an options object, got ${describe(options)}`);
  return options;
}

/** An optional boolean option: undefined means `fallback`; anything but true/false is refused. */
export function checkBool(where: string, value: unknown, fallback: boolean): boolean {
  if (value === undefined) return fallback;
  if (value !== true && value !== false) throw new S4ValueError(`${where}: expected true or false, got ${describe(value)}`);
  return value;
}

/**
 * For plans that pass NaN and infinities through (the elementwise ops): a finite float64 value
 * beyond float32's range is still refused on wasm, where it would become an infinity silently.
 */
export function checkFloat32Range(where: string, values: FloatArray): void {
  if (values instanceof Float32Array) return;
  for (let i = 0; i < values.length; i++) {
    const a = Math.abs(values[i]);
    if (a > F32_MAX && a !== Number.POSITIVE_INFINITY) {
      throw new S4ValueError(`${where}: expected values within float32 range (|x| <= 3.4e38), got ${values[i]} at index ${i}`);
    }
  }
}

/**
 * A caller's byte offset for `bytes` bytes in wasm memory: a 4-aligned integer with the whole
 * range inside the memory (a pointer entry point would otherwise trap mid-write, or write at an
 * offset that a fraction rounded).
 */
export function checkWasmRange(where: string, memory: WebAssembly.Memory, ptr: number, bytes: number): void {
  const size = memory.buffer.byteLength;
  if (!Number.isInteger(ptr) || ptr < 0 || ptr % 4 !== 0 || ptr + bytes > size) {
    throw new S4ValueError(
      `${where}: expected a 4-aligned byte offset with ${bytes} bytes inside wasm memory (${size} bytes), got ${String(ptr)}`,
    );
  }
}
