/**
 * The constructor arguments of the three official modules we import, read from a checkpoint's
 * `config.json` ({ module, args }) and normalised with the official defaults (state-spaces/s4,
 * commit e757cef). Arguments that change the stored tensors or the forward math are interpreted;
 * training-only ones (dropout, lr, dt_min, ...) are accepted and ignored; anything else, or a
 * value we do not implement (gate, bottleneck, other transforms), is refused with every offending
 * argument named at once.
 */
import { S4ValueError } from "@s4wasm/kernels";
import type { BlockActivation, ConvActivation } from "../block/activation.js";

/** The official modules (file:class in state-spaces/s4) that can be imported. */
export type OfficialModuleName = "models/s4/s4.py:S4Block" | "models/s4/s4d.py:S4D" | "example.py:S4Model";

/** A checkpoint's config.json as written by the exporter: the module and its constructor arguments. */
export interface OfficialConfig {
  /** Official file and class, e.g. "models/s4/s4.py:S4Block". */
  module: string;
  /** The exact constructor keyword arguments. */
  args: Record<string, unknown>;
}

/** models/s4/s4.py S4Block -> FFTConv -> SSMKernelDiag / SSMKernelDPLR. */
export interface S4BlockConfig {
  /** The official module. */
  module: "models/s4/s4.py:S4Block";
  /** H */
  dModel: number;
  /** N (N/2 modes stored; see `modes`) */
  dState: number;
  /**
   * Modes stored per channel: d_state/2 (conjugate pairs), or, for a real-valued SSM (is_real),
   * d_state when d_state was passed (the official kernel doubles it before halving) and 32 when not.
   */
  modes: number;
  /** SSM kernel: "diag" (S4D) or "dplr" (S4, the official default). */
  mode: "diag" | "dplr";
  /** The init name (storage does not depend on it; kept for reference). */
  init: string;
  /** FFTConv channels c: the SSM output has c*H features. */
  channels: number;
  /** true: a second set of C rows runs the kernel backwards in time (C has 2*channels rows). */
  bidirectional: boolean;
  /** true: input/output (B, H, L); false: (B, L, H). */
  transposed: boolean;
  /** DPLR low rank R (1 by default). */
  rank: number;
  /** Copies of A/B/P stored (A_real has n_ssm rows, repeated to H); H by default. */
  nSsm: number;
  /** Discretisation: diag zoh (default) or bilinear; DPLR is always bilinear. */
  disc: "zoh" | "bilinear";
  /**
   * The official l_max (null: none, the default). FFTConv then cuts the kernel to its first
   * min(L, l_max) taps: forward at L > l_max differs from the untruncated convolution.
   */
  lMax: number | null;
  /** How the stored parameters become dt and A (SSMKernelDiag._get_params). */
  param: SSMParameterization;
  /**
   * true: FFTConv flattens its output (c, H) as (h c) instead of (c h) before the output Linear
   * (official swap_channels; the same numbers reach the Linear in another column order).
   */
  swapChannels: boolean;
  /**
   * FFTConv `activation` after SSM + D u ("gelu" by default; None, 'id', 'identity', 'linear':
   * "id"; "glu": the official FFTConv doubles its channel groups for D and the kernel, and the
   * GLU halves the features again, see convGroups).
   */
  activation: ConvActivation;
  /** S4Block `mult_act`, applied before the output Linear ("id" by default). */
  multActivation: BlockActivation;
  /**
   * S4Block `final_act` (or its old name `postact`): "glu" (default) Linear(c*H, 2H) + GLU, an
   * activation: Linear(c*H, H) then it, null: no output Linear (the block outputs c*H features).
   */
  finalAct: "glu" | BlockActivation | null;
}

/**
 * The channel groups of an s4.py block's FFTConv: D has this many rows and the kernel this many
 * (twice that when bidirectional). `channels`, doubled by the official FFTConv for activation glu.
 */
export function convGroups(cfg: S4BlockConfig): number {
  return cfg.channels * (cfg.activation === "glu" ? 2 : 1);
}

/**
 * The official Activation() names (models/s4/s4.py) -> ours, in the order errors list them;
 * None is "id" too. "GELU" is not official but was always accepted here.
 */
const OFFICIAL_ACTIVATIONS: readonly (readonly [string, BlockActivation])[] = [
  ["id", "id"],
  ["identity", "id"],
  ["linear", "id"],
  ["gelu", "gelu"],
  ["tanh", "tanh"],
  ["relu", "relu"],
  ["elu", "elu"],
  ["silu", "silu"],
  ["swish", "silu"],
  ["sigmoid", "sigmoid"],
  ["softplus", "softplus"],
];
const ACTIVATION_BY_NAME = new Map<unknown, BlockActivation>([...OFFICIAL_ACTIVATIONS, ["GELU", "gelu"]]);
const ACTIVATION_NAMES = ["None", ...OFFICIAL_ACTIVATIONS.map(([name]) => `'${name}'`)].join(", ");

/** An official activation name (or None) -> ours; null for a name it does not know. */
function activationOf(v: unknown): BlockActivation | null {
  return v === null || v === undefined ? "id" : (ACTIVATION_BY_NAME.get(v) ?? null);
}

/** The official parameter transforms (models/s4/s4.py param_transform): a stored p -> a positive value. */
export type ParamTransform = "none" | "exp" | "relu" | "sigmoid" | "softplus";
const TRANSFORMS: readonly ParamTransform[] = ["none", "exp", "relu", "sigmoid", "softplus"];

/**
 * The SSM parameterisation of an s4.py kernel, as SSMKernelDiag._get_params reads its tensors:
 *   dt = T_dt(dtFast ? sinh(inv_dt) : inv_dt), Re A = -T_re(A_real), Im A = -T_im(A_imag)
 * and, with `bandlimit`, C zeroed where dt |Im A| / (2 pi) >= bandlimit / 2.
 */
export interface SSMParameterization {
  /** dt_transform ("exp" by default: inv_dt holds log dt). */
  dtTransform: ParamTransform;
  /** real_transform ("exp" by default). */
  realTransform: ParamTransform;
  /** imag_transform ("none" by default). */
  imagTransform: ParamTransform;
  /** dt_fast: inv_dt is stored under asinh. */
  dtFast: boolean;
  /** dt_tie (true by default): one dt per channel, inv_dt (H, 1); false: one per mode, (H, modes). */
  dtTie: boolean;
  /** is_real: real A, B, C (no conjugate pairs, no A_imag), diag only. */
  isReal: boolean;
  /** bandlimit: mask C's high-frequency modes (diag only), or null. */
  bandlimit: number | null;
}

/** The official defaults: dt = exp(inv_dt) per channel, A = -exp(A_real) - i A_imag, complex, no mask. */
export const DEFAULT_PARAMETERIZATION: Readonly<SSMParameterization> = Object.freeze({
  dtTransform: "exp",
  realTransform: "exp",
  imagTransform: "none",
  dtFast: false,
  dtTie: true,
  isReal: false,
  bandlimit: null,
});

/** models/s4/s4d.py S4D (the minimal file). */
export interface S4DConfig {
  /** The official module. */
  module: "models/s4/s4d.py:S4D";
  /** H */
  dModel: number;
  /** N (N/2 modes stored; 64 by default) */
  dState: number;
  /** true: input/output (B, H, L); false: (B, L, H). */
  transposed: boolean;
}

/** example.py S4Model: encoder, n S4D layers with LayerNorm, mean pool, decoder. */
export interface S4ModelConfig {
  /** The official module. */
  module: "example.py:S4Model";
  /** Input features per time step (the encoder's input width). */
  dInput: number;
  /** Output features (the decoder's width; 10 by default). */
  dOutput: number;
  /** H, the width of every S4D layer (256 by default). */
  dModel: number;
  /** Number of residual S4D layers (4 by default). */
  nLayers: number;
  /** true: LayerNorm before each layer; false: after the residual add (the default). */
  prenorm: boolean;
  /** S4D's d_state default (example.py does not pass it). */
  dState: number;
}

/** A validated config with the official defaults filled in, discriminated by `module`. */
export type NormalizedConfig = S4BlockConfig | S4DConfig | S4ModelConfig;

const MODULES: Record<string, OfficialModuleName> = {
  "s4.py:S4Block": "models/s4/s4.py:S4Block",
  "s4d.py:S4D": "models/s4/s4d.py:S4D",
  "example.py:S4Model": "example.py:S4Model",
};

/** Collects every problem with the arguments, then throws them together. */
class ArgReader {
  readonly problems: string[] = [];
  private readonly seen = new Set<string>();
  constructor(
    private readonly module: string,
    private readonly args: Record<string, unknown>,
  ) {}

  int(name: string, def: number | undefined, min: number): number {
    this.seen.add(name);
    const v = this.args[name] ?? def;
    if (v === undefined) {
      this.problems.push(`${name}: required`);
      return min;
    }
    if (typeof v !== "number" || !Number.isInteger(v) || v < min) {
      this.problems.push(`${name}: expected an integer >= ${min}, got ${JSON.stringify(v)}`);
      return min;
    }
    return v;
  }

  bool(name: string, def: boolean): boolean {
    this.seen.add(name);
    const v = this.args[name] ?? def;
    if (typeof v !== "boolean") {
      this.problems.push(`${name}: expected true or false, got ${JSON.stringify(v)}`);
      return def;
    }
    return v;
  }

  /** An integer >= min, or null (also when absent). */
  optionalInt(name: string, min: number): number | null {
    this.seen.add(name);
    const v = this.args[name];
    if (v === undefined || v === null) return null;
    if (typeof v !== "number" || !Number.isInteger(v) || v < min) {
      this.problems.push(`${name}: expected null or an integer >= ${min}, got ${JSON.stringify(v)}`);
      return null;
    }
    return v;
  }

  str(name: string, def: string): string {
    this.seen.add(name);
    const v = this.args[name] ?? def;
    if (typeof v !== "string") {
      this.problems.push(`${name}: expected a string, got ${JSON.stringify(v)}`);
      return def;
    }
    return v;
  }

  /** One of the listed strings (absent or null: def). */
  oneOf<T extends string>(name: string, def: T, allowed: readonly T[]): T {
    this.seen.add(name);
    const v = this.args[name] ?? def;
    if (!allowed.includes(v as T)) {
      this.problems.push(
        `${name}: expected one of ${allowed.map((a) => JSON.stringify(a)).join(", ")}, got ${JSON.stringify(v)}`,
      );
      return def;
    }
    return v as T;
  }

  /** A finite number, or null (also when absent). */
  optionalNumber(name: string): number | null {
    this.seen.add(name);
    const v = this.args[name];
    if (v === undefined || v === null) return null;
    if (typeof v !== "number" || !Number.isFinite(v)) {
      this.problems.push(`${name}: expected null or a finite number, got ${JSON.stringify(v)}`);
      return null;
    }
    return v;
  }

  /** Accept only the listed values (null/absent counts as the first). */
  only(name: string, allowed: readonly unknown[], why: string): void {
    this.seen.add(name);
    if (!(name in this.args) || this.args[name] === null) return;
    if (!allowed.includes(this.args[name])) {
      this.problems.push(`${name}: ${JSON.stringify(this.args[name])} is not supported (${why})`);
    }
  }

  /** Arguments that only matter for training or initialisation. */
  ignore(...names: string[]): void {
    for (const n of names) this.seen.add(n);
  }

  finish(): void {
    for (const name of Object.keys(this.args)) {
      if (!this.seen.has(name)) this.problems.push(`${name}: unknown argument of ${this.module}`);
    }
    if (this.problems.length > 0) {
      throw new S4ValueError(
        `loadOfficial(config.args): ${this.problems.length} problem(s) with the arguments of ${this.module}:\n  - ${this.problems.join("\n  - ")}`,
      );
    }
  }
}

/** Validate and normalise a config.json ({ module, args }) with the official defaults. */
export function normalizeConfig(config: OfficialConfig): NormalizedConfig {
  if (typeof config !== "object" || config === null) {
    throw new S4ValueError(`loadOfficial(config): expected { module, args }, got ${config === null ? "null" : typeof config}`);
  }
  const raw = config.module;
  const key =
    typeof raw === "string"
      ? Object.keys(MODULES).find((k) => raw === MODULES[k] || raw === k || raw.endsWith(`/${k}`))
      : undefined;
  if (!key) {
    throw new S4ValueError(
      `loadOfficial(config.module): expected one of ${Object.values(MODULES)
        .map((m) => `"${m}"`)
        .join(", ")}, got ${JSON.stringify(raw)}`,
    );
  }
  const module = MODULES[key];
  const args = config.args ?? {};
  if (typeof args !== "object" || args === null || Array.isArray(args)) {
    throw new S4ValueError(`loadOfficial(config.args): expected an object of constructor arguments, got ${JSON.stringify(args)}`);
  }
  const r = new ArgReader(module, args);
  let out: NormalizedConfig;
  if (module === "models/s4/s4.py:S4Block") {
    const dModel = r.int("d_model", undefined, 1);
    // `kernel` names the SSM kernel in later official versions (and `mode` there is deprecated)
    const kernelArg = args.kernel ?? null;
    if (kernelArg !== null && args.mode != null && kernelArg !== args.mode)
      r.problems.push(
        `kernel: ${JSON.stringify(kernelArg)} contradicts mode ${JSON.stringify(args.mode)} (both name the SSM kernel)`,
      );
    if (kernelArg !== null && typeof kernelArg !== "string")
      r.problems.push(`kernel: expected a string (the SSM kernel, as mode), got ${JSON.stringify(kernelArg)}`);
    r.ignore("kernel");
    const modeRaw = args.mode == null && typeof kernelArg === "string" ? r.str("kernel", "dplr") : r.str("mode", "dplr");
    const modes: Record<string, "diag" | "dplr"> = { dplr: "dplr", nplr: "dplr", s4: "dplr", diag: "diag", s4d: "diag" };
    const mode: "diag" | "dplr" | undefined = Object.hasOwn(modes, modeRaw) ? modes[modeRaw] : undefined;
    if (!mode) r.problems.push(`mode: ${JSON.stringify(modeRaw)} is not supported (dplr, nplr, s4, diag, s4d)`);
    const isReal = r.bool("is_real", false);
    const dState = r.int("d_state", 64, isReal ? 1 : 2);
    if (!isReal && dState % 2 !== 0)
      r.problems.push(`d_state: expected an even number (N/2 conjugate-pair modes are stored), got ${dState}`);
    // is_real: SSMKernelDiag doubles a PASSED d_state, then keeps half (so d_state real modes);
    // the default 64 is not doubled (32 modes)
    const nModes = isReal && args.d_state != null ? dState : Math.floor(dState / 2);
    const nSsm = r.int("n_ssm", dModel, 1);
    if (dModel % nSsm !== 0) r.problems.push(`n_ssm: expected a divisor of d_model = ${dModel}, got ${nSsm}`);
    const disc = r.str("disc", mode === "dplr" ? "bilinear" : "zoh");
    if (mode === "diag" && disc !== "zoh" && disc !== "bilinear")
      r.problems.push(`disc: ${JSON.stringify(disc)} is not supported (zoh, bilinear)`);
    if (mode === "dplr" && disc !== "bilinear")
      r.problems.push(`disc: the DPLR kernel is bilinear only, got ${JSON.stringify(disc)}`);
    const block: S4BlockConfig = {
      module,
      dModel,
      dState,
      mode: mode ?? "dplr",
      init: r.str("init", "legs"),
      channels: r.int("channels", 1, 1),
      bidirectional: r.bool("bidirectional", false),
      transposed: r.bool("transposed", true),
      rank: r.int("rank", 1, 1),
      nSsm,
      disc: disc as "zoh" | "bilinear",
      lMax: r.optionalInt("l_max", 1),
      modes: nModes,
      param: {
        dtTransform: r.oneOf("dt_transform", "exp", TRANSFORMS),
        realTransform: r.oneOf("real_transform", "exp", TRANSFORMS),
        imagTransform: r.oneOf("imag_transform", "none", TRANSFORMS),
        dtFast: r.bool("dt_fast", false),
        dtTie: r.bool("dt_tie", true),
        isReal,
        bandlimit: r.optionalNumber("bandlimit"),
      },
      swapChannels: r.bool("swap_channels", false),
      activation: "gelu",
      multActivation: "id",
      finalAct: "glu",
    };
    out = block;
    const param = block.param;
    if (mode === "dplr") {
      // diag-kernel options in the official code: a real SSM has no complex P, one dt per mode
      // gives no single bilinear system for the low-rank term (its step and kernel disagree),
      // and the mask acts on C-tilde, which _setup_C changes with the length
      if (isReal) r.problems.push("is_real: a real-valued SSM is implemented for mode diag only");
      if (!param.dtTie) r.problems.push("dt_tie: false (one dt per mode) is implemented for mode diag only");
      if (param.bandlimit !== null)
        r.problems.push("bandlimit: implemented for mode diag only (the DPLR kernel masks C-tilde at each length)");
    }
    if (param.bandlimit !== null && isReal)
      r.problems.push("bandlimit: the official code cannot band-limit a real-valued SSM (it reads A.imag)");
    if (param.bandlimit !== null && nSsm !== 1 && nSsm !== dModel)
      r.problems.push(
        `bandlimit: needs n_ssm = 1 or d_model (the official code broadcasts dt (H) against A (n_ssm)), got n_ssm = ${nSsm}`,
      );
    // activations (models/s4/s4.py Activation): FFTConv's after the skip (default GELU), the
    // block's mult_act before its output Linear (applied with or without a gate), final_act
    r.ignore("activation", "mult_act", "postact", "final_act");
    const act = (name: string, v: unknown, also = ""): BlockActivation => {
      const a = activationOf(v);
      if (a === null) r.problems.push(`${name}: ${JSON.stringify(v)} is not supported (${ACTIVATION_NAMES}${also})`);
      return a ?? "id";
    };
    block.activation =
      args.activation === undefined ? "gelu" : args.activation === "glu" ? "glu" : act("activation", args.activation, ", 'glu'");
    if (block.activation === "glu" && block.swapChannels)
      r.problems.push("swap_channels: with activation glu it is not implemented (the GLU would halve the swapped order)");
    block.multActivation = act("mult_act", args.mult_act);
    // postact: the deprecated name of final_act; the official constructor asserts that
    // final_act is None when it is given, then uses it in its place
    const postact = args.postact ?? null;
    if (postact !== null && args.final_act !== null)
      r.problems.push(
        `postact: ${JSON.stringify(postact)} needs final_act: null (the official S4Block asserts it), got final_act ${JSON.stringify(args.final_act ?? "glu")}`,
      );
    const finalRaw = postact ?? (args.final_act === undefined ? "glu" : args.final_act);
    block.finalAct =
      finalRaw === null ? null : finalRaw === "glu" ? "glu" : act(postact !== null ? "postact" : "final_act", finalRaw);
    // neither runs in the official S4Block (models/s4/s4.py at the versions read): with a gate
    // its constructor reads self.layer before creating it; a bottleneck b > 1 makes an input
    // Linear of d_model/b features that is handed d_model (b = 1 only adds a square Linear)
    r.only("gate", [], "gated blocks are not implemented (the official S4Block fails to construct one)");
    r.only("bottleneck", [], "bottleneck blocks are not implemented (the official forward fails for a bottleneck above 1)");
    r.only("gate_act", [], "needs gate");
    r.ignore(
      // S4Block takes these two but passes neither to its Linear layers: same state_dict
      "weight_norm",
      "initializer",
      "dropout",
      "tie_dropout",
      "drop_kernel",
      "backend",
      "measure",
      "dt_min",
      "dt_max",
      "lr",
      "wd",
      "deterministic",
      "verbose",
      "init_args",
      "rank_init",
      // the initialisation's own arguments, which reach dplr() / nplr() as **init_args
      "real_random",
      "real_scale",
      "imag_random",
      "imag_scale",
      "B_random",
      "B_init",
      "B_scale",
      "P_scale",
      "normalize",
      "diagonalize_precision",
      "B_clip",
    );
  } else if (module === "models/s4/s4d.py:S4D") {
    const dState = r.int("d_state", 64, 2);
    if (dState % 2 !== 0) r.problems.push(`d_state: expected an even number, got ${dState}`);
    out = { module, dModel: r.int("d_model", undefined, 1), dState, transposed: r.bool("transposed", true) };
    r.ignore("dropout", "dt_min", "dt_max", "lr");
  } else {
    out = {
      module,
      dInput: r.int("d_input", undefined, 1),
      dOutput: r.int("d_output", 10, 1),
      dModel: r.int("d_model", 256, 1),
      nLayers: r.int("n_layers", 4, 0),
      prenorm: r.bool("prenorm", false),
      dState: 64,
    };
    r.ignore("dropout");
  }
  r.finish();
  return out;
}
