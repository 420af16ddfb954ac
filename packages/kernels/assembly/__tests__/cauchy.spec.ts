import { cauchy, cauchyConj } from "../cauchy";

function ptr(a: StaticArray<f32>): usize {
  return changetype<usize>(a);
}

describe("cauchy", () => {
  it("sums v/(z - w) over 10 nodes (one 8-node SIMD block and a scalar tail), hi+lo planes", () => {
    const H = 1, N = 2, M = 10;
    // w = [-1, -2 + i] (hi then lo half, lo = 0), v = [1, i]
    const wRe = new StaticArray<f32>(4), wIm = new StaticArray<f32>(4);
    wRe[0] = -1; wRe[1] = -2; wIm[1] = 1;
    const vRe = new StaticArray<f32>(2), vIm = new StaticArray<f32>(2);
    vRe[0] = 1; vIm[1] = 1;
    const zRe = new StaticArray<f32>(2 * M), zIm = new StaticArray<f32>(2 * M);
    for (let m = 0; m < M; m++) zIm[m] = <f32>m;
    const oRe = new StaticArray<f32>(M), oIm = new StaticArray<f32>(M);
    cauchy(ptr(vRe), ptr(vIm), ptr(zRe), ptr(zIm), ptr(wRe), ptr(wIm), ptr(oRe), ptr(oIm), H, N, M, 0);
    for (let m = 0; m < M; m++) {
      // 1/(i m + 1) + i/(i m + 2 - i)
      const y = <f64>m;
      const d1 = 1 + y * y;
      let re = 1 / d1, im = -y / d1;
      const dr = 2.0, di = y - 1;
      const d2 = dr * dr + di * di;
      re += di / d2;
      im += dr / d2;
      expect(Math.abs(<f64>oRe[m] - re)).toBeLessThan(1e-6);
      expect(Math.abs(<f64>oIm[m] - im)).toBeLessThan(1e-6);
    }
  });

  it("conjugate pairs give twice the real part for real v and real z", () => {
    const H = 1, N = 1, M = 9;
    const wRe = new StaticArray<f32>(2), wIm = new StaticArray<f32>(2);
    wRe[0] = -0.5; wIm[0] = 3;
    const vRe = new StaticArray<f32>(1), vIm = new StaticArray<f32>(1);
    vRe[0] = 2;
    const zRe = new StaticArray<f32>(2 * M), zIm = new StaticArray<f32>(2 * M);
    for (let m = 0; m < M; m++) zRe[m] = <f32>m;
    const oRe = new StaticArray<f32>(M), oIm = new StaticArray<f32>(M);
    cauchyConj(ptr(vRe), ptr(vIm), ptr(zRe), ptr(zIm), ptr(wRe), ptr(wIm), ptr(oRe), ptr(oIm), H, N, M, 0, 1);
    for (let m = 0; m < M; m++) {
      // 2/(m + 0.5 - 3i) + conj = 4 (m + 0.5) / ((m + 0.5)^2 + 9)
      const x = <f64>m + 0.5;
      expect(Math.abs(<f64>oRe[m] - (4 * x) / (x * x + 9))).toBeLessThan(1e-6);
      expect(Math.abs(<f64>oIm[m])).toBeLessThan(1e-6);
    }
  });
});
