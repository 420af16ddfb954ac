import { allFinite } from "../finite";

function ptr(a: StaticArray<f32>): usize {
  return changetype<usize>(a);
}

describe("allFinite", () => {
  it("is 1 on finite values of every sign and size, including the scalar tail", () => {
    for (let n = 0; n < 20; n++) {
      const x = new StaticArray<f32>(n);
      for (let i = 0; i < n; i++) x[i] = (i & 1 ? -1 : 1) * <f32>(i * 1e37 + 1e-40);
      expect(allFinite(ptr(x), n)).toBe(1);
    }
  });

  it("is 0 when any position (SIMD body or tail) holds NaN, +Inf or -Inf", () => {
    const bad: f32[] = [NaN, Infinity, -Infinity];
    for (let n = 1; n < 20; n++) {
      for (let at = 0; at < n; at++) {
        for (let j = 0; j < 3; j++) {
          const x = new StaticArray<f32>(n);
          for (let i = 0; i < n; i++) x[i] = <f32>i - 3;
          x[at] = bad[j];
          expect(allFinite(ptr(x), n)).toBe(0);
        }
      }
    }
  });

  it("reads only n values", () => {
    const x: StaticArray<f32> = [1, 2, 3, NaN];
    expect(allFinite(ptr(x), 3)).toBe(1);
  });
});
