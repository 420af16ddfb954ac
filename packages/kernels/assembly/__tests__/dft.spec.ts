import { dft } from "../dft";

function ptr(a: StaticArray<f32>): usize {
  return changetype<usize>(a);
}

describe("dft", () => {
  it("transforms an impulse to all ones and a constant to an impulse (n = 6)", () => {
    const n = 6;
    const twRe = new StaticArray<f32>(n);
    const twIm = new StaticArray<f32>(n);
    for (let m = 0; m < n; m++) {
      twRe[m] = <f32>Math.cos((2 * Math.PI * m) / n);
      twIm[m] = <f32>-Math.sin((2 * Math.PI * m) / n);
    }
    const xRe = new StaticArray<f32>(n);
    const xIm = new StaticArray<f32>(n);
    const oRe = new StaticArray<f32>(n);
    const oIm = new StaticArray<f32>(n);
    xRe[0] = 1;
    dft(ptr(xRe), ptr(xIm), ptr(oRe), ptr(oIm), n, ptr(twRe), ptr(twIm));
    for (let k = 0; k < n; k++) {
      expect(oRe[k]).toBeCloseTo(1);
      expect(oIm[k]).toBeCloseTo(0);
    }
    for (let j = 0; j < n; j++) xRe[j] = 1;
    dft(ptr(xRe), ptr(xIm), ptr(oRe), ptr(oIm), n, ptr(twRe), ptr(twIm));
    expect(oRe[0]).toBeCloseTo(6);
    for (let k = 1; k < n; k++) {
      expect(Mathf.abs(oRe[k])).toBeLessThan(1e-5);
      expect(Mathf.abs(oIm[k])).toBeLessThan(1e-5);
    }
  });
});
