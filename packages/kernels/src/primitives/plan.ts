// What every plan shares: the backend it runs on, a workspace in wasm memory (wasm backend),
// output allocation in the backend's dtype, and dispose().
import { S4StateError, S4ValueError } from "../errors.js";
import { Workspace } from "../memory/workspace.js";
import type { WasmRuntime } from "../runtime.js";
import type { BackendKind, Complex, FloatArray } from "../types.js";
import { checkOut, overlaps } from "../validate.js";

/**
 * Base of every plan: the backend it runs on, a workspace in wasm memory (wasm backend), output
 * allocation in the backend's dtype (Float32Array on wasm, Float64Array on js), and dispose().
 */
export abstract class Plan {
  /** The backend this plan runs on: "wasm" or "js". */
  readonly backend: BackendKind;
  /** Wasm buffers of this plan (null on the JS backend). */
  protected readonly ws: Workspace | null;
  /** The wasm runtime (exports and arena); null on the JS backend. */
  protected readonly runtime: WasmRuntime | null;
  private disposed = false;

  constructor(runtime: WasmRuntime | null) {
    this.runtime = runtime;
    this.backend = runtime ? "wasm" : "js";
    this.ws = runtime ? new Workspace(runtime.arena) : null;
  }

  /** The runtime, for the wasm path (callers check `this.runtime` first). */
  protected get wasm(): WasmRuntime {
    return this.runtime as WasmRuntime;
  }

  /** The runtime for a pointer entry point; throws `S4StateError` on the JS backend (no wasm memory). */
  protected wasmOnly(where: string): WasmRuntime {
    if (!this.runtime) throw new S4StateError(`${where}: the JS backend has no wasm memory`);
    return this.runtime;
  }

  /** Free this plan's wasm memory. Later calls throw `S4StateError`. Idempotent. */
  dispose(): void {
    this.disposed = true;
    this.ws?.dispose();
  }

  /** Whether this plan and its kernels instance are still usable (assertLive says why not). */
  protected get live(): boolean {
    return !this.disposed && !this.runtime?.arena.isDisposed;
  }

  /** Throw `S4StateError` (prefixed by `where`) if this plan was disposed. */
  protected assertLive(where: string): void {
    if (this.disposed) throw new S4StateError(`${where}: this plan was disposed`);
    // after kernels.dispose() the plan's buffers belong to no one: using them would read and
    // write memory the arena may hand out again
    if (this.runtime?.arena.isDisposed) throw new S4StateError(`${where}: its kernels instance was disposed`);
  }

  /** A fresh output array of the backend's dtype: Float32Array (wasm) or Float64Array (js). */
  protected newArray(n: number): FloatArray {
    return this.runtime ? new Float32Array(n) : new Float64Array(n);
  }

  /** A fresh complex output of n elements per plane, in the backend's dtype. */
  protected newComplex(n: number): Complex {
    return { re: this.newArray(n), im: this.newArray(n) };
  }

  /** Validate a caller's `out` (backend dtype, length), or make a fresh one. */
  protected outComplex(where: string, out: Complex | undefined | null, n: number): Complex {
    if (out === undefined || out === null) return this.newComplex(n);
    if (typeof out !== "object") throw new S4ValueError(`${where}: expected { re, im } planes, got ${typeof out}`);
    const ctor = this.runtime ? Float32Array : Float64Array;
    checkOut(`${where}.re`, out.re, ctor as never, n);
    checkOut(`${where}.im`, out.im, ctor as never, n);
    // one array (or overlapping views) for both planes: the second plane written would overwrite
    // the first, a silently wrong result
    if (overlaps(out.re, out.im))
      throw new S4ValueError(`${where}: expected separate re and im planes, got planes sharing memory`);
    return out;
  }

  /** Validate a caller's real `out` (backend dtype, n elements), or make a fresh one. */
  protected outReal(where: string, out: FloatArray | undefined | null, n: number): FloatArray {
    if (out === undefined || out === null) return this.newArray(n);
    return checkOut(where, out, (this.runtime ? Float32Array : Float64Array) as never, n);
  }
}
