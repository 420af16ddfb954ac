import { vandermonde, vandermondeScratchFloats, vandermondeTranspose } from "../vandermonde";

function ptr32(a: StaticArray<f32>): usize {
  return changetype<usize>(a);
}
function ptr64(a: StaticArray<f64>): usize {
  return changetype<usize>(a);
}

describe("vandermonde", () => {
  it("K[l] = 2 Re(C z^l) over many table rows and a ragged last row (L = 2051 = 32 * 64 + 3)", () => {
    const H = 1, N = 1, L = 2051;
    const cRe = new StaticArray<f32>(1), cIm = new StaticArray<f32>(1);
    cRe[0] = 0.5; cIm[0] = 0.25;
    const lr = new StaticArray<f64>(1), li = new StaticArray<f64>(1);
    lr[0] = -0.001; li[0] = 0.3;
    const out = new StaticArray<f32>(L);
    const scratch = new StaticArray<f32>(vandermondeScratchFloats(N, L));
    vandermonde(ptr32(cRe), ptr32(cIm), ptr64(lr), ptr64(li), ptr32(out), H, N, L, ptr32(scratch));
    for (let l = 0; l < L; l++) {
      const m = Math.exp(-0.001 * <f64>l);
      const want = 2 * m * (0.5 * Math.cos(0.3 * <f64>l) - 0.25 * Math.sin(0.3 * <f64>l));
      expect(Math.abs(<f64>out[l] - want)).toBeLessThan(1e-5);
    }
  });

  it("transpose: C sum_l u z^l with u = 1 is a geometric series", () => {
    const H = 1, N = 1, L = 100;
    const cRe = new StaticArray<f32>(1), cIm = new StaticArray<f32>(1);
    cRe[0] = 1;
    const lr = new StaticArray<f64>(1), li = new StaticArray<f64>(1);
    lr[0] = -0.05;
    const u = new StaticArray<f32>(L);
    for (let l = 0; l < L; l++) u[l] = 1;
    const oRe = new StaticArray<f32>(1), oIm = new StaticArray<f32>(1);
    vandermondeTranspose(ptr32(u), ptr32(cRe), ptr32(cIm), ptr64(lr), ptr64(li), ptr32(oRe), ptr32(oIm), H, N, L);
    const z = Math.exp(-0.05);
    const want = (1 - Math.pow(z, <f64>L)) / (1 - z);
    expect(Math.abs(<f64>oRe[0] - want)).toBeLessThan(1e-4);
    expect(Math.abs(<f64>oIm[0])).toBeLessThan(1e-6);
  });
});
