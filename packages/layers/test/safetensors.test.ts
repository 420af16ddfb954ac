import { describe, expect, it } from "vitest";
import { halfToFloat, parseSafetensors, SafetensorsError, writeSafetensors } from "../src/official/index.js";
import { rng } from "./helpers.js";

/** A file made by hand, byte by byte, exactly as the format describes (independent of the writer). */
function handMade(header: string, data: number[]): Uint8Array {
  const h = new TextEncoder().encode(header);
  const out = new Uint8Array(8 + h.length + data.length);
  new DataView(out.buffer).setBigUint64(0, BigInt(h.length), true);
  out.set(h, 8);
  out.set(data, 8 + h.length);
  return out;
}

function f32Bytes(values: number[]): number[] {
  const b = new Uint8Array(4 * values.length);
  const dv = new DataView(b.buffer);
  for (let i = 0; i < values.length; i++) dv.setFloat32(4 * i, values[i], true);
  return Array.from(b);
}

describe("parseSafetensors", () => {
  it("reads a hand-made file: F32 (2, 2), I64 scalar, F16, BF16, metadata", () => {
    const header = JSON.stringify({
      __metadata__: { format: "pt" },
      w: { dtype: "F32", shape: [2, 2], data_offsets: [0, 16] },
      n: { dtype: "I64", shape: [], data_offsets: [16, 24] },
      h: { dtype: "F16", shape: [4], data_offsets: [24, 32] },
      b: { dtype: "BF16", shape: [2], data_offsets: [32, 36] },
    });
    const i64 = [7, 0, 0, 0, 0, 0, 0, 0];
    // F16: 1.0 = 0x3c00, -2 = 0xc000, 65504 = 0x7bff, 2^-24 = 0x0001 (subnormal)
    const f16 = [0x00, 0x3c, 0x00, 0xc0, 0xff, 0x7b, 0x01, 0x00];
    // BF16: 1.0 = 0x3f80, -0.5 = 0xbf00
    const bf16 = [0x80, 0x3f, 0x00, 0xbf];
    const file = parseSafetensors(handMade(header, [...f32Bytes([1, 2.5, -3, 0.125]), ...i64, ...f16, ...bf16]));
    expect(file.metadata).toEqual({ format: "pt" });
    expect([...file.tensors.keys()]).toEqual(["w", "n", "h", "b"]);
    expect(Array.from(file.tensors.get("w")?.data as Float32Array)).toEqual([1, 2.5, -3, 0.125]);
    expect(file.tensors.get("w")?.shape).toEqual([2, 2]);
    expect(file.tensors.get("n")?.data[0]).toBe(7n);
    expect(file.tensors.get("n")?.shape).toEqual([]);
    expect(Array.from(file.tensors.get("h")?.data as Float32Array)).toEqual([1, -2, 65504, 2 ** -24]);
    expect(Array.from(file.tensors.get("b")?.data as Float32Array)).toEqual([1, -0.5]);
    expect(halfToFloat(0x7c00)).toBe(Number.POSITIVE_INFINITY);
    expect(Number.isNaN(halfToFloat(0x7e00))).toBe(true);
  });

  it("accepts a space-padded header and an empty file of tensors; reads from an unaligned view", () => {
    expect(parseSafetensors(handMade("{}   ", [])).tensors.size).toBe(0);
    const inner = handMade(
      JSON.stringify({ x: { dtype: "F64", shape: [1], data_offsets: [0, 8] } }),
      Array.from(new Uint8Array(Float64Array.of(Math.PI).buffer)),
    );
    const shifted = new Uint8Array(inner.length + 3);
    shifted.set(inner, 3);
    expect(parseSafetensors(shifted.subarray(3)).tensors.get("x")?.data[0]).toBe(Math.PI);
  });

  it("round-trips the writer for every dtype, and pads the header to 8 bytes", () => {
    const rand = rng(1);
    const f32 = Float32Array.from({ length: 6 }, () => rand() - 0.5);
    const f64 = Float64Array.from({ length: 5 }, () => rand());
    const bytes = writeSafetensors(
      {
        a: { dtype: "F32", shape: [2, 3], data: f32 },
        b: { dtype: "F64", shape: [5], data: f64 },
        c: { dtype: "I64", shape: [], data: BigInt64Array.of(-42n) },
        d: { dtype: "I32", shape: [2], data: Int32Array.of(-1, 2 ** 31 - 1) },
        e: { dtype: "F16", shape: [1], data: Uint16Array.of(0x3c00) },
        f: { dtype: "BF16", shape: [1], data: Uint16Array.of(0x3f80) },
        g: { dtype: "F32", shape: [0, 4], data: new Float32Array(0) },
      },
      { note: "test" },
    );
    const headerLen = Number(new DataView(bytes.buffer).getBigUint64(0, true));
    expect(headerLen % 8).toBe(0);
    const back = parseSafetensors(bytes);
    expect(Array.from(back.tensors.get("a")?.data as Float32Array)).toEqual(Array.from(f32));
    expect(Array.from(back.tensors.get("b")?.data as Float64Array)).toEqual(Array.from(f64));
    expect(back.tensors.get("c")?.data[0]).toBe(-42n);
    expect(Array.from(back.tensors.get("d")?.data as Int32Array)).toEqual([-1, 2 ** 31 - 1]);
    expect(back.tensors.get("e")?.data[0]).toBe(1);
    expect(back.tensors.get("f")?.data[0]).toBe(1);
    expect(back.tensors.get("g")?.shape).toEqual([0, 4]);
    expect(back.metadata).toEqual({ note: "test" });
    expect(() => writeSafetensors({ a: { dtype: "F32", shape: [3], data: new Float32Array(2) } })).toThrow(SafetensorsError);
    // not an object of tensors, a tensor that is not an object, a tensor without data: typed, named
    expect(() => writeSafetensors(null as never)).toThrow(
      /writeSafetensors\(tensors\): expected an object or Map of tensors, got null/,
    );
    expect(() => writeSafetensors({ a: null } as never)).toThrow(/tensor "a": expected \{ dtype, shape, data \}, got null/);
    expect(() => writeSafetensors({ a: { dtype: "F32", shape: [1] } } as never)).toThrow(/tensor "a": expected data/);
  });

  const bad: [string, Uint8Array, string, RegExp][] = [
    ["7 bytes", new Uint8Array(7), "truncated", /shorter than the 8-byte header length/],
    [
      "header length past the end",
      handMade("{}", []).subarray(0, 9),
      "truncated",
      /header length says 2 bytes but only 1 follow/,
    ],
    ["header not JSON", handMade("{nope", []), "header-json", /header is not JSON/],
    ["header not UTF-8", handMade("\u0000", []).map((b, i) => (i === 8 ? 0xff : b)), "header-encoding", /not valid UTF-8/],
    ["header an array", handMade("[]", []), "header-structure", /must be a JSON object/],
    ["entry not an object", handMade('{"x": 3}', []), "header-structure", /tensor "x": entry must be an object/],
    [
      "unknown field",
      handMade('{"x": {"dtype":"F32","shape":[],"data_offsets":[0,4],"extra":1}}', [0, 0, 0, 0]),
      "header-structure",
      /unknown field "extra"/,
    ],
    [
      "unsupported dtype",
      handMade('{"x": {"dtype":"C64","shape":[1],"data_offsets":[0,8]}}', new Array(8).fill(0)),
      "dtype",
      /unsupported dtype "C64"/,
    ],
    [
      "negative dim",
      handMade('{"x": {"dtype":"F32","shape":[-1],"data_offsets":[0,4]}}', [0, 0, 0, 0]),
      "shape",
      /non-negative integers/,
    ],
    [
      "offsets out of range",
      handMade('{"x": {"dtype":"F32","shape":[2],"data_offsets":[0,8]}}', [0, 0, 0, 0]),
      "offsets",
      /out of range for a 4-byte data buffer/,
    ],
    [
      "offsets reversed",
      handMade('{"x": {"dtype":"F32","shape":[0],"data_offsets":[4,0]}}', [0, 0, 0, 0]),
      "offsets",
      /out of range/,
    ],
    [
      "size mismatch",
      handMade('{"x": {"dtype":"F32","shape":[2],"data_offsets":[0,4]}}', [0, 0, 0, 0]),
      "offsets",
      /needs 8 bytes, data_offsets give 4/,
    ],
    [
      "overlap",
      handMade(
        '{"x": {"dtype":"F32","shape":[1],"data_offsets":[0,4]}, "y": {"dtype":"F32","shape":[1],"data_offsets":[0,4]}}',
        [0, 0, 0, 0],
      ),
      "overlap",
      /overlaps/,
    ],
    [
      "hole",
      handMade('{"x": {"dtype":"F32","shape":[1],"data_offsets":[4,8]}}', new Array(8).fill(0)),
      "offsets",
      /belong to no tensor/,
    ],
    [
      "trailing bytes",
      handMade('{"x": {"dtype":"F32","shape":[1],"data_offsets":[0,4]}}', new Array(6).fill(0)),
      "trailing-bytes",
      /cover 4/,
    ],
    ["metadata not strings", handMade('{"__metadata__": {"a": 1}}', []), "header-structure", /must be a string/],
  ];
  it.each(bad)("rejects %s with a typed error", (_name, bytes, code, message) => {
    let caught: unknown;
    try {
      parseSafetensors(bytes);
    } catch (err) {
      caught = err;
    }
    expect(caught).toBeInstanceOf(SafetensorsError);
    expect((caught as SafetensorsError).code).toBe(code);
    expect((caught as Error).message).toMatch(message);
  });

  it("refuses a header length above the limit without reading it", () => {
    const b = new Uint8Array(16);
    new DataView(b.buffer).setBigUint64(0, 2n ** 62n, true);
    expect(() => parseSafetensors(b)).toThrow(/exceeds the limit/);
  });
});

describe("parseSafetensors fuzz", () => {
  const base = writeSafetensors({
    "layer.kernel.C": { dtype: "F32", shape: [1, 3, 2, 2], data: Float32Array.from({ length: 12 }, (_, i) => i / 7) },
    "layer.kernel.l_kernel": { dtype: "I64", shape: [], data: BigInt64Array.of(64n) },
    "layer.D": { dtype: "F64", shape: [2], data: Float64Array.of(0.5, -1) },
  });
  const headerLen = Number(new DataView(base.buffer).getBigUint64(0, true));

  /** Either a clean parse whose tensors are self-consistent, or a SafetensorsError: nothing else. */
  function parsesOrThrowsTyped(bytes: Uint8Array): "ok" | "error" {
    try {
      const f = parseSafetensors(bytes);
      for (const [, t] of f.tensors) {
        const count = t.shape.reduce((a, b) => a * b, 1);
        expect(t.data.length).toBe(count);
      }
      return "ok";
    } catch (err) {
      expect(err).toBeInstanceOf(SafetensorsError);
      return "error";
    }
  }

  it("every truncation throws a typed error (the full file parses)", () => {
    expect(parsesOrThrowsTyped(base)).toBe("ok");
    for (let n = 0; n < base.length; n++) expect(parsesOrThrowsTyped(base.subarray(0, n)), `truncated to ${n}`).toBe("error");
  });

  it("random bytes in the header: parse or typed error, never anything else", () => {
    const rand = rng(99);
    let errors = 0;
    for (let trial = 0; trial < 3000; trial++) {
      const b = base.slice();
      const flips = 1 + Math.floor(rand() * 4);
      for (let f = 0; f < flips; f++) b[8 + Math.floor(rand() * headerLen)] = Math.floor(rand() * 256);
      if (parsesOrThrowsTyped(b) === "error") errors++;
    }
    expect(errors).toBeGreaterThan(0);
  });

  it("random data_offsets, shapes and length fields: parse or typed error", () => {
    const rand = rng(7);
    const pick = () => [0, 1, 4, 8, 12, 47, 48, 56, 64, -1, 2 ** 53, 1.5][Math.floor(rand() * 12)];
    for (let trial = 0; trial < 1500; trial++) {
      const header = {
        a: {
          dtype: ["F32", "F64", "I64", "BF16"][Math.floor(rand() * 4)],
          shape: [Math.floor(rand() * 5), pick()].slice(0, 1 + Math.floor(rand() * 2)),
          data_offsets: [pick(), pick()],
        },
        b: { dtype: "F32", shape: [Math.floor(rand() * 4)], data_offsets: [pick(), pick()] },
      };
      const dataLen = Math.floor(rand() * 70);
      const b = handMade(JSON.stringify(header), new Array(dataLen).fill(1));
      if (rand() < 0.2) new DataView(b.buffer).setBigUint64(0, BigInt(Math.floor(rand() * 2 ** 40)), true);
      parsesOrThrowsTyped(b);
    }
  });
});
