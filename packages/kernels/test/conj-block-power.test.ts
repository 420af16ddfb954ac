// k.conjBlockPower: a^p for a conjugate-block complex float64 matrix [[X, Y], [conj Y, conj X]],
// wasm (f64x2) against the float64 twin and against plain repeated multiplication; bad input.
import { describe, expect, it } from "vitest";
import { js, loadKernels, S4ShapeError, S4ValueError } from "../src/index.js";

type M64 = { re: Float64Array; im: Float64Array };

/** A random conjugate-block n x n matrix with spectral radius below 1. */
function conjBlock(n: number, seed: number): M64 {
  let s = seed;
  const r = () => {
    s = (s * 16807) % 2147483647;
    return (s / 2147483647 - 0.5) * (1 / n);
  };
  const a = { re: new Float64Array(n * n), im: new Float64Array(n * n) };
  const m = n / 2;
  for (let i = 0; i < m; i++)
    for (let j = 0; j < n; j++) {
      const re = r() + (i === j ? 0.7 : 0);
      const im = r();
      a.re[i * n + j] = re;
      a.im[i * n + j] = im;
      a.re[(i + m) * n + ((j + m) % n)] = re;
      a.im[(i + m) * n + ((j + m) % n)] = -im;
    }
  return a;
}

/** a^p by p - 1 plain complex products (p >= 1). */
function slowPower(a: M64, n: number, p: number): M64 {
  let out: M64 = { re: a.re.slice(), im: a.im.slice() };
  for (let t = 1; t < p; t++) out = js.cMatMul(out, a, n, n, n);
  return out;
}

function relErr(x: M64, y: M64): number {
  let num = 0;
  let den = 0;
  for (let i = 0; i < x.re.length; i++) {
    num += (x.re[i] - y.re[i]) ** 2 + (x.im[i] - y.im[i]) ** 2;
    den += y.re[i] ** 2 + y.im[i] ** 2;
  }
  return Math.sqrt(num / den);
}

describe.each(["wasm", "js"] as const)("conjBlockPower (%s)", (backend) => {
  it.each([4, 6, 8, 64])("n = %i: equals repeated multiplication and the twin", async (n) => {
    const k = await loadKernels({ backend });
    const plan = k.conjBlockPower({ size: n });
    const a = conjBlock(n, n + 1);
    for (const p of [1, 2, 3, 7, 16, 37]) {
      expect(relErr(plan.apply(a, p), slowPower(a, n, p)), `p=${p}`).toBeLessThanOrEqual(1e-12);
    }
    for (const p of [100, 129]) expect(relErr(plan.apply(a, p), js.conjBlockPower(a, n, p)), `p=${p}`).toBeLessThanOrEqual(1e-11);
    // a^0 = I
    const I = plan.apply(a, 0);
    for (let i = 0; i < n * n; i++) {
      expect(I.re[i]).toBe(i % (n + 1) === 0 ? 1 : 0);
      expect(I.im[i]).toBe(0);
    }
    plan.dispose();
  });

  it("refuses bad sizes, powers and matrices by name", async () => {
    const k = await loadKernels({ backend });
    expect(() => k.conjBlockPower({ size: 5 })).toThrow(S4ShapeError);
    expect(() => k.conjBlockPower({ size: 5 })).toThrow("conjBlockPower(options.size): expected an even size, got 5");
    expect(() => k.conjBlockPower({ size: 0 })).toThrow(/conjBlockPower\(options\.size\)/);
    const plan = k.conjBlockPower({ size: 4 });
    const a = conjBlock(4, 9);
    for (const p of [-1, 1.5, Number.NaN]) expect(() => plan.apply(a, p)).toThrow(/conjBlockPower\.apply\(p\)/);
    expect(() => plan.apply({ re: a.re.subarray(1), im: a.im }, 2)).toThrow(S4ShapeError);
    const bad = { re: a.re.slice(), im: a.im.slice() };
    bad.im[3] = Number.POSITIVE_INFINITY;
    expect(() => plan.apply(bad, 2)).toThrow(S4ValueError);
    expect(() => plan.apply(bad, 2)).toThrow(/conjBlockPower\.apply\(a\)\.im: expected finite values, got Infinity at index 3/);
    // still usable after the refusals
    expect(relErr(plan.apply(a, 3), slowPower(a, 4, 3))).toBeLessThanOrEqual(1e-12);
    plan.dispose();
    expect(() => plan.apply(a, 1)).toThrow(/disposed/);
  });
});
