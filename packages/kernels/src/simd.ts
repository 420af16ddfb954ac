// WebAssembly SIMD feature detection: validate a tiny module that uses v128 instructions.
// (The same probe as wasm-feature-detect: i32.const 0; i8x16.splat; i8x16.popcnt; drop.)
const SIMD_PROBE = new Uint8Array([
  0, 97, 115, 109, 1, 0, 0, 0, 1, 5, 1, 96, 0, 1, 123, 3, 2, 1, 0, 10, 10, 1, 8, 0, 65, 0, 253, 15, 253, 98, 11,
]);

let cached: boolean | undefined;

/** True when this runtime has WebAssembly with the fixed-width SIMD proposal (v128). */
export function hasWasmSimd(): boolean {
  if (cached === undefined) {
    cached = typeof WebAssembly === "object" && typeof WebAssembly.validate === "function" && WebAssembly.validate(SIMD_PROBE);
  }
  return cached;
}
