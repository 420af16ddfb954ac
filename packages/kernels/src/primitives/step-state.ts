// The state of a streaming SSM step: complex (batch, channels, size) split planes, kept where
// the step runs (wasm linear memory on the wasm backend, Float64Arrays on the JS twin) so a step
// copies nothing but its input and output frames.
import { S4StateError } from "../errors.js";
import type { WasmBuffer, Workspace } from "../memory/workspace.js";
import type { WasmRuntime } from "../runtime.js";
import type { Complex, FloatArray } from "../types.js";
import { checkAllFinite, checkComplex } from "../validate.js";

/**
 * The state of a streaming SSM step: complex (batch, channels, size) split planes, kept where the
 * step runs (wasm linear memory on the wasm backend, Float64Arrays on the JS twin) so a step copies
 * nothing but its input and output frames. Made by a step plan's createState(); starts at zero.
 */
export class SSMState {
  /** B, the batch size. */
  readonly batch: number;
  /** H, the number of channels. */
  readonly channels: number;
  /** State entries per (batch, channel): M modes (diagonal) or S (dense). */
  readonly size: number;
  /** batch * channels * size. */
  readonly length: number;
  /** Which kind of step made it ("diag" or "dense"); a state only fits plans of its kind. */
  readonly kind: string;
  /** Where the planes live: "wasm" (f32 in wasm memory) or "js" (Float64Array). */
  readonly backend: "wasm" | "js";
  private readonly ws: Workspace | null;
  private readonly bre: WasmBuffer<Float32Array> | null;
  private readonly bim: WasmBuffer<Float32Array> | null;
  private readonly are: Float64Array | null;
  private readonly aim: Float64Array | null;
  /** JS backend: the planes object, made once so a step allocates nothing. */
  private readonly jsPlanes: Complex | null;
  private disposed = false;

  /** @internal made by a step plan's createState(). Starts at zero. */
  constructor(runtime: WasmRuntime | null, kind: string, batch: number, channels: number, size: number, ws: Workspace | null) {
    this.kind = kind;
    this.batch = batch;
    this.channels = channels;
    this.size = size;
    this.length = batch * channels * size;
    this.backend = runtime ? "wasm" : "js";
    this.ws = ws;
    if (ws) {
      this.bre = ws.f32(this.length);
      this.bim = ws.f32(this.length);
      this.bre.view.fill(0);
      this.bim.view.fill(0);
      this.are = this.aim = null;
      this.jsPlanes = null;
    } else {
      this.bre = this.bim = null;
      this.are = new Float64Array(this.length);
      this.aim = new Float64Array(this.length);
      this.jsPlanes = { re: this.are, im: this.aim };
    }
  }

  /** True once dispose() has run. */
  get isDisposed(): boolean {
    return this.disposed;
  }

  /** @internal byte offsets of the re/im planes in wasm memory (wasm backend). */
  get ptrRe(): number {
    return (this.bre as WasmBuffer<Float32Array>).ptr;
  }
  /** @internal byte offset of the im plane in wasm memory (wasm backend). */
  get ptrIm(): number {
    return (this.bim as WasmBuffer<Float32Array>).ptr;
  }

  /** @internal the live planes (wasm views are valid until the next memory growth). */
  planes(): Complex {
    this.assertLive("state");
    if (this.bre && this.bim) return { re: this.bre.view, im: this.bim.view };
    return this.jsPlanes as Complex;
  }

  /** A copy of the state, complex (batch, channels, size), in the backend's dtype. */
  read(): Complex {
    const p = this.planes();
    return { re: p.re.slice() as FloatArray, im: p.im.slice() as FloatArray };
  }

  /** Overwrite the state with x: complex (batch, channels, size), any float dtype. */
  write(x: Complex): void {
    const p = this.planes();
    checkComplex("state.write(x)", x, this.length, "batch*channels*size");
    checkAllFinite("state.write(x).re", x.re);
    checkAllFinite("state.write(x).im", x.im);
    p.re.set(x.re);
    p.im.set(x.im);
  }

  /** Back to the zero state. */
  reset(): void {
    const p = this.planes();
    p.re.fill(0);
    p.im.fill(0);
  }

  /** Free the state's memory; later use throws S4StateError. Idempotent. */
  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    this.ws?.dispose();
  }

  /** Throw `S4StateError` (prefixed by `where`) if this state was disposed. */
  assertLive(where: string): void {
    if (this.disposed) throw new S4StateError(`${where}: this state was disposed`);
  }
}
