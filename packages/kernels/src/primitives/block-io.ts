// Copy buffers for the block ops' array entry points (`apply`). The block ops take their
// (batch, length) at call time, so the wasm buffers that stage inputs and outputs grow on
// demand (geometrically: a run of growing calls reallocates O(log) times, a steady shape never).
// The pointer entry points (`applyPtr`) use none of this.

import { S4ValueError } from "../errors.js";
import type { WasmBuffer, Workspace } from "../memory/workspace.js";
import { checkInt, isIntIn } from "../validate.js";

/**
 * Staging buffers (f32, in wasm memory) for the block ops' array entry points (`apply`): the
 * block ops take their (batch, length) at call time, so buffer i grows on demand, geometrically
 * (a run of growing calls reallocates O(log) times, a steady shape never).
 */
export class GrowingBuffers {
  private readonly bufs: (WasmBuffer<Float32Array> | null)[];

  constructor(
    private readonly ws: Workspace,
    count: number,
  ) {
    this.bufs = new Array(count).fill(null);
  }

  /** Buffer i with room for at least n floats (contents are not kept across growth). */
  get(i: number, n: number): WasmBuffer<Float32Array> {
    const cur = this.bufs[i];
    if (cur && cur.length >= n) return cur;
    // The new buffer first, then the old one back to the arena: released first, a refused
    // allocation (too large for wasm memory) left the freed buffer in its slot, and the next
    // smaller call wrote through it into memory the arena had handed to another object.
    const next = this.ws.f32(Math.max(n, cur ? cur.length * 2 : 0, 4));
    cur?.release();
    this.bufs[i] = next;
    return next;
  }
}

/** Shape of one call of a block op. */
export interface BlockShape {
  /** Sequences in the batch (>= 1). */
  batch: number;
  /** Positions per sequence, L (>= 1). */
  length: number;
}

/** Layout of a (batch, channels, length) activation: `BHL` (official transposed=True) or `BLH`. */
export type BlockLayout = "BHL" | "BLH";

/**
 * Validates a call's { batch, length } (integers >= 1, each field read once) into `into`, the
 * plan's own object, and returns it: a streamed frame makes no new object (a fresh one per call,
 * and the labels built for it, kept the collector running under a streaming model). The labels
 * of the messages are built only for a refusal.
 */
export function checkShape(where: string, shape: BlockShape | undefined, into: BlockShape): BlockShape {
  if (typeof shape !== "object" || shape === null) {
    throw new S4ValueError(`${where}: expected { batch, length }, got ${shape === null ? "null" : typeof shape}`);
  }
  const { batch, length } = shape;
  into.batch = isIntIn(batch, 1, 2 ** 24) ? batch : checkInt(`${where}.batch`, batch, 1, 2 ** 24);
  into.length = isIntIn(length, 1, 2 ** 28) ? length : checkInt(`${where}.length`, length, 1, 2 ** 28);
  return into;
}
