/**
 * A small, strict safetensors reader and writer (the format of `safetensors.torch.save_file`),
 * with no Node APIs: bytes in, bytes out, so it runs in browsers, workers and workerd alike.
 *
 * Format: 8-byte little-endian u64 N, then N bytes of UTF-8 JSON (the header, possibly padded
 * with spaces), then the data buffer. The header maps each tensor name to
 * `{ dtype, shape, data_offsets: [begin, end] }` (offsets relative to the data buffer) and may
 * hold `__metadata__`, a string -> string map. Checked, each failure a `SafetensorsError` with a
 * `code`: file too short for the length or the header, header not UTF-8 / not JSON / not an
 * object, unknown fields, unsupported dtype, shapes that are not lists of non-negative integers,
 * offsets out of range or not matching dtype size * element count, tensors overlapping or
 * leaving holes in the data buffer, bytes past the last tensor. Nothing is read outside the
 * buffer and every loop is bounded by the header size, so any input parses or throws.
 */
import { S4Error } from "@s4wasm/kernels";

/** Element types the reader decodes. */
export type SafetensorsDtype = "F64" | "F32" | "F16" | "BF16" | "I64" | "I32";

/** Bytes per element of each dtype. */
export const DTYPE_BYTES: Readonly<Record<SafetensorsDtype, number>> = { F64: 8, F32: 4, F16: 2, BF16: 2, I64: 8, I32: 4 };

/**
 * Decoded data: F64 -> Float64Array, F32 -> Float32Array, F16 / BF16 -> Float32Array (exact
 * widening), I64 -> BigInt64Array, I32 -> Int32Array. Always a fresh copy, never a view into the file.
 */
export type TensorData = Float64Array | Float32Array | BigInt64Array | Int32Array;

/** One decoded tensor of a safetensors file. */
export interface SafetensorsTensor {
  /** The dtype stored in the file (data may be widened, see TensorData). */
  dtype: SafetensorsDtype;
  /** Row-major shape; [] is a scalar (one element). */
  shape: number[];
  /** The decoded elements, row-major (a fresh copy). */
  data: TensorData;
}

/** A parsed safetensors file. */
export interface SafetensorsFile {
  /** Tensors by name, in header order. */
  tensors: Map<string, SafetensorsTensor>;
  /** The `__metadata__` map (empty when absent). */
  metadata: Record<string, string>;
}

/** Which structural rule a malformed safetensors file broke. */
export type SafetensorsErrorCode =
  | "truncated"
  | "header-too-large"
  | "header-encoding"
  | "header-json"
  | "header-structure"
  | "dtype"
  | "shape"
  | "offsets"
  | "overlap"
  | "trailing-bytes";

/** A malformed safetensors file. `code` says which rule failed; the message says where. */
export class SafetensorsError extends S4Error {
  /** Always "SafetensorsError". */
  override name = "SafetensorsError";
  constructor(
    /** The rule that failed. */
    readonly code: SafetensorsErrorCode,
    message: string,
  ) {
    super(`safetensors: ${message}`);
  }
}

/** Headers above this are refused before decoding (the reference implementation uses 100 MB). */
export const MAX_HEADER_BYTES = 100_000_000;
const DTYPES = Object.keys(DTYPE_BYTES) as SafetensorsDtype[];

function asBytes(input: Uint8Array | ArrayBuffer | ArrayBufferView): Uint8Array {
  if (input instanceof Uint8Array) return input;
  // instanceof fails for buffers from another realm (iframes, worker messages): check the tag too.
  const tag = Object.prototype.toString.call(input);
  if (input instanceof ArrayBuffer || tag === "[object ArrayBuffer]" || tag === "[object SharedArrayBuffer]") {
    return new Uint8Array(input as ArrayBuffer);
  }
  if (ArrayBuffer.isView(input)) return new Uint8Array(input.buffer, input.byteOffset, input.byteLength);
  throw new SafetensorsError("header-structure", `expected bytes (Uint8Array or ArrayBuffer), got ${typeof input}`);
}

/** Parse a whole safetensors file. */
export function parseSafetensors(input: Uint8Array | ArrayBuffer | ArrayBufferView): SafetensorsFile {
  const bytes = asBytes(input);
  if (bytes.length < 8) {
    throw new SafetensorsError("truncated", `file is ${bytes.length} bytes, shorter than the 8-byte header length`);
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const n64 = view.getBigUint64(0, true);
  if (n64 > BigInt(MAX_HEADER_BYTES)) {
    throw new SafetensorsError("header-too-large", `header length ${n64} exceeds the limit of ${MAX_HEADER_BYTES} bytes`);
  }
  const n = Number(n64);
  if (8 + n > bytes.length) {
    throw new SafetensorsError("truncated", `header length says ${n} bytes but only ${bytes.length - 8} follow the length field`);
  }
  let text: string;
  try {
    text = new TextDecoder("utf-8", { fatal: true }).decode(bytes.subarray(8, 8 + n));
  } catch {
    throw new SafetensorsError("header-encoding", "header is not valid UTF-8");
  }
  let header: unknown;
  try {
    header = JSON.parse(text);
  } catch (err) {
    throw new SafetensorsError("header-json", `header is not JSON (${(err as Error).message})`);
  }
  if (typeof header !== "object" || header === null || Array.isArray(header)) {
    throw new SafetensorsError("header-structure", "header must be a JSON object of tensor entries");
  }
  const dataStart = 8 + n;
  const dataLength = bytes.length - dataStart;
  const metadata: Record<string, string> = {};
  const entries: { name: string; dtype: SafetensorsDtype; shape: number[]; begin: number; end: number }[] = [];
  for (const [name, raw] of Object.entries(header as Record<string, unknown>)) {
    if (name === "__metadata__") {
      if (typeof raw !== "object" || raw === null || Array.isArray(raw)) {
        throw new SafetensorsError("header-structure", "__metadata__ must be an object of strings");
      }
      for (const [k, v] of Object.entries(raw as Record<string, unknown>)) {
        if (typeof v !== "string")
          throw new SafetensorsError("header-structure", `__metadata__["${k}"] must be a string, got ${typeof v}`);
        metadata[k] = v;
      }
      continue;
    }
    entries.push(parseEntry(name, raw, dataLength));
  }
  // Tensors must tile the data buffer exactly: sorted by start, each begins where the last ended.
  const sorted = [...entries].sort((a, b) => a.begin - b.begin || a.end - b.end);
  let cursor = 0;
  for (const e of sorted) {
    if (e.begin < cursor) {
      throw new SafetensorsError(
        "overlap",
        `tensor "${e.name}" [${e.begin}, ${e.end}) overlaps the previous tensor (ends at ${cursor})`,
      );
    }
    if (e.begin > cursor) {
      throw new SafetensorsError("offsets", `data bytes [${cursor}, ${e.begin}) belong to no tensor (hole before "${e.name}")`);
    }
    cursor = e.end;
  }
  if (cursor !== dataLength) {
    throw new SafetensorsError(
      "trailing-bytes",
      `data buffer is ${dataLength} bytes but the tensors cover ${cursor} (extra or missing bytes at the end)`,
    );
  }
  const tensors = new Map<string, SafetensorsTensor>();
  for (const e of entries) {
    const slice = bytes.subarray(dataStart + e.begin, dataStart + e.end);
    tensors.set(e.name, { dtype: e.dtype, shape: e.shape, data: decode(e.dtype, slice) });
  }
  return { tensors, metadata };
}

function parseEntry(
  name: string,
  raw: unknown,
  dataLength: number,
): { name: string; dtype: SafetensorsDtype; shape: number[]; begin: number; end: number } {
  const where = `tensor "${name}"`;
  if (typeof raw !== "object" || raw === null || Array.isArray(raw)) {
    throw new SafetensorsError("header-structure", `${where}: entry must be an object { dtype, shape, data_offsets }`);
  }
  const obj = raw as Record<string, unknown>;
  for (const key of Object.keys(obj)) {
    if (key !== "dtype" && key !== "shape" && key !== "data_offsets") {
      throw new SafetensorsError("header-structure", `${where}: unknown field "${key}"`);
    }
  }
  const dtype = obj.dtype;
  if (typeof dtype !== "string" || !(DTYPES as string[]).includes(dtype)) {
    throw new SafetensorsError("dtype", `${where}: unsupported dtype ${JSON.stringify(dtype)} (supported: ${DTYPES.join(", ")})`);
  }
  const shape = obj.shape;
  if (!Array.isArray(shape) || shape.some((d) => typeof d !== "number" || !Number.isSafeInteger(d) || d < 0)) {
    throw new SafetensorsError("shape", `${where}: shape must be a list of non-negative integers, got ${JSON.stringify(shape)}`);
  }
  const offsets = obj.data_offsets;
  if (
    !Array.isArray(offsets) ||
    offsets.length !== 2 ||
    offsets.some((o) => typeof o !== "number" || !Number.isSafeInteger(o) || o < 0)
  ) {
    throw new SafetensorsError(
      "offsets",
      `${where}: data_offsets must be [begin, end] non-negative integers, got ${JSON.stringify(offsets)}`,
    );
  }
  const [begin, end] = offsets as [number, number];
  if (begin > end || end > dataLength) {
    throw new SafetensorsError(
      "offsets",
      `${where}: data_offsets [${begin}, ${end}] out of range for a ${dataLength}-byte data buffer`,
    );
  }
  let count = 1;
  for (const d of shape as number[]) {
    count *= d;
    if (count > Number.MAX_SAFE_INTEGER)
      throw new SafetensorsError("shape", `${where}: shape ${JSON.stringify(shape)} is too large`);
  }
  const size = DTYPE_BYTES[dtype as SafetensorsDtype];
  if (count * size !== end - begin) {
    throw new SafetensorsError(
      "offsets",
      `${where}: ${dtype} shape ${JSON.stringify(shape)} needs ${count * size} bytes, data_offsets give ${end - begin}`,
    );
  }
  return { name, dtype: dtype as SafetensorsDtype, shape: shape as number[], begin, end };
}

/** True on little-endian hosts (all mainstream ones): the file's bytes are then the array's. */
const HOST_LE = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

/** Fresh little-endian decode of one tensor's bytes (copied first: the slice may be unaligned). */
function decode(dtype: SafetensorsDtype, slice: Uint8Array): TensorData {
  const copy = slice.slice();
  const count = copy.length / DTYPE_BYTES[dtype];
  // The copy starts a fresh, aligned buffer: on a little-endian host it can be viewed directly.
  if (HOST_LE) {
    if (dtype === "F32") return new Float32Array(copy.buffer, 0, count);
    if (dtype === "F64") return new Float64Array(copy.buffer, 0, count);
    if (dtype === "I32") return new Int32Array(copy.buffer, 0, count);
    if (dtype === "I64") return new BigInt64Array(copy.buffer, 0, count);
  }
  const dv = new DataView(copy.buffer);
  switch (dtype) {
    case "F64": {
      const out = new Float64Array(count);
      for (let i = 0; i < count; i++) out[i] = dv.getFloat64(8 * i, true);
      return out;
    }
    case "F32": {
      const out = new Float32Array(count);
      for (let i = 0; i < count; i++) out[i] = dv.getFloat32(4 * i, true);
      return out;
    }
    case "F16": {
      const out = new Float32Array(count);
      for (let i = 0; i < count; i++) out[i] = halfToFloat(dv.getUint16(2 * i, true));
      return out;
    }
    case "BF16": {
      const out = new Float32Array(count);
      const bits = new DataView(new ArrayBuffer(4));
      for (let i = 0; i < count; i++) {
        bits.setUint32(0, dv.getUint16(2 * i, true) << 16);
        out[i] = bits.getFloat32(0);
      }
      return out;
    }
    case "I64": {
      const out = new BigInt64Array(count);
      for (let i = 0; i < count; i++) out[i] = dv.getBigInt64(8 * i, true);
      return out;
    }
    case "I32": {
      const out = new Int32Array(count);
      for (let i = 0; i < count; i++) out[i] = dv.getInt32(4 * i, true);
      return out;
    }
  }
}

/** IEEE 754 binary16 bits -> number (exact). */
export function halfToFloat(h: number): number {
  const sign = h & 0x8000 ? -1 : 1;
  const exp = (h >> 10) & 0x1f;
  const frac = h & 0x3ff;
  if (exp === 0) return sign * frac * 2 ** -24;
  if (exp === 31) return frac ? Number.NaN : sign * Number.POSITIVE_INFINITY;
  return sign * (1 + frac / 1024) * 2 ** (exp - 15);
}

/** A tensor to write. F16 / BF16 data are the raw 16-bit patterns (Uint16Array). */
export interface TensorToWrite {
  /** The dtype to store. */
  dtype: SafetensorsDtype;
  /** Row-major shape; [] for a scalar. */
  shape: number[];
  /** The elements, row-major; their count must equal the product of `shape`. */
  data: Float64Array | Float32Array | BigInt64Array | Int32Array | Uint16Array | ArrayLike<number>;
}

/**
 * Serialise tensors (in the order given) and optional string metadata to safetensors bytes. The
 * header is space-padded to a multiple of 8 bytes, as the reference writer does, so the data of
 * every tensor starts aligned.
 */
export function writeSafetensors(
  tensors: Record<string, TensorToWrite> | Map<string, TensorToWrite>,
  metadata?: Record<string, string>,
): Uint8Array {
  if (typeof tensors !== "object" || tensors === null) {
    throw new SafetensorsError(
      "header-structure",
      `writeSafetensors(tensors): expected an object or Map of tensors, got ${tensors === null ? "null" : typeof tensors}`,
    );
  }
  const list = tensors instanceof Map ? [...tensors.entries()] : Object.entries(tensors);
  const header: Record<string, unknown> = {};
  if (metadata && Object.keys(metadata).length > 0) header.__metadata__ = metadata;
  let offset = 0;
  for (const [name, t] of list) {
    if (name === "__metadata__") throw new SafetensorsError("header-structure", 'a tensor cannot be named "__metadata__"');
    if (typeof t !== "object" || t === null) {
      throw new SafetensorsError(
        "header-structure",
        `tensor "${name}": expected { dtype, shape, data }, got ${t === null ? "null" : typeof t}`,
      );
    }
    if (!(DTYPES as string[]).includes(t.dtype))
      throw new SafetensorsError("dtype", `tensor "${name}": unsupported dtype ${t.dtype}`);
    if (!Array.isArray(t.shape) || t.shape.some((d) => !Number.isSafeInteger(d) || d < 0)) {
      throw new SafetensorsError(
        "shape",
        `tensor "${name}": shape must be non-negative integers, got ${JSON.stringify(t.shape)}`,
      );
    }
    const count = t.shape.reduce((a, b) => a * b, 1);
    if (typeof t.data !== "object" || t.data === null || typeof t.data.length !== "number") {
      throw new SafetensorsError(
        "shape",
        `tensor "${name}": expected data (a typed array or an array of numbers), got ${t.data === null ? "null" : typeof t.data}`,
      );
    }
    if (t.data.length !== count) {
      throw new SafetensorsError(
        "shape",
        `tensor "${name}": shape ${JSON.stringify(t.shape)} has ${count} elements, data has ${t.data.length}`,
      );
    }
    const size = count * DTYPE_BYTES[t.dtype];
    header[name] = { dtype: t.dtype, shape: t.shape, data_offsets: [offset, offset + size] };
    offset += size;
  }
  let json = JSON.stringify(header);
  const raw = new TextEncoder().encode(json);
  const pad = (8 - (raw.length % 8)) % 8;
  json += " ".repeat(pad);
  const headerBytes = new TextEncoder().encode(json);
  const out = new Uint8Array(8 + headerBytes.length + offset);
  const dv = new DataView(out.buffer);
  dv.setBigUint64(0, BigInt(headerBytes.length), true);
  out.set(headerBytes, 8);
  let p = 8 + headerBytes.length;
  for (const [, t] of list) {
    const d = t.data;
    const n = d.length;
    for (let i = 0; i < n; i++) {
      switch (t.dtype) {
        case "F64":
          dv.setFloat64(p, Number(d[i]), true);
          p += 8;
          break;
        case "F32":
          dv.setFloat32(p, Number(d[i]), true);
          p += 4;
          break;
        case "F16":
        case "BF16":
          dv.setUint16(p, Number(d[i]), true);
          p += 2;
          break;
        case "I64":
          dv.setBigInt64(p, typeof d[i] === "bigint" ? (d[i] as unknown as bigint) : BigInt(d[i] as number), true);
          p += 8;
          break;
        case "I32":
          dv.setInt32(p, Number(d[i]), true);
          p += 4;
          break;
      }
    }
  }
  return out;
}

/** A float or integer tensor as float64 numbers (I64 must fit in a double exactly). */
export function tensorToFloat64(t: SafetensorsTensor, where = "tensor"): Float64Array {
  const out = new Float64Array(t.data.length);
  if (t.data instanceof BigInt64Array) {
    for (let i = 0; i < out.length; i++) {
      const v = t.data[i];
      if (v > BigInt(Number.MAX_SAFE_INTEGER) || v < -BigInt(Number.MAX_SAFE_INTEGER)) {
        throw new SafetensorsError("dtype", `${where}: int64 value ${v} does not fit a double exactly`);
      }
      out[i] = Number(v);
    }
  } else out.set(t.data);
  return out;
}
