// Typed views into wasm memory that survive memory growth, grouped so one dispose() frees them.
import { S4StateError } from "../errors.js";
import type { WasmArena } from "./arena.js";

type ViewCtor<T> = { new (buffer: ArrayBuffer, byteOffset: number, length: number): T; BYTES_PER_ELEMENT: number };

/**
 * `length` elements at byte offset `ptr` of the kernels' linear memory. `view` is re-made when
 * the memory has grown (growth detaches the old ArrayBuffer), so read it after every call that
 * may allocate, never keep it across one.
 */
export class WasmBuffer<T extends Float32Array | Float64Array> {
  /** Number of elements (not bytes). */
  readonly length: number;
  private cached: T;
  private headView: T | null = null;
  private released = false;
  private readonly offset: number;

  constructor(
    private readonly arena: WasmArena,
    private readonly ctor: ViewCtor<T>,
    length: number,
  ) {
    this.length = length;
    this.offset = arena.alloc(length * ctor.BYTES_PER_ELEMENT);
    this.cached = new ctor(arena.memory.buffer as ArrayBuffer, this.offset, length);
  }

  /**
   * Byte offset of the first element in wasm memory (16-byte aligned). Refused once released:
   * the arena may have handed the bytes to another object, and a pointer entry point writing
   * there would corrupt it without any error.
   */
  get ptr(): number {
    if (this.released) throw new S4StateError("WasmBuffer.ptr: the buffer was disposed");
    return this.offset;
  }

  /** A typed view of the buffer (valid until the next allocation that grows memory). */
  get view(): T {
    if (this.released) throw new S4StateError("WasmBuffer.view: the buffer was disposed");
    // Growth detaches the old ArrayBuffer, and a view of a detached buffer has length 0: that
    // test is a field read, where asking memory.buffer is a call into the engine (16 ns in
    // Node 20), paid on every streaming frame. A 0-length buffer is simply re-made each time.
    if (this.cached.length !== this.length) {
      this.cached = new this.ctor(this.arena.memory.buffer as ArrayBuffer, this.offset, this.length);
    }
    return this.cached;
  }

  /**
   * The first n elements as a view (n >= 1), kept between calls: an entry that copies out the
   * same n on every streamed frame makes no new object (a subarray per call did, and the
   * collector ran every few thousand frames). After memory growth the kept view is detached
   * (length 0) and is made again.
   */
  head(n: number): T {
    const v = this.view;
    if (n === this.length) return v;
    const h = this.headView;
    if (h !== null && h.length === n) return h;
    this.headView = v.subarray(0, n) as T;
    return this.headView;
  }

  /** True once released (by its holder, or by its workspace's dispose). */
  get isReleased(): boolean {
    return this.released;
  }

  /** @internal used by Workspace.dispose */
  release(): void {
    if (this.released) return;
    this.released = true;
    this.arena.release(this.offset);
  }
}

/**
 * A group of buffers in wasm memory owned by one plan or layer. Allocate once at construction,
 * reuse on every call, free with `dispose()`; any use after that throws `S4StateError`.
 */
export class Workspace {
  private readonly buffers: WasmBuffer<Float32Array | Float64Array>[] = [];
  /** Length of `buffers` after its last pruning (see track). */
  private pruned = 0;
  private disposed = false;

  constructor(private readonly arena: WasmArena) {}

  /** `length` float32 values. */
  f32(length: number): WasmBuffer<Float32Array> {
    this.assertLive();
    return this.track(new WasmBuffer(this.arena, Float32Array, length));
  }

  /** `length` float64 values. */
  f64(length: number): WasmBuffer<Float64Array> {
    this.assertLive();
    return this.track(new WasmBuffer(this.arena, Float64Array, length));
  }

  /** True once dispose() has run. */
  get isDisposed(): boolean {
    return this.disposed;
  }

  /** Free every buffer of this workspace. Idempotent. */
  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    for (const b of this.buffers) b.release();
    this.buffers.length = 0;
  }

  /** Throws `S4StateError` once disposed. */
  assertLive(): void {
    if (this.disposed) throw new S4StateError("Workspace: used after dispose()");
  }

  private track<T extends Float32Array | Float64Array>(buffer: WasmBuffer<T>): WasmBuffer<T> {
    // Holders release buffers they replace (a plan growing for a longer L): drop those from the
    // list whenever it has doubled since the last pass, so a long-lived plan that sees many
    // lengths keeps a list the size of what it holds (amortised O(1) per allocation).
    if (this.buffers.length >= 2 * this.pruned + 8) {
      let kept = 0;
      for (const b of this.buffers) if (!b.isReleased) this.buffers[kept++] = b;
      this.buffers.length = kept;
      this.pruned = kept;
    }
    this.buffers.push(buffer as unknown as WasmBuffer<Float32Array | Float64Array>);
    return buffer;
  }
}
