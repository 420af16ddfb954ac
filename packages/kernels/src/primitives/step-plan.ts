// What the diagonal and the dense step plans share: parameters set once (setParams), states
// made by the plan (createState), and the three ways to run — one frame (step), a chunk from a
// given state (run), and a pointer-level entry for callers that keep their frames in wasm memory.
// The state is updated in place; a call copies in its input, copies out its output, and
// allocates nothing on the wasm path except a fresh result when no `out` is given.

import { S4ShapeError, S4StateError } from "../errors.js";
import { checkFiniteResult, checkFiniteResultAt } from "../memory/finite-result.js";
import { setFinite } from "../memory/set-finite.js";
import type { WasmBuffer } from "../memory/workspace.js";
import { Workspace } from "../memory/workspace.js";
import type { WasmRuntime } from "../runtime.js";
import type { FloatArray } from "../types.js";
import { checkAllFinite, checkFinite32, checkFloatArray } from "../validate.js";
import { Plan } from "./plan.js";
import type { StepLinearPlan } from "./step-matvec.js";
import { SSMState } from "./step-state.js";

/** The parameter planes of the diagonal and dense step plans: dA, dB, C (re, im) and D. */
export type StepParamName = "dAr" | "dAi" | "dBr" | "dBi" | "cr" | "ci" | "d";

const PARAM_LABEL: Record<StepParamName, string> = {
  dAr: "dA.re",
  dAi: "dA.im",
  dBr: "dB.re",
  dBi: "dB.im",
  cr: "C.re",
  ci: "C.im",
  d: "D",
};

/**
 * Check every parameter plane is finite, naming it (e.g. "diagStep.setParams(dA.re)"), and within
 * float32's range when `f32` (a wasm plan stores them as float32).
 */
export function checkStepParams(where: string, vals: Record<StepParamName, FloatArray>, f32: boolean): void {
  for (const k of Object.keys(vals) as StepParamName[]) checkFinite32(`${where}(${PARAM_LABEL[k]})`, vals[k], f32);
}

/**
 * Check every parameter plane is finite (checkStepParams) before any is copied, then copy them
 * into the plan's wasm buffers, or its float64 planes on the JS twin.
 */
export function loadStepParams(
  where: string,
  vals: Record<StepParamName, FloatArray>,
  wbufs: Record<StepParamName, WasmBuffer<Float32Array>> | null,
  jparams: Record<StepParamName, Float64Array> | null,
): void {
  checkStepParams(where, vals, wbufs !== null);
  const keys = Object.keys(vals) as StepParamName[];
  for (const k of keys) {
    if (wbufs) wbufs[k].view.set(vals[k]);
    else (jparams as Record<StepParamName, Float64Array>)[k].set(vals[k]);
  }
}

/** The entries of a step plan whose error prefixes are kept. */
/**
 * Said when a step's result overflowed float32: the state advanced through the same arithmetic,
 * so it holds the infinities too and every later step would repeat them.
 */
export const STATE_OVERFLOW_HINT = "; the state holds the overflow too: reset() it (or make a new one) before stepping on";

type Entry = "step" | "run" | "runPointers" | "runBlockPointers";
/** An entry's error prefixes: "diagStep.step", "diagStep.step(u)", "diagStep.step(out)". */
type EntryLabels = { where: string; u: string; out: string };

/**
 * Base of the diagonal, dense and DPLR step plans (recurrent inference): parameters set once
 * (setParams), states made by the plan (createState), and three ways to run — one frame (step),
 * a chunk of L frames from a given state (run), and a pointer-level entry (runPointers) for
 * callers that keep their frames in wasm memory. The state is updated in place; a call copies
 * in its input and copies out its output, allocating nothing on the wasm path except a fresh
 * result when no `out` is given.
 */
export abstract class StepPlan extends Plan {
  /** B, the batch size. */
  readonly batch: number;
  /** H, the number of channels. */
  readonly channels: number;
  /** State entries per (batch, channel). */
  readonly size: number;
  /** The state kind this plan makes and accepts (states of another kind are refused). */
  protected abstract readonly kind: string;
  /** The plan's name, used as the prefix of error messages. */
  protected abstract readonly name: string;
  private paramsSet = false;
  /** Error prefixes per entry, built once: a streaming caller runs an entry every frame. */
  private readonly labels = new Map<Entry, EntryLabels>();
  /** wasm: one (B, H, L) frame buffer, y written over u; grown geometrically for long chunks. */
  private io: WasmBuffer<Float32Array> | null = null;
  private ioWs: Workspace | null = null;

  constructor(runtime: WasmRuntime | null, batch: number, channels: number, size: number) {
    super(runtime);
    this.batch = batch;
    this.channels = channels;
    this.size = size;
  }

  /** True once setParams() has run. */
  get ready(): boolean {
    return this.paramsSet;
  }

  /** Record that setParams() has run (subclasses call it at the end of setParams). */
  protected markReady(): void {
    this.paramsSet = true;
  }

  /** A zero state of this plan's shape, in this backend's memory. Dispose it when done. */
  createState(): SSMState {
    this.assertLive(`${this.name}.createState`);
    return new SSMState(
      this.runtime,
      this.kind,
      this.batch,
      this.channels,
      this.size,
      this.runtime ? new Workspace(this.runtime.arena) : null,
    );
  }

  /** One step. u: (B, H) -> y (B, H); the state advances in place. */
  step(u: FloatArray, state: SSMState, out?: FloatArray): FloatArray {
    return this.runChecked(this.labelsOf("step"), u, state, out, 1);
  }

  /**
   * L steps from the given state: u (B, H, L) -> y (B, H, L); the state ends at step L-1
   * (chunked prefill, then stream from it). L = u.length / (B*H).
   */
  run(u: FloatArray, state: SSMState, out?: FloatArray): FloatArray {
    const at = this.labelsOf("run");
    const bh = this.batch * this.channels;
    if (!(u instanceof Float32Array) && !(u instanceof Float64Array)) checkFloatArray(at.u, u, bh);
    if (u.length === 0 || u.length % bh !== 0) {
      throw new S4ShapeError(`${at.u}: expected length batch*channels*L = ${bh}*L with L >= 1, got ${u.length}`);
    }
    return this.runChecked(at, u, state, out, u.length / bh);
  }

  /**
   * Pointer-level run (wasm backend): u and y are byte offsets of (B, H, L) f32 arrays in this
   * kernels instance's memory (y may equal u). No copies, no checks beyond the state's.
   */
  runPointers(state: SSMState, uPtr: number, yPtr: number, L: number): void {
    this.checkState(this.labelsOf("runPointers").where, state);
    this.wasmOnly(`${this.name}.runPointers`);
    this.callWasm(state, uPtr, yPtr, L);
    state.stepped(L);
  }

  /**
   * Pointer-level frame of the streaming S4 block (wasm): B frames at ioPtr (B, channels) f32 go
   * through this SSM + D u, then GELU (io holds it afterwards), then `linear` (channels -> 2H)
   * into zPtr (B, 2H) f32, then GLU: out (B, H) = z[:H] * sigmoid(z[H:]) written over the start
   * of zPtr. `linear`: a stepLinear plan of this kernels instance with inFeatures = channels and
   * an even outFeatures. The S4D step (diagonal, modes % 4 == 0) runs it as one wasm call;
   * other steps chain the same kernels. No copies, no checks of the frames (as runPointers).
   */
  runBlockPointers(state: SSMState, ioPtr: number, zPtr: number, linear: StepLinearPlan): void {
    const where = this.labelsOf("runBlockPointers").where;
    this.checkState(where, state);
    const rt = this.wasmOnly(where);
    if (linear?.inFeatures !== this.channels || linear.outFeatures % 2 !== 0) {
      throw new S4ShapeError(
        `${where}(linear): expected a stepLinear with inFeatures = channels = ${this.channels} and an even outFeatures (2H), got ${linear ? `inFeatures ${linear.inFeatures}, outFeatures ${linear.outFeatures}` : String(linear)}`,
      );
    }
    linear.checkLender(where, rt);
    this.callBlockWasm(state, ioPtr, zPtr, linear.packedWeightsPtr, linear.biasPtr, linear.outFeatures / 2);
    state.stepped(1);
  }

  /**
   * One block frame in wasm (see runBlockPointers): this SSM step (callWasm), then the GELU,
   * Linear (packed weights at wPtr, bias at biasPtr or 0, (2H, channels)) and GLU kernels. Plans
   * with a fused kernel override it.
   */
  protected callBlockWasm(state: SSMState, ioPtr: number, zPtr: number, wPtr: number, biasPtr: number, H: number): void {
    const e = this.wasm.exports;
    const { batch: B, channels: G } = this;
    this.callWasm(state, ioPtr, ioPtr, 1);
    e.gelu(ioPtr, ioPtr, B * G);
    for (let b = 0; b < B; b++) e.stepMatVecPacked(wPtr, ioPtr + 4 * b * G, biasPtr, zPtr + 8 * b * H, G, 2 * H);
    e.glu(zPtr, zPtr, B, H);
  }

  /** The error prefixes of `entry` ("diagStep.step", "diagStep.step(u)", ...), made on first use. */
  private labelsOf(entry: Entry): EntryLabels {
    let at = this.labels.get(entry);
    if (!at) {
      const where = `${this.name}.${entry}`;
      at = { where, u: `${where}(u)`, out: `${where}(out)` };
      this.labels.set(entry, at);
    }
    return at;
  }

  private runChecked(at: EntryLabels, u: FloatArray, state: SSMState, out: FloatArray | undefined, L: number): FloatArray {
    this.checkState(at.where, state);
    const n = this.batch * this.channels * L;
    checkFloatArray(at.u, u, n, L === 1 ? "batch*channels" : "batch*channels*L");
    const y = this.outReal(at.out, out, n);
    if (!this.runtime) {
      // a NaN/Infinity would enter the state and poison every later step
      checkAllFinite(at.u, u);
      const p = state.planes();
      this.callJs(p.re as Float64Array, p.im as Float64Array, u, y, L);
      checkFiniteResult(at.where, y, STATE_OVERFLOW_HINT);
      return y;
    }
    if (!this.io || this.io.length < n) {
      this.ioWs?.dispose();
      this.ioWs = new Workspace(this.runtime.arena);
      this.io = this.ioWs.f32(Math.max(n, this.io ? 2 * this.io.length : n));
    }
    const io = this.io;
    // the same check in wasm after the copy, before the state is touched
    setFinite(this.runtime, at.u, io, u);
    this.callWasm(state, io.ptr, io.ptr, L);
    state.stepped(L);
    // inline fast check; the helper names the index on failure (see FusedBlockStepper.step)
    if (this.runtime.exports.allFinite(io.ptr, n) !== 1)
      checkFiniteResultAt(this.runtime, at.where, io.ptr, n, STATE_OVERFLOW_HINT);
    y.set(io.head(n));
    return y;
  }

  private checkState(where: string, state: SSMState): void {
    this.assertLive(where);
    if (!this.paramsSet) throw new S4StateError(`${where}: call setParams() (setupStep) before stepping`);
    if (!(state instanceof SSMState))
      throw new S4StateError(`${where}(state): expected a state from createState(), got ${typeof state}`);
    if (state.isDisposed) state.assertLive(`${where}(state)`);
    if (state.kind !== this.kind || state.backend !== this.backend) {
      throw new S4StateError(
        `${where}(state): expected a ${this.kind} state on the ${this.backend} backend, got a ${state.kind} state on ${state.backend}`,
      );
    }
    if (!state.belongsTo(this.runtime)) {
      // its pointers would address another instance's memory: some other state there would change
      throw new S4StateError(`${where}(state): expected a state of this kernels instance, got one made by another loadKernels()`);
    }
    if (state.batch !== this.batch || state.channels !== this.channels || state.size !== this.size) {
      throw new S4ShapeError(
        `${where}(state): expected shape (${this.batch}, ${this.channels}, ${this.size}) (batch, channels, size), got (${state.batch}, ${state.channels}, ${state.size})`,
      );
    }
  }

  override dispose(): void {
    this.ioWs?.dispose();
    super.dispose();
  }

  /**
   * Run L steps in wasm: u and y are byte offsets of (B, H, L) f32 arrays (y may equal u); the
   * state advances in place.
   */
  protected abstract callWasm(state: SSMState, uPtr: number, yPtr: number, L: number): void;
  /**
   * Run L steps in JS: xRe/xIm are the state planes, u and y are (B, H, L) arrays; the state
   * advances in place.
   */
  protected abstract callJs(xRe: Float64Array, xIm: Float64Array, u: FloatArray, y: FloatArray, L: number): void;
}
