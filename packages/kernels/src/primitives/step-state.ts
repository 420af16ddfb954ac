// The state of a streaming SSM step: complex (batch, channels, size) split planes, kept where
// the step runs (wasm linear memory on the wasm backend, Float64Arrays on the JS twin) so a step
// copies nothing but its input and output frames.
import { S4ShapeError, S4StateError, S4ValueError } from "../errors.js";
import type { WasmBuffer, Workspace } from "../memory/workspace.js";
import type { WasmRuntime } from "../runtime.js";
import type { Complex, FloatArray } from "../types.js";
import { checkAllFinite, checkComplex, F32_MAX } from "../validate.js";

/**
 * Frames between two flushTiny passes over a wasm state (assembly/flush-tiny.ts): 16 while the
 * passes find tiny entries (a stream in silence), doubling up to 256 while they find none (a
 * live stream: a pass over H=256, N=64 planes takes ~2.4 us, about a step's time, so once per
 * 256 frames it is ~0.4 %). From 2^-100 an entry needs 26 binades of decay to reach the
 * subnormal range: more than 256 frames take unless |dA| < 0.93, and a mode decaying faster
 * crosses the whole subnormal range within ~230 frames anyway.
 */
const FLUSH_MIN = 16;
const FLUSH_MAX = 256;

/**
 * An exact copy of an SSMState (see {@link SSMState.snapshot}): opaque; restore() puts it back
 * into a state of the same kind, shape and backend.
 */
export class StateSnapshot {
  /** @internal made by SSMState.snapshot(). */
  constructor(
    /** Which kind of step state it came from ("diag" or "dense"). */
    readonly kind: string,
    /** Where it came from: "wasm" or "js". */
    readonly backend: "wasm" | "js",
    /** batch * channels * size of its state. */
    readonly length: number,
    /** @internal the planes as stored (x, or s . x for `scale`), and the flushTiny schedule. */
    readonly planes: Complex,
    /** @internal */
    readonly scale: Complex<Float64Array> | null,
    /** @internal */
    readonly flush: { since: number; every: number },
  ) {}
}

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
  /**
   * null: the planes hold the state x itself. Otherwise the planes hold x~ = s . x (elementwise,
   * s complex (channels, size), repeated over the batch): a step kernel that folds its output map
   * into the state (diagStepScaled) keeps it so. read() and write() always speak x.
   */
  private scale: Complex<Float64Array> | null = null;
  private disposed = false;
  private readonly rt: WasmRuntime | null;

  /** @internal whether this state lives in `runtime`'s memory (a wasm state of another kernels instance does not). */
  belongsTo(runtime: WasmRuntime | null): boolean {
    return this.rt === runtime;
  }
  /** Frames stepped in wasm since the last flushTiny pass, and the frames between passes now. */
  private framesSinceFlush = 0;
  private flushEvery = FLUSH_MIN;

  /** @internal made by a step plan's createState(). Starts at zero. */
  constructor(runtime: WasmRuntime | null, kind: string, batch: number, channels: number, size: number, ws: Workspace | null) {
    this.kind = kind;
    this.batch = batch;
    this.channels = channels;
    this.size = size;
    this.length = batch * channels * size;
    this.backend = runtime ? "wasm" : "js";
    this.rt = runtime;
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

  /**
   * A copy of the state x, complex (batch, channels, size), in the backend's dtype. Where a step
   * kernel keeps C . x in the planes (wasm diagonal step), it is converted back, so write(read())
   * restores the state to float32 rounding rather than bit for bit (snapshot() is exact).
   */
  read(): Complex {
    const p = this.planes();
    if (!this.scale) return { re: p.re.slice() as FloatArray, im: p.im.slice() as FloatArray };
    const x = this.converted("state.read()", p, this.scale, null);
    return { re: Float32Array.from(x.re), im: Float32Array.from(x.im) };
  }

  /**
   * An exact copy of this state, to restore() later (into this state or another of the same kind,
   * shape and backend): a checkpoint of a stream. Unlike read() / write(), which speak x and on
   * the wasm diagonal step convert to and from the C . x it keeps (rounding), a restored
   * snapshot continues the stream bit for bit.
   */
  snapshot(): StateSnapshot {
    const p = this.planes();
    return new StateSnapshot(
      this.kind,
      this.backend,
      this.length,
      { re: p.re.slice() as FloatArray, im: p.im.slice() as FloatArray },
      this.scale,
      { since: this.framesSinceFlush, every: this.flushEvery },
    );
  }

  /** Put back a snapshot() of a state of the same kind, shape and backend, exactly. */
  restore(snapshot: StateSnapshot): void {
    const p = this.planes();
    if (!(snapshot instanceof StateSnapshot)) {
      throw new S4ValueError(`state.restore(snapshot): expected a StateSnapshot from state.snapshot(), got ${typeof snapshot}`);
    }
    if (snapshot.kind !== this.kind || snapshot.backend !== this.backend || snapshot.length !== this.length) {
      throw new S4ShapeError(
        `state.restore(snapshot): expected a snapshot of a ${this.backend} "${this.kind}" state of ${this.length} entries, got a ${snapshot.backend} "${snapshot.kind}" one of ${snapshot.length}`,
      );
    }
    p.re.set(snapshot.planes.re);
    p.im.set(snapshot.planes.im);
    // the planes are in the snapshot's representation: a plan with another scale re-expresses them
    // before its next step (its rescale), as after a parameter change
    this.scale = snapshot.scale;
    this.framesSinceFlush = snapshot.flush.since;
    this.flushEvery = snapshot.flush.every;
  }

  /** Overwrite the state with x: complex (batch, channels, size), any float dtype (converted as read() says). */
  write(x: Complex): void {
    const p = this.planes();
    checkComplex("state.write(x)", x, this.length, "batch*channels*size");
    checkAllFinite("state.write(x).re", x.re);
    checkAllFinite("state.write(x).im", x.im);
    // wasm planes are float32: a float64 value beyond its range is refused here, not stored as
    // Infinity (converted() checks every entry before anything is written)
    const v = this.backend === "wasm" ? this.converted("state.write(x)", x, null, this.scale) : x;
    p.re.set(v.re);
    p.im.set(v.im);
  }

  /**
   * @internal count L frames a wasm kernel just stepped; every flushEvery frames zero the entries
   * below 2^-100 in magnitude, so a stream in silence does not decay into float32's subnormal
   * range (slow on x86: see assembly/flush-tiny.ts). The JS twin (float64) is left exact.
   */
  stepped(L: number): void {
    if (!this.rt) return;
    this.framesSinceFlush += L;
    if (this.framesSinceFlush < this.flushEvery) return;
    this.framesSinceFlush = 0;
    const e = this.rt.exports;
    const found = e.flushTiny(this.ptrRe, this.length) | e.flushTiny(this.ptrIm, this.length);
    this.flushEvery = found ? FLUSH_MIN : Math.min(FLUSH_MAX, 2 * this.flushEvery);
  }

  /** @internal what the planes hold: x (null) or s . x for this s (see `scale`). */
  get scaledBy(): Complex<Float64Array> | null {
    return this.scale;
  }

  /**
   * @internal re-express the planes for a step kernel: from the current scale to `to` (null: x
   * itself). All values are converted and checked before any is stored, so a state that cannot
   * be represented (beyond float32 range) is refused by name and left as it was.
   */
  rescale(where: string, to: Complex<Float64Array> | null): void {
    if (to === this.scale) return;
    const p = this.planes();
    const v = this.converted(where, p, this.scale, to);
    p.re.set(v.re);
    p.im.set(v.im);
    this.scale = to;
  }

  /** x~ / from * to per entry in float64 (from/to null: 1); throws if a value leaves float32 range. */
  private converted(
    where: string,
    x: Complex,
    from: Complex<Float64Array> | null,
    to: Complex<Float64Array> | null,
  ): Complex<Float64Array> {
    const n = this.length;
    const per = this.channels * this.size;
    const re = new Float64Array(n);
    const im = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      const j = i % per;
      let a = x.re[i];
      let b = x.im[i];
      if (from) {
        const fr = from.re[j];
        const fi = from.im[j];
        const d = fr * fr + fi * fi;
        const t = (a * fr + b * fi) / d;
        b = (b * fr - a * fi) / d;
        a = t;
      }
      if (to) {
        const t = a * to.re[j] - b * to.im[j];
        b = a * to.im[j] + b * to.re[j];
        a = t;
      }
      if (!(Math.abs(a) <= F32_MAX && Math.abs(b) <= F32_MAX)) {
        const form = to ? " in the step kernel's representation C . x" : "";
        throw new S4ValueError(
          `${where}: expected state entries within float32 range (|x| <= 3.4e38)${form}, got ${a} + ${b}i at entry ${i}`,
        );
      }
      re[i] = a;
      im[i] = b;
    }
    return { re, im };
  }

  /** Back to the zero state. */
  reset(): void {
    const p = this.planes();
    p.re.fill(0);
    p.im.fill(0);
    // as a fresh state: the flushTiny schedule restarts too, so a reset stepper and a new one
    // zero the same tiny entries at the same frames
    this.framesSinceFlush = 0;
    this.flushEvery = FLUSH_MIN;
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
    if (this.rt?.arena.isDisposed) throw new S4StateError(`${where}: its kernels instance was disposed`);
  }
}
