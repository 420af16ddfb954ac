import { cmul, cmulAcc } from "../cmul";

function plane(values: f32[]): StaticArray<f32> {
  const out = new StaticArray<f32>(values.length);
  for (let i = 0; i < values.length; i++) out[i] = values[i];
  return out;
}
function ptr(a: StaticArray<f32>): usize {
  return changetype<usize>(a);
}

describe("cmul", () => {
  it("multiplies five values (one SIMD block and a scalar tail)", () => {
    const aRe = plane([1, 2, 0, -1, 3]);
    const aIm = plane([0, 1, 1, 2, -1]);
    const bRe = plane([2, 2, 0, 1, 1]);
    const bIm = plane([1, -1, 1, 1, 1]);
    const oRe = new StaticArray<f32>(5);
    const oIm = new StaticArray<f32>(5);
    cmul(ptr(aRe), ptr(aIm), ptr(bRe), ptr(bIm), ptr(oRe), ptr(oIm), 5);
    const wantRe: f32[] = [2, 5, -1, -3, 4];
    const wantIm: f32[] = [1, 0, 0, 1, 2];
    for (let i = 0; i < 5; i++) {
      expect(oRe[i]).toBe(wantRe[i]);
      expect(oIm[i]).toBe(wantIm[i]);
    }
  });

  it("accumulates into out with cmulAcc", () => {
    const one = plane([1, 1, 1, 1, 1]);
    const zero = plane([0, 0, 0, 0, 0]);
    const oRe = plane([1, 2, 3, 4, 5]);
    const oIm = plane([0, 0, 0, 0, 0]);
    // out += (1 + 0i) * (0 + 1i) = i
    cmulAcc(ptr(one), ptr(zero), ptr(zero), ptr(one), ptr(oRe), ptr(oIm), 5);
    for (let i = 0; i < 5; i++) {
      expect(oRe[i]).toBe(<f32>(i + 1));
      expect(oIm[i]).toBe(<f32>1);
    }
  });
});
