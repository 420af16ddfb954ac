import { erf, gelu } from "../gelu";
import { glu } from "../glu";
import { linearBHL, linearScratchFloats, packRows4 } from "../linear";
import { linearStrassenBHL, strassenFits, strassenPackA, strassenScratchFloats, strassenWeightFloats } from "../linear-strassen";

function ptr(a: StaticArray<f32>): usize {
  return changetype<usize>(a);
}

describe("block ops", () => {
  it("linearBHL: 2x2 weights, L = 3, with bias", () => {
    // W = [[1, 2], [3, 4]], x = [[1, 0, 2], [0, 1, 1]] (H, L), bias = [10, 20]
    const w: StaticArray<f32> = [1, 2, 3, 4];
    const x: StaticArray<f32> = [1, 0, 2, 0, 1, 1];
    const bias: StaticArray<f32> = [10, 20];
    const y = new StaticArray<f32>(6);
    const scratch = new StaticArray<f32>(linearScratchFloats(2));
    linearBHL(ptr(x), ptr(w), ptr(bias), ptr(y), 1, 2, 2, 3, ptr(scratch), 0);
    const want: f32[] = [11, 12, 14, 23, 24, 30];
    for (let i = 0; i < 6; i++) expect(y[i]).toBe(want[i]);
  });

  it("linearBHL with W packed in 4-row blocks (packRows4) equals the direct sums (O = 5, L = 9)", () => {
    const H = 3, O = 5, L = 9;
    const w = new StaticArray<f32>(O * H);
    const x = new StaticArray<f32>(H * L);
    const bias = new StaticArray<f32>(O);
    for (let i = 0; i < O * H; i++) w[i] = <f32>(i % 7) - 3;
    for (let i = 0; i < H * L; i++) x[i] = <f32>(i % 5) - 2;
    for (let o = 0; o < O; o++) bias[o] = <f32>o;
    const wp = new StaticArray<f32>((O & ~3) * H);
    packRows4(ptr(w), O, H, ptr(wp));
    // block 0 holds rows 0..3, k-major: wp[4k + r] = W[r, k]
    for (let k = 0; k < H; k++) for (let r = 0; r < 4; r++) expect(wp[4 * k + r]).toBe(w[r * H + k]);
    const y = new StaticArray<f32>(O * L);
    const scratch = new StaticArray<f32>(linearScratchFloats(H));
    linearBHL(ptr(x), ptr(w), ptr(bias), ptr(y), 1, H, O, L, ptr(scratch), ptr(wp));
    for (let o = 0; o < O; o++)
      for (let l = 0; l < L; l++) {
        let s: f32 = bias[o];
        for (let h = 0; h < H; h++) s += w[o * H + h] * x[h * L + l];
        expect(y[o * L + l]).toBe(s);
      }
  });

  it("linearStrassenBHL equals the direct sums (H = 256, O = 8, L = 130: one block and a tail)", () => {
    const H = 256, O = 8, L = 130;
    expect(strassenFits(H, O)).toBe(true);
    expect(strassenFits(254, O)).toBe(false);
    expect(strassenFits(H, 12)).toBe(false);
    const w = new StaticArray<f32>(O * H);
    const x = new StaticArray<f32>(H * L);
    const bias = new StaticArray<f32>(O);
    for (let i = 0; i < O * H; i++) w[i] = <f32>((i * 7) % 11) / 8 - 0.6;
    for (let i = 0; i < H * L; i++) x[i] = <f32>((i * 5) % 13) / 6 - 1;
    for (let o = 0; o < O; o++) bias[o] = <f32>o - 3;
    const w7 = new StaticArray<f32>(strassenWeightFloats(H, O));
    strassenPackA(ptr(w), H, O, ptr(w7));
    const wp = new StaticArray<f32>(O * H);
    packRows4(ptr(w), O, H, ptr(wp));
    const y = new StaticArray<f32>(O * L);
    const scratch = new StaticArray<f32>(strassenScratchFloats(H));
    linearStrassenBHL(ptr(x), ptr(w7), ptr(w), ptr(wp), ptr(bias), ptr(y), 1, H, O, L, L, ptr(scratch));
    for (let o = 0; o < O; o++)
      for (let l = 0; l < L; l++) {
        let s: f64 = bias[o];
        for (let h = 0; h < H; h++) s += <f64>w[o * H + h] * <f64>x[h * L + l];
        expect(Math.abs(<f64>y[o * L + l] - s)).toBeLessThan(1e-4);
      }
  });

  it("erf and gelu at tabulated points", () => {
    const x: StaticArray<f32> = [0, 0.5, 1, 2, -1];
    const out = new StaticArray<f32>(5);
    erf(ptr(x), ptr(out), 5);
    expect(out[0]).toBe(0);
    expect(Mathf.abs(out[1] - <f32>0.5204998778)).toBeLessThan(<f32>2e-7);
    expect(Mathf.abs(out[2] - <f32>0.8427007929)).toBeLessThan(<f32>2e-7);
    expect(Mathf.abs(out[3] - <f32>0.9953222650)).toBeLessThan(<f32>2e-7);
    expect(Mathf.abs(out[4] + <f32>0.8427007929)).toBeLessThan(<f32>2e-7);
    gelu(ptr(x), ptr(out), 5);
    expect(Mathf.abs(out[4] + <f32>0.1586552539)).toBeLessThan(<f32>2e-7);
  });

  it("glu: first half value, second half gate", () => {
    const z: StaticArray<f32> = [2, 0];
    const out = new StaticArray<f32>(1);
    glu(ptr(z), ptr(out), 1, 1);
    expect(out[0]).toBe(<f32>1);
  });
});
