import { denseStep } from "../step-dense";
import { stepMatVec } from "../step-matvec";

function filled(n: i32, v: f32): StaticArray<f32> {
  const out = new StaticArray<f32>(n);
  for (let i = 0; i < n; i++) out[i] = v;
  return out;
}
function ptr(a: StaticArray<f32>): usize {
  return changetype<usize>(a);
}

describe("stepMatVec", () => {
  it("5 x 6 (a 4-row block, a single row, a 4-wide body and a 2-wide tail) with bias", () => {
    const H = 6;
    const O = 5;
    const w = new StaticArray<f32>(O * H);
    for (let o = 0; o < O; o++) for (let h = 0; h < H; h++) w[o * H + h] = <f32>(o + 1) * <f32>(h % 2 == 0 ? 1 : -1);
    const x = new StaticArray<f32>(H);
    for (let h = 0; h < H; h++) x[h] = <f32>(h + 1);
    const bias = filled(O, 0.5);
    const y = new StaticArray<f32>(O);
    stepMatVec(ptr(w), ptr(x), ptr(bias), ptr(y), H, O);
    // sum_h (+-1) (h + 1) = 1 - 2 + 3 - 4 + 5 - 6 = -3, times (o + 1), plus 0.5
    for (let o = 0; o < O; o++) expect(y[o]).toBe(<f32>(-3 * (o + 1) as i32) + <f32>0.5);
    stepMatVec(ptr(w), ptr(x), 0, ptr(y), H, O);
    expect(y[4]).toBe(<f32>-15);
  });
});

describe("denseStep", () => {
  it("dA = 0.5 I on a 5-state system: x = 0.5 x + dB u, y = Re(C x) + D u", () => {
    const S = 5;
    const dARe = new StaticArray<f32>(S * S), dAIm = new StaticArray<f32>(S * S);
    for (let i = 0; i < S; i++) dARe[i * S + i] = 0.5;
    const xRe = filled(S, 2), xIm = filled(S, 1);
    const dBRe = filled(S, 1), dBIm = filled(S, 0);
    const cRe = filled(S, 1), cIm = filled(S, 1);
    const d = filled(1, 10);
    const u = filled(1, 1);
    const y = new StaticArray<f32>(1);
    const tmp = new StaticArray<f32>(2 * S);
    denseStep(ptr(xRe), ptr(xIm), ptr(dARe), ptr(dAIm), ptr(dBRe), ptr(dBIm), ptr(cRe), ptr(cIm), ptr(d), ptr(u), ptr(y), ptr(tmp), 1, 1, S, 1);
    // x = (1 + 1) + 0.5 i per entry; Re(C x) = sum (2 - 0.5) = 7.5; y = 7.5 + 10
    for (let i = 0; i < S; i++) {
      expect(xRe[i]).toBe(<f32>2);
      expect(xIm[i]).toBe(<f32>0.5);
    }
    expect(y[0]).toBe(<f32>17.5);
  });
});
