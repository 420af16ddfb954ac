/**
 * The exports of kernels.wasm (assembly/index.ts). Pointers are byte offsets into `memory`,
 * counts are element counts; see each assembly/*.ts file for the contract of a primitive.
 */
export interface KernelExports {
  memory: WebAssembly.Memory;
  heapBase(): number;
  // Block ops (assembly/linear.ts, gelu.ts, glu.ts, layernorm.ts, meanpool.ts).
  linearBHL(x: number, w: number, bias: number, y: number, B: number, H: number, O: number, L: number, scratch: number): void;
  linearBLH(x: number, wt: number, bias: number, y: number, rows: number, H: number, O: number, scratch: number): void;
  linearScratchFloats(H: number): number;
  linearGluBHL(x: number, w: number, bias: number, y: number, B: number, H: number, G: number, L: number, scratch: number): void;
  gelu(x: number, out: number, n: number): void;
  erf(x: number, out: number, n: number): void;
  glu(z: number, out: number, rows: number, width: number): void;
  layerNormRows(x: number, gamma: number, beta: number, y: number, rows: number, H: number, eps: number): void;
  layerNormStrided(
    x: number,
    gamma: number,
    beta: number,
    y: number,
    B: number,
    H: number,
    L: number,
    eps: number,
    scratch: number,
  ): void;
  layerNormScratchFloats(L: number): number;
  meanPoolRows(x: number, out: number, rows: number, L: number): void;
  meanPoolColumns(x: number, out: number, B: number, L: number, H: number): void;
  cmul(aRe: number, aIm: number, bRe: number, bIm: number, outRe: number, outIm: number, n: number): void;
  cmulAcc(aRe: number, aIm: number, bRe: number, bIm: number, outRe: number, outIm: number, n: number): void;
  dft(xRe: number, xIm: number, outRe: number, outIm: number, n: number, twRe: number, twIm: number): void;
  linearScan(
    aRe: number,
    aIm: number,
    bRe: number,
    bIm: number,
    h0Re: number,
    h0Im: number,
    hRe: number,
    hIm: number,
    lastRe: number,
    lastIm: number,
    lanes: number,
    T: number,
  ): void;
  linearScanChunked(
    aRe: number,
    aIm: number,
    bRe: number,
    bIm: number,
    h0Re: number,
    h0Im: number,
    hRe: number,
    hIm: number,
    lastRe: number,
    lastIm: number,
    lanes: number,
    T: number,
    chunk: number,
    scratch: number,
  ): void;
  scanScratchFloats(lanes: number, T: number, chunk: number): number;
  diagStep(
    xRe: number,
    xIm: number,
    dARe: number,
    dAIm: number,
    dBRe: number,
    dBIm: number,
    cRe: number,
    cIm: number,
    d: number,
    u: number,
    y: number,
    batch: number,
    H: number,
    M: number,
    L: number,
    scale: number,
  ): void;
  denseStep(
    xRe: number,
    xIm: number,
    dARe: number,
    dAIm: number,
    dBRe: number,
    dBIm: number,
    cRe: number,
    cIm: number,
    d: number,
    u: number,
    y: number,
    tmp: number,
    batch: number,
    H: number,
    S: number,
    L: number,
  ): void;
  dplrStep(
    xRe: number,
    xIm: number,
    params: number,
    chan: number,
    u: number,
    y: number,
    batch: number,
    H: number,
    M: number,
    L: number,
  ): void;
  stepMatVec(w: number, x: number, bias: number, y: number, H: number, O: number): void;
  // FFT (assembly/fft.ts, rfft.ts, fftconv.ts): desc/rdesc are plan descriptors written by src/primitives/fft-layout.ts.
  fftRows(
    desc: number,
    xRe: number,
    xIm: number,
    outRe: number,
    outIm: number,
    batch: number,
    inverse: number,
    scale: number,
  ): void;
  fftScale(p: number, n: number, c: number): void;
  rfftRows(rdesc: number, x: number, inLen: number, outRe: number, outIm: number, batch: number): void;
  irfftRows(rdesc: number, XRe: number, XIm: number, out: number, batch: number): void;
  fftConvRows(rdesc: number, Sr: number, Si: number, u: number, y: number, d: number, batch: number, H: number, L: number): void;
  // Cauchy sums (assembly/cauchy.ts): v (S,H,N), z (M) or (H,M) via zStride, w (H,N), out (S,H,M)
  cauchy(
    vRe: number,
    vIm: number,
    zRe: number,
    zIm: number,
    wRe: number,
    wIm: number,
    outRe: number,
    outIm: number,
    H: number,
    N: number,
    M: number,
    zStride: number,
  ): void;
  cauchyConj(
    vRe: number,
    vIm: number,
    zRe: number,
    zIm: number,
    wRe: number,
    wIm: number,
    outRe: number,
    outIm: number,
    H: number,
    N: number,
    M: number,
    zStride: number,
    S: number,
  ): void;
  cauchyWoodbury1(
    ab: number,
    wq: number,
    y: number,
    fRe: number,
    fIm: number,
    outRe: number,
    outIm: number,
    H: number,
    N: number,
    M: number,
  ): void;
  // Vandermonde (assembly/vandermonde.ts): C (H,N) f32, logz (H,N) f64, out (H,L) / u (H,L)
  vandermonde(cRe: number, cIm: number, logzRe: number, logzIm: number, out: number, H: number, N: number, L: number): void;
  vandermondeTranspose(
    u: number,
    cRe: number,
    cIm: number,
    logzRe: number,
    logzIm: number,
    outRe: number,
    outIm: number,
    H: number,
    N: number,
    L: number,
  ): void;
}

/** Export names a module must have to be accepted as kernels.wasm. */
export const REQUIRED_EXPORTS: readonly (keyof KernelExports)[] = [
  "memory",
  "heapBase",
  "cmul",
  "cmulAcc",
  "dft",
  "cauchy",
  "cauchyConj",
  "cauchyWoodbury1",
  "vandermonde",
  "vandermondeTranspose",
  "fftRows",
  "fftScale",
  "rfftRows",
  "irfftRows",
  "fftConvRows",
  "linearScan",
  "linearScanChunked",
  "scanScratchFloats",
  "diagStep",
  "denseStep",
  "dplrStep",
  "stepMatVec",
  "linearBHL",
  "linearBLH",
  "linearScratchFloats",
  "linearGluBHL",
  "gelu",
  "erf",
  "glu",
  "layerNormRows",
  "layerNormStrided",
  "layerNormScratchFloats",
  "meanPoolRows",
  "meanPoolColumns",
];
