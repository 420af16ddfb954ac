/**
 * The exports of kernels.wasm (assembly/index.ts). Pointers are byte offsets into `memory`,
 * counts are element counts; see each assembly/*.ts file for the contract of a primitive.
 */
export interface KernelExports {
  memory: WebAssembly.Memory;
  heapBase(): number;
  cmul(aRe: number, aIm: number, bRe: number, bIm: number, outRe: number, outIm: number, n: number): void;
  cmulAcc(aRe: number, aIm: number, bRe: number, bIm: number, outRe: number, outIm: number, n: number): void;
  dft(xRe: number, xIm: number, outRe: number, outIm: number, n: number, twRe: number, twIm: number): void;
  linearScan(
  linearScanChunked(
  scanScratchFloats(lanes: number, T: number, chunk: number): number;
  diagStep(
  denseStep(
}

/** Export names a module must have to be accepted as kernels.wasm. */
export const REQUIRED_EXPORTS: readonly (keyof KernelExports)[] = ["memory", "heapBase", "cmul", "cmulAcc", "dft", "linearScan", "linearScanChunked", "scanScratchFloats", "diagStep", "denseStep"];
