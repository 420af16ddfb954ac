import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { describe, expect, it, vi } from "vitest";
import { hasWasmSimd, loadKernels, S4BackendError, S4ValueError } from "../src/index.js";

const wasmUrl = new URL("../build/kernels.wasm", import.meta.url);
const wasmBytes = readFileSync(fileURLToPath(wasmUrl));

async function runsCmul(source?: Parameters<typeof loadKernels>[0]) {
  const k = await loadKernels(source);
  const plan = k.complexMultiply({ length: 5 });
  const y = plan.apply(
    { re: new Float32Array([1, 2, 0, -1, 3]), im: new Float32Array([0, 1, 1, 2, -1]) },
    { re: new Float32Array([2, 2, 0, 1, 1]), im: new Float32Array([1, -1, 1, 1, 1]) },
  );
  // (1)(2+i) = 2+i; (2+i)(2-i) = 5; i*i = -1; (-1+2i)(1+i) = -3+i; (3-i)(1+i) = 4+2i
  expect(Array.from(y.re)).toEqual([2, 5, -1, -3, 4]);
  expect(Array.from(y.im)).toEqual([1, 0, 0, 1, 2]);
  return k;
}

describe("loadKernels", () => {
  it("this Node has WebAssembly SIMD", () => {
    expect(hasWasmSimd()).toBe(true);
  });

  it("loads the inline wasm by default", async () => {
    expect((await runsCmul()).backend).toBe("wasm");
  });

  it("loads from bytes, a Module and a file URL", async () => {
    expect((await runsCmul(wasmBytes)).backend).toBe("wasm");
    expect((await runsCmul(new WebAssembly.Module(wasmBytes))).backend).toBe("wasm");
    expect((await runsCmul(wasmUrl)).backend).toBe("wasm");
    expect(
      (await runsCmul({ wasm: wasmBytes.buffer.slice(wasmBytes.byteOffset, wasmBytes.byteOffset + wasmBytes.byteLength) }))
        .backend,
    ).toBe("wasm");
  });

  it("loads the JS twin on request", async () => {
    const k = await loadKernels({ backend: "js" });
    expect(k.backend).toBe("js");
    expect(k.dtype).toBe("float64");
  });

  it("rejects garbage bytes with a clear error", async () => {
    const garbage = new Uint8Array([1, 2, 3, 4, 5, 6, 7, 8]);
    await expect(loadKernels(garbage)).rejects.toThrow(S4BackendError);
    await expect(loadKernels(garbage)).rejects.toThrow(
      /expected the bytes of kernels\.wasm, got 8 bytes that are not a valid WebAssembly module/,
    );
  });

  it("rejects a valid module that is not ours, naming the missing exports", async () => {
    // (module (func (export "f"))): valid wasm, wrong exports.
    const foreign = new Uint8Array([
      0, 97, 115, 109, 1, 0, 0, 0, 1, 4, 1, 96, 0, 0, 3, 2, 1, 0, 7, 5, 1, 1, 102, 0, 0, 10, 4, 1, 2, 0, 11,
    ]);
    expect(WebAssembly.validate(foreign)).toBe(true);
    await expect(loadKernels(new WebAssembly.Module(foreign))).rejects.toThrow(
      /expected the s4wasm kernels module, got a module without the exports memory, heapBase, cmul/,
    );
  });

  it('refuses backend "wasm" where SIMD is missing (simulated)', async () => {
    await expect(loadKernels({ backend: "wasm", simdSupported: false })).rejects.toThrow(S4BackendError);
    await expect(loadKernels({ backend: "wasm", simdSupported: false })).rejects.toThrow(
      /expected a runtime with WebAssembly SIMD for backend "wasm", got none/,
    );
  });

  it('falls back to the JS twin under "auto" without SIMD, with a notice shown once', async () => {
    const notice = vi.fn();
    const a = await loadKernels({ simdSupported: false, onNotice: notice });
    const b = await loadKernels({ simdSupported: false, onNotice: notice });
    expect(a.backend).toBe("js");
    expect(b.backend).toBe("js");
    expect(notice).toHaveBeenCalledTimes(1);
    expect(notice.mock.calls[0][0]).toMatch(/no WebAssembly SIMD; using the plain-TypeScript kernels/);
  });

  it("rejects an unknown backend name", async () => {
    await expect(loadKernels({ backend: "gpu" as never })).rejects.toThrow(S4ValueError);
    await expect(loadKernels({ backend: "gpu" as never })).rejects.toThrow(
      /options\.backend\): expected one of "auto", "wasm", "js", got "gpu"/,
    );
  });

  it("two instances do not share memory", async () => {
    const a = await loadKernels();
    const b = await loadKernels();
    expect(a.runtime?.exports.memory).not.toBe(b.runtime?.exports.memory);
  });
});

describe('the workerd entry (export condition "workerd": no inline wasm copy)', async () => {
  const workerd = await import("../src/index-workerd.js");

  it("exports everything of the main entry, with its own loadKernels", async () => {
    const main = await import("../src/index.js");
    expect(Object.keys(workerd).sort()).toEqual(Object.keys(main).sort());
    expect(workerd.loadKernels).not.toBe(main.loadKernels);
    expect(workerd.S4BackendError).toBe(main.S4BackendError);
  });

  it("runs from a compiled module, and refuses to run without one, saying what to pass", async () => {
    const k = await workerd.loadKernels(await WebAssembly.compile(wasmBytes));
    expect(k.backend).toBe("wasm");
    await expect(workerd.loadKernels()).rejects.toThrow(S4BackendError);
    await expect(workerd.loadKernels({ backend: "wasm" })).rejects.toThrow(
      /loadKernels\(source\): expected the kernels\.wasm module \(this workerd build carries no inline copy/,
    );
    // the JS twin needs no wasm
    expect((await workerd.loadKernels({ backend: "js" })).backend).toBe("js");
  });
});
