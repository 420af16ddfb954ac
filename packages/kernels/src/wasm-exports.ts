/**
 * The exports of kernels.wasm (assembly/index.ts). Pointers are byte offsets into `memory`,
 * counts are element counts; see each assembly/*.ts file for the contract of a primitive.
 */
export interface KernelExports {
  /** The module's linear memory; every pointer below is a byte offset into it. */
  memory: WebAssembly.Memory;
  /** First byte the host allocator may use (everything below is static data). */
  heapBase(): number;
  /** 1 when the n f32 at x are all finite (no NaN, no +-Inf), else 0 (assembly/finite.ts). */
  allFinite(x: number, n: number): number;
  /** x[i] = 0 where |x[i]| < 2^-100, n f32 at x in place; 1 if a nonzero was zeroed (streaming states; assembly/flush-tiny.ts). */
  flushTiny(x: number, n: number): number;
  // Block ops (assembly/linear.ts, gelu.ts, glu.ts, layernorm.ts, meanpool.ts).
  /**
   * y (B, O, L) = W (O, H) x (B, H, L) + bias (O), f32; bias = 0 for none; scratch: linearScratchFloats(H) floats.
   * y must not alias x, W or scratch.
   */
  linearBHL(
    x: number,
    w: number,
    bias: number,
    y: number,
    B: number,
    H: number,
    O: number,
    L: number,
    scratch: number,
    wp: number,
  ): void;
  /** out = A (M, K) packed in 4-row blocks, k-major within a block ((M & ~3) * K floats): linearBHL's `wp`. */
  packRows4(A: number, M: number, K: number, out: number): void;
  /**
   * linearBHL by one level of Strassen (assembly/linear-strassen.ts) on columns [0, cols) of rows `ld` floats
   * apart: w7 from strassenPackA, w and wp (packRows4; 0: W read in place) for the columns past the last
   * 128-column block. Needs strassenFits(H, O). y must not alias x, the weights or scratch
   * (strassenScratchFloats(H) floats).
   */
  linearStrassenBHL(
    x: number,
    w7: number,
    w: number,
    wp: number,
    bias: number,
    y: number,
    B: number,
    H: number,
    O: number,
    cols: number,
    ld: number,
    scratch: number,
  ): void;
  /** 1 when linearStrassenBHL takes inner size H and outer size O (H even and >= 256, O % 8 == 0), else 0. */
  strassenFits(H: number, O: number): number;
  /** Scratch size in f32 elements that linearStrassenBHL needs for inner size H (more than linearScratchFloats). */
  strassenScratchFloats(H: number): number;
  /** Floats of strassenPackA's output: 7 (O/2)(H/2). */
  strassenWeightFloats(H: number, O: number): number;
  /** out = the 7 block sums of W (O, H) that linearStrassenBHL reads. */
  strassenPackA(W: number, H: number, O: number, out: number): void;
  /**
   * y (rows, O) = x (rows, H) WT (H, O) + bias (O), f32, WT = W transposed; bias = 0 for none; scratch:
   * linearScratchFloats(H) floats.
   */
  linearBLH(x: number, wt: number, bias: number, y: number, rows: number, H: number, O: number, scratch: number): void;
  /** Scratch size in f32 elements that linearBHL / linearBLH need for inner size H. */
  linearScratchFloats(H: number): number;
  /**
   * Fused Linear(H, 2G) + GLU: y (B, G, cols) = GLU(W (2G, H) x (B, H, cols) + bias (2G)), rows of x and y `ld`
   * floats apart; bias = 0 for none; wp: W packed by packRows4 (0: none); w7: strassenPackA's sums (0: none; only
   * where strassenFits(H, 2G)); scratch: linearGluScratchFloats(H, G) floats. y must not alias x.
   */
  linearGluBHL(
    x: number,
    w: number,
    wp: number,
    w7: number,
    bias: number,
    y: number,
    B: number,
    H: number,
    G: number,
    cols: number,
    ld: number,
    scratch: number,
  ): void;
  /** Scratch size in f32 elements that linearGluBHL needs: the matmul's panels and one (2G, 128) block of z. */
  linearGluScratchFloats(H: number, G: number): number;
  /** Exact (erf) GELU of n f32 elements: out = x Phi(x). out may be x. */
  gelu(x: number, out: number, n: number): void;
  /** erf of n f32 elements. */
  erf(x: number, out: number, n: number): void;
  /**
   * An activation of n f32 elements: kind 0..5 = tanh, relu, elu, silu, sigmoid, softplus
   * (ACTIVATION_KINDS order). out may be x.
   */
  activation(kind: number, x: number, out: number, n: number): void;
  /**
   * GLU, value first: out (rows, width) = z[:, :width] * sigmoid(z[:, width:]) with z (rows, 2*width); out may be
   * z.
   */
  glu(z: number, out: number, rows: number, width: number): void;
  /**
   * LayerNorm over H contiguous channels: x, y (rows, H); gamma, beta (H); biased variance, eps inside the sqrt. y
   * may alias x.
   */
  layerNormRows(x: number, gamma: number, beta: number, y: number, rows: number, H: number, eps: number): void;
  /**
   * LayerNorm over the channel axis of x, y (B, H, L) (channels strided by L); gamma, beta (H); scratch:
   * layerNormScratchFloats(L) floats. y may alias x.
   */
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
  /** Scratch size in f32 elements that layerNormStrided needs for length L (2L: a mean and a 1/std per position). */
  layerNormScratchFloats(L: number): number;
  /** Mean over L: x (rows, L) -> out (rows); layout (B, H, L) is rows = B*H. */
  meanPoolRows(x: number, out: number, rows: number, L: number): void;
  /** Mean over L: x (B, L, H) -> out (B, H). */
  meanPoolColumns(x: number, out: number, B: number, L: number, H: number): void;
  /** Elementwise complex product on split planes of n f32: out = a * b. out may alias a or b. */
  cmul(aRe: number, aIm: number, bRe: number, bIm: number, outRe: number, outIm: number, n: number): void;
  /** Elementwise complex multiply-accumulate on split planes of n f32: out += a * b. */
  cmulAcc(aRe: number, aIm: number, bRe: number, bIm: number, outRe: number, outIm: number, n: number): void;
  /**
   * Reference O(n^2) DFT, f32: x (n) complex -> out (n) complex, with a twiddle table tw (n) complex. out must not
   * alias x.
   */
  dft(xRe: number, xIm: number, outRe: number, outIm: number, n: number, twRe: number, twIm: number): void;
  /**
   * Sequential complex diagonal recurrence h[l, t] = a[l, t] h[l, t-1] + b[l, t], h[l, -1] = h0[l]: a, b, h
   * (lanes, T) split f32 planes; h0, last (lanes), last = h[:, T-1]. h may alias b.
   */
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
  /**
   * The same recurrence as linearScan by the associative (reduce-then-scan) schedule in chunks of `chunk` steps;
   * scratch: scanScratchFloats(lanes, T, chunk) floats. h must not alias a or b.
   */
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
  /** Scratch size in f32 elements that linearScanChunked needs (6 planes of lanes*ceil(T/chunk), + 8). */
  scanScratchFloats(lanes: number, T: number, chunk: number): number;
  /**
   * L diagonal SSM steps: x = dA x + dB u; y = scale Re(C . x) + D u. x (batch, H, M) complex in place; dA, dB, C
   * (H, M) complex; d (H); u, y (batch, H, L), y may alias u.
   */
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
  /**
   * diagStep with M % 4 == 0 on the scaled state x~ = C . x: x~ = dA x~ + g u (g = C dB),
   * y = scale Re(sum x~) + D u. pk (H, M/4, 16) packed per block of 4 modes as
   * [dA re | dA im | g re | g im]; x~, d, u, y as diagStep.
   */
  diagStepScaled(
    xRe: number,
    xIm: number,
    pk: number,
    d: number,
    u: number,
    y: number,
    batch: number,
    H: number,
    M: number,
    L: number,
    scale: number,
  ): void;
  /**
   * One frame of the S4 block tail (assembly/step-block.ts): diagStepScaled on io (B, G) in place,
   * GELU in place, z (B, 2H) = stepMatVecPacked(wp, io) + bias, then GLU: out (B, H) over z's start.
   */
  stepBlockScaled(
    xRe: number,
    xIm: number,
    pk: number,
    d: number,
    io: number,
    batch: number,
    G: number,
    M: number,
    scale: number,
    wp: number,
    bias: number,
    z: number,
    H: number,
  ): void;
  /**
   * L dense SSM steps: x = dA @ x + dB u; y = Re(C . x) + D u. x (batch, H, S) complex in place; dA (H, S, S)
   * complex row-major; dB, C (H, S) complex; d (H); u, y (batch, H, L); tmp: 2*S floats.
   */
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
  /**
   * L rank-1 DPLR bilinear steps on the half state: x (batch, H, M) complex in place; params and chan are the
   * coefficients packed by DPLRStepPlan.setParams; u, y (batch, H, L), y may alias u.
   */
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
  /** One frame through a Linear layer: y (O) = W (O, H) x (H) + bias (O); bias = 0 for none. y must not alias x. */
  stepMatVec(w: number, x: number, bias: number, y: number, H: number, O: number): void;
  /**
   * out (n x n) = a^p for a conjugate-block complex f64 matrix (split planes, row-major), n % 4 == 0;
   * scratch: 4 n^2 f64.
   */
  conjBlockPower64(aRe: number, aIm: number, outRe: number, outIm: number, n: number, p: number, scratch: number): void;
  /** stepMatVec on W packed in row panels (see packStepWeights in primitives/step-matvec.ts). */
  stepMatVecPacked(wp: number, x: number, bias: number, y: number, H: number, O: number): void;
  // FFT (assembly/fft.ts, rfft.ts, fftconv.ts): desc/rdesc are plan descriptors written by src/primitives/fft-layout.ts.
  /**
   * Complex FFT of `batch` contiguous rows of n (n from the plan descriptor desc): x, out (batch, n) split planes,
   * out may be x; inverse != 0 uses exp(+2 pi i jk/n); outputs are multiplied by scale.
   */
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
  /** Multiply n f32 elements at p by c, in place. */
  fftScale(p: number, n: number, c: number): void;
  /**
   * Real forward FFT of `batch` rows: x (batch, inLen), each row zero-padded or truncated to n -> out (batch,
   * n//2+1) complex planes.
   */
  rfftRows(rdesc: number, x: number, inLen: number, outRe: number, outIm: number, batch: number): void;
  /** Real inverse FFT (1/n) of `batch` rows: X (batch, n//2+1) complex -> out (batch, n). */
  irfftRows(rdesc: number, XRe: number, XIm: number, out: number, batch: number): void;
  /**
   * Causal FFT convolution y = conv(u, k) + D u over batch*H rows of L: rdesc for n = 2L; S (H, L+1) complex
   * kernel spectra pre-scaled by 1/(2n); d: D (H) or 0; u, y (batch, H, L), y may be u.
   */
  fftConvRows(rdesc: number, Sr: number, Si: number, u: number, y: number, d: number, batch: number, H: number, L: number): void;
  /** S[h] = c rfft(K[h] zero-padded to 2L): K (rows, L) f32 read in place -> S (rows, L+1) planes. */
  kernelSpectrumRows(rdesc: number, K: number, Sr: number, Si: number, rows: number, L: number, c: number): void;
  // Cauchy sums (assembly/cauchy.ts): v (S,H,N), z (M) or (H,M) via zStride, w (H,N), out (S,H,M)
  /**
   * out[h, m] = sum_n v[h, n] / (z[m] - w[h, n]); v (H, N), w (H, N) and z (M) (zStride 0) or (H, M) (zStride M)
   * complex, z and w as hi+lo f32 pairs; out (H, M) complex.
   */
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
  /**
   * Conjugate-pair Cauchy sum over S numerator sets: out[s, h, m] = sum_n v/(z - w) + conj(v)/(z - conj(w)); v (S,
   * H, N), out (S, H, M) complex; z, w as in cauchy.
   */
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
  /**
   * (assembly/cauchy-woodbury.ts) S4 DPLR rank-1 fast path: out[h, m] = f[m] (r0 - r1 r2 / (1 + r3)) from four conjugate-pair Cauchy sums on
   * purely imaginary nodes; inputs prepared by CauchyWoodburyPlan; out (H, M) complex; qs: scratch of
   * cauchyWoodburyScratchBytes(N) bytes, one per thread running it at once.
   */
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
    qs: number,
  ): void;
  /** Bytes of cauchyWoodbury1's `qs` scratch for N poles a channel. */
  cauchyWoodburyScratchBytes(N: number): number;
  // Vandermonde (assembly/vandermonde.ts): C (H,N) f32, logz (H,N) f64, out (H,L) / u (H,L)
  /**
   * out[h, l] = 2 Re sum_n C[h, n] z[h, n]^l, z = exp(logz), l = 0..L-1: C (H, N) complex f32, logz (H, N) complex
   * f64, out (H, L) f32; scratch: vandermondeScratchFloats(N, L) floats.
   */
  vandermonde(
    cRe: number,
    cIm: number,
    logzRe: number,
    logzIm: number,
    out: number,
    H: number,
    N: number,
    L: number,
    scratch: number,
  ): void;
  /** Scratch size in f32 elements that vandermonde needs for N modes and length L. */
  vandermondeScratchFloats(N: number, L: number): number;
  /**
   * out[h, n] = C[h, n] sum_l u[h, l] z[h, n]^l (no factor 2): u (H, L) f32, C (H, N) complex f32, logz (H, N)
   * complex f64, out (H, N) complex f32.
   */
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
  "cauchyWoodburyScratchBytes",
  "vandermonde",
  "vandermondeScratchFloats",
  "vandermondeTranspose",
  "fftRows",
  "fftScale",
  "rfftRows",
  "irfftRows",
  "fftConvRows",
  "kernelSpectrumRows",
  "linearScan",
  "linearScanChunked",
  "scanScratchFloats",
  "diagStep",
  "diagStepScaled",
  "stepBlockScaled",
  "denseStep",
  "dplrStep",
  "stepMatVec",
  "stepMatVecPacked",
  "conjBlockPower64",
  "linearBHL",
  "linearBLH",
  "packRows4",
  "linearStrassenBHL",
  "strassenFits",
  "strassenWeightFloats",
  "strassenScratchFloats",
  "strassenPackA",
  "linearScratchFloats",
  "linearGluBHL",
  "linearGluScratchFloats",
  "gelu",
  "erf",
  "activation",
  "glu",
  "allFinite",
  "flushTiny",
  "layerNormRows",
  "layerNormStrided",
  "layerNormScratchFloats",
  "meanPoolRows",
  "meanPoolColumns",
];
