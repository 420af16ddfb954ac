// The allocator for one kernels instance's linear memory. The wasm side never allocates (stub
// runtime, pointer ABI); this host-side first-fit free list with coalescing owns every byte above
// `heapBase()`, so creating and disposing plans and layers keeps memory flat.
//
// Contract: blocks are 16-byte aligned (one v128) and at least 16 bytes. Memory grows
// geometrically (at least doubling) so a sequence of allocations costs O(log) grows. Growth
// detaches `memory.buffer`: holders of typed views must re-make them (WasmBuffer does).
import { S4ShapeError, S4StateError } from "../errors.js";

const PAGE = 65536;
const ALIGN = 16;
/** wasm32 addresses 4 GiB at most. */
const MAX_PAGES = 65536;

interface Block {
  ptr: number;
  size: number;
}

/**
 * The allocator of one kernels instance's linear memory: a host-side first-fit free list with
 * coalescing that owns every byte above `heapBase()` (the wasm side never allocates). Blocks are
 * 16-byte aligned and at least 16 bytes; memory grows geometrically (at least doubling), which
 * detaches `memory.buffer`, so holders of typed views must re-make them (WasmBuffer does).
 */
export class WasmArena {
  /** The instance's linear memory. */
  readonly memory: WebAssembly.Memory;
  /** Free blocks below `top`, sorted by address, never adjacent (coalesced). */
  private readonly freeList: Block[] = [];
  /** Size of every live allocation, by address. */
  private readonly live = new Map<number, number>();
  /** Allocation number of every live block (for `releaseSince`). */
  private readonly born = new Map<number, number>();
  private allocations = 0;
  /** End of the highest block ever handed out and not returned. */
  private top: number;
  private disposed = false;

  /** True once the kernels instance that owns this memory was disposed. */
  get isDisposed(): boolean {
    return this.disposed;
  }

  constructor(memory: WebAssembly.Memory, heapBase: number) {
    this.memory = memory;
    this.top = Math.ceil(heapBase / ALIGN) * ALIGN;
  }

  /** Bytes handed out and not yet released. */
  get liveBytes(): number {
    let total = 0;
    for (const size of this.live.values()) total += size;
    return total;
  }

  /** Current size of the linear memory in bytes. */
  get capacityBytes(): number {
    return this.memory.buffer.byteLength;
  }

  /** Allocate `bytes` (rounded up to 16) and return the byte offset. */
  alloc(bytes: number): number {
    if (this.disposed) throw new S4StateError("WasmArena.alloc: the kernels instance was disposed");
    const size = Math.max(ALIGN, Math.ceil(bytes / ALIGN) * ALIGN);
    for (let i = 0; i < this.freeList.length; i++) {
      const block = this.freeList[i];
      if (block.size < size) continue;
      const ptr = block.ptr;
      if (block.size === size) this.freeList.splice(i, 1);
      else {
        block.ptr += size;
        block.size -= size;
      }
      this.live.set(ptr, size);
      this.born.set(ptr, this.allocations++);
      return ptr;
    }
    const ptr = this.top;
    this.ensureCapacity(ptr + size);
    this.top = ptr + size;
    this.live.set(ptr, size);
    this.born.set(ptr, this.allocations++);
    return ptr;
  }

  /** A point in the allocation sequence, for `releaseSince`. */
  mark(): number {
    return this.allocations;
  }

  /** Release every block allocated after `mark` and still live (undo a failed construction). */
  releaseSince(mark: number): void {
    for (const [ptr, n] of [...this.born]) if (n >= mark) this.release(ptr);
  }

  /** Return a block from `alloc`. Releasing twice or a foreign pointer is a state error. */
  release(ptr: number): void {
    const size = this.live.get(ptr);
    if (size === undefined) throw new S4StateError(`WasmArena.release(${ptr}): not a live allocation`);
    this.live.delete(ptr);
    this.born.delete(ptr);
    if (ptr + size === this.top) {
      this.top = ptr;
      // The new top may now touch the last free block: fold it back into the bump region.
      const last = this.freeList[this.freeList.length - 1];
      if (last && last.ptr + last.size === this.top) {
        this.top = last.ptr;
        this.freeList.pop();
      }
      return;
    }
    let lo = 0;
    let hi = this.freeList.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (this.freeList[mid].ptr < ptr) lo = mid + 1;
      else hi = mid;
    }
    const block: Block = { ptr, size };
    this.freeList.splice(lo, 0, block);
    const next = this.freeList[lo + 1];
    if (next && block.ptr + block.size === next.ptr) {
      block.size += next.size;
      this.freeList.splice(lo + 1, 1);
    }
    const prev = this.freeList[lo - 1];
    if (prev && prev.ptr + prev.size === block.ptr) {
      prev.size += block.size;
      this.freeList.splice(lo, 1);
    }
  }

  /** Forget every allocation; later use throws. The Memory itself is freed by the GC. */
  dispose(): void {
    this.disposed = true;
    this.live.clear();
    this.born.clear();
    this.freeList.length = 0;
  }

  private ensureCapacity(end: number): void {
    const have = this.memory.buffer.byteLength;
    if (end <= have) return;
    const havePages = have / PAGE;
    const needPages = Math.ceil(end / PAGE);
    if (needPages > MAX_PAGES) {
      throw new S4ShapeError(
        `wasm memory: expected at most 4 GiB in total, got a request needing ${(end / 2 ** 30).toFixed(2)} GiB`,
      );
    }
    const grow = Math.min(MAX_PAGES - havePages, Math.max(needPages - havePages, havePages));
    try {
      this.memory.grow(grow);
    } catch {
      try {
        this.memory.grow(needPages - havePages);
      } catch (err) {
        throw new S4ShapeError(`wasm memory: could not grow to ${(end / 2 ** 20).toFixed(1)} MiB (${(err as Error).message})`);
      }
    }
  }
}
