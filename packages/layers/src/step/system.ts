import { type Complex, S4ShapeError, S4ValueError, validate } from "@s4wasm/kernels";
import { type ConjBlockPower, cFromCTilde, discretizeDPLRDense, discretizeS4D } from "../ssm/discretize.js";
import { cMatPowConjBlock } from "../ssm/linalg.js";
import type { Complex64, Discretization, DPLRParams, S4DParams } from "../ssm/params.js";
import { checkDPLRParams, checkS4DParams } from "../ssm/validate.js";
import { diagonalizeStepSystem } from "./diagonalize.js";

/**
 * The discrete system a step runs, set up once from S4D or S4 (DPLR) parameters (float64).
 *
 * - S4D ("diag"): dA, dB (H, N2) from discretizeS4D (ZOH or bilinear), C (H, N2) the original C,
 *   readout y = 2 Re(C.x) + D u over the N2 stored modes (their conjugates give the factor 2).
 * - S4 DPLR ("dense"): the full 2*N2 conjugate-pair system, bilinear, dense dA (H, N, N), dB (H, N),
 *   C_full = [C, conj C] (H, N) with the ORIGINAL C: when the parameters hold C-tilde (the
 *   official module's stored C) it is recovered as C = C~ (I - dA^L)^-1, as the official step does.
 *   Readout y = Re(C_full.x) + D u.
 * Shapes: H channels, N2 stored modes, N = 2*N2. With c output channels of C (the official
 * `channels`; a bidirectional kernel is not causal, so it has no step mode) the system runs
 * c*H channels: channel (g, h) is the layer's channel h with the g-th row of C and D, so the
 * readout is the official '(c h)' layout and each group keeps its own (identical) copy of the
 * state; the frames of StepMode are repeated over the groups.
 */
export interface StepSystem {
  /** "diag": diagonal dA (H, size); "dense": full dA (H, size, size). */
  kind: "diag" | "dense";
  /** channels the step runs: groups * the layer's H */
  H: number;
  /** output channel groups c (the official `channels`); the layer's H is H / groups */
  groups: number;
  /** state entries per channel: N2 (diag) or N = 2*N2 (dense) */
  size: number;
  /** diag: (H, N2); dense: (H, N, N) row-major */
  dA: Complex64;
  /** (H, size) */
  dB: Complex64;
  /** (H, size) the output map the readout uses (dense: C_full with the original C) */
  C: Complex64;
  /** (H) skip: (groups, layer H) */
  D: Float64Array;
  /** diag only: the state is the full system (readout Re(C.x), factor 1), not N2 conjugate-pair modes. */
  fullState?: boolean;
  /**
   * DPLR rank 1 only: what the O(N) "linear" step needs (half parameters, ORIGINAL C (H, N2),
   * dt (H)). Present for every rank-1 DPLR system; used when StepMode runs with dplrMode "linear".
   */
  linear?: {
    /** Diagonal part Lambda (H, N2). */
    Lambda: Complex64;
    /** Low-rank factor P (H, N2). */
    P: Complex64;
    /** Input matrix B (H, N2). */
    B: Complex64;
    /** The original C (H, N2). */
    C: Complex64;
    /** Step size dt = exp(logDt) (H). */
    dt: Float64Array;
  };
}

/** How setupStep() discretises: skip D, S4D discretisation, DPLR step algorithm. */
export interface StepSetupOptions {
  /** Skip term D (channels*H: one row per output channel); zeros when absent. */
  D?: Float64Array | Float32Array;
  /** S4D discretisation (default "zoh", the official s4d.py default). DPLR is always bilinear. */
  disc?: Discretization;
  /**
   * How a DPLR layer steps: "dense" (default, the official dense mode: full-state matrix,
   * O(N^2) per channel) or "linear" (rank 1 only: Woodbury on the half state, O(N) per channel,
   * the official "linear" mode), or "diagonal" (dA diagonalised once, then an O(N) diagonal step
   * on the full state; ill-conditioned for large HiPPO N). All compute the same recurrence.
   */
  dplrMode?: "dense" | "linear" | "diagonal";
}

function skip(where: string, D: Float64Array | Float32Array | undefined, H: number): Float64Array {
  if (D === undefined) return new Float64Array(H);
  if (!(D instanceof Float64Array) && !(D instanceof Float32Array)) {
    throw new S4ValueError(`${where}(D): expected a Float32Array or Float64Array, got ${typeof D}`);
  }
  if (D.length !== H) throw new S4ShapeError(`${where}(D): expected length ${H} (channels*H), got ${D.length}`);
  return Float64Array.from(D);
}

/** Rows (H, w) repeated `groups` times -> (groups*H, w) (every group its own copy). */
function tile(x: Float64Array, groups: number): Float64Array {
  if (groups === 1) return x;
  const out = new Float64Array(groups * x.length);
  for (let g = 0; g < groups; g++) out.set(x, g * x.length);
  return out;
}

function tileC(x: Complex64, groups: number): Complex64 {
  return { re: tile(x.re, groups), im: tile(x.im, groups) };
}

/** S4D: discretise once. */
export function stepSystemS4D(p: S4DParams, options: StepSetupOptions = {}): StepSystem {
  // every parameter checked here, by name (a NaN in logDt surfaced as the plan refusing dA)
  checkS4DParams("setupStep(s4d)", p);
  const disc = validate.checkOneOf("setupStep(disc)", options.disc ?? "zoh", ["zoh", "bilinear"] as const);
  const { dA, dB } = discretizeS4D(p, disc);
  const groups = p.channels;
  const C = { re: Float64Array.from(p.C.re), im: Float64Array.from(p.C.im) };
  const H = groups * p.H;
  return {
    kind: "diag",
    H,
    groups,
    size: p.N2,
    dA: tileC(dA, groups),
    dB: tileC(dB, groups),
    C,
    D: skip("setupStep", options.D, H),
  };
}

/**
 * S4 DPLR: dense bilinear discretisation of the full system, original C recovered from C-tilde if
 * needed (`power`: dA^L of that recovery, the float64 twin by default; StepMode passes its
 * kernels' wasm plan).
 */
export function stepSystemDPLR(
  p: DPLRParams,
  options: StepSetupOptions = {},
  power: ConjBlockPower = cMatPowConjBlock,
): StepSystem {
  checkDPLRParams("setupStep(dplr)", p);
  const mode = options.dplrMode ?? "dense";
  if (mode !== "dense" && mode !== "linear" && mode !== "diagonal") {
    throw new S4ValueError(`setupStep(dplrMode): expected "dense", "linear" or "diagonal", got ${JSON.stringify(mode)}`);
  }
  if (mode === "linear" && p.rank !== 1) {
    throw new S4ValueError(`setupStep(dplrMode): the "linear" step needs rank 1, got rank ${p.rank}; use "dense"`);
  }
  if (options.disc !== undefined && options.disc !== "bilinear") {
    throw new S4ValueError(`setupStep(disc): the S4 DPLR step is bilinear only, got ${JSON.stringify(options.disc)}`);
  }
  const { H: H1, N2, channels: groups } = p;
  const { N, dA, dB } = discretizeDPLRDense(p);
  let C: Complex64 = p.C;
  if (p.cForm === "CTilde") {
    if (p.tildeLength === undefined)
      throw new S4ValueError("setupStep(tildeLength): C is C-tilde, so the length L it belongs to is required");
    C = cFromCTilde(dA, p.C, H1, N2, p.tildeLength, power);
  }
  const H = groups * H1;
  if (C.re.length !== H * N2)
    throw new S4ShapeError(`setupStep(C.re): expected length ${H * N2} (channels*H*N2), got ${C.re.length}`);
  const full: Complex64 = { re: new Float64Array(H * N), im: new Float64Array(H * N) };
  for (let h = 0; h < H; h++) {
    for (let j = 0; j < N2; j++) {
      full.re[h * N + j] = C.re[h * N2 + j];
      full.im[h * N + j] = C.im[h * N2 + j];
      full.re[h * N + N2 + j] = C.re[h * N2 + j];
      full.im[h * N + N2 + j] = -C.im[h * N2 + j];
    }
  }
  const sys: StepSystem = {
    kind: "dense",
    H,
    groups,
    size: N,
    dA: tileC(dA, groups),
    dB: tileC(dB, groups),
    C: full,
    D: skip("setupStep", options.D, H),
  };
  if (p.rank === 1) {
    const copy = (c: Complex64) => ({ re: Float64Array.from(c.re), im: Float64Array.from(c.im) });
    sys.linear = {
      Lambda: tileC(copy(p.Lambda), groups),
      P: tileC(copy(p.P), groups),
      B: tileC(copy(p.B), groups),
      C: copy(C),
      dt: tile(p.logDt.map(Math.exp), groups),
    };
  }
  return mode === "diagonal" ? diagonalizeStepSystem(sys) : sys;
}

/** The planes as the kernels' Complex type. */
export function asComplex(c: Complex64): Complex {
  return { re: c.re, im: c.im };
}
