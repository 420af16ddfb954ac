import { linearScan, linearScanChunked, scanScratchFloats } from "../scan";
import { diagStep } from "../step";

function filled(n: i32, v: f32): StaticArray<f32> {
  const out = new StaticArray<f32>(n);
  for (let i = 0; i < n; i++) out[i] = v;
  return out;
}
function ptr(a: StaticArray<f32>): usize {
  return changetype<usize>(a);
}

// 5 lanes (one SIMD group of 4 and a scalar lane) x 9 steps (not a multiple of the chunk).
const LANES = 5;
const T = 9;

/** h_t = i*h_{t-1} + 1 from h0 = (lane, 0): period 4, so h_t is known in closed form. */
function expectRotation(hRe: StaticArray<f32>, hIm: StaticArray<f32>): void {
  for (let l = 0; l < LANES; l++) {
    let er: f32 = <f32>l;
    let ei: f32 = 0;
    for (let t = 0; t < T; t++) {
      const nr = -ei + 1;
      ei = er;
      er = nr;
      expect(hRe[l * T + t]).toBe(er);
      expect(hIm[l * T + t]).toBe(ei);
    }
  }
}

describe("linearScan", () => {
  it("sequential: h = i h + 1 from h0 = lane, SIMD lanes and the scalar lane", () => {
    const aRe = filled(LANES * T, 0), aIm = filled(LANES * T, 1);
    const bRe = filled(LANES * T, 1), bIm = filled(LANES * T, 0);
    const h0Re = new StaticArray<f32>(LANES), h0Im = new StaticArray<f32>(LANES);
    for (let l = 0; l < LANES; l++) h0Re[l] = <f32>l;
    const hRe = new StaticArray<f32>(LANES * T), hIm = new StaticArray<f32>(LANES * T);
    const lastRe = new StaticArray<f32>(LANES), lastIm = new StaticArray<f32>(LANES);
    linearScan(ptr(aRe), ptr(aIm), ptr(bRe), ptr(bIm), ptr(h0Re), ptr(h0Im), ptr(hRe), ptr(hIm), ptr(lastRe), ptr(lastIm), LANES, T);
    expectRotation(hRe, hIm);
    for (let l = 0; l < LANES; l++) expect(lastRe[l]).toBe(hRe[l * T + T - 1]);
  });

  it("chunked (chunk 2, 4 chunks per v128 and a short last chunk) gives the same states", () => {
    const aRe = filled(LANES * T, 0), aIm = filled(LANES * T, 1);
    const bRe = filled(LANES * T, 1), bIm = filled(LANES * T, 0);
    const h0Re = new StaticArray<f32>(LANES), h0Im = new StaticArray<f32>(LANES);
    for (let l = 0; l < LANES; l++) h0Re[l] = <f32>l;
    const hRe = new StaticArray<f32>(LANES * T), hIm = new StaticArray<f32>(LANES * T);
    const lastRe = new StaticArray<f32>(LANES), lastIm = new StaticArray<f32>(LANES);
    const scratch = new StaticArray<f32>(scanScratchFloats(LANES, T, 2));
    linearScanChunked(
      ptr(aRe), ptr(aIm), ptr(bRe), ptr(bIm), ptr(h0Re), ptr(h0Im), ptr(hRe), ptr(hIm), ptr(lastRe), ptr(lastIm), LANES, T, 2, ptr(scratch),
    );
    expectRotation(hRe, hIm);
    for (let l = 0; l < LANES; l++) expect(lastIm[l]).toBe(hIm[l * T + T - 1]);
  });
});

describe("diagStep", () => {
  it("one channel, 5 modes: x = 0.5 x + u, y = 2 Re(sum x) + D u", () => {
    const M = 5;
    const xRe = filled(M, 1), xIm = filled(M, 0);
    const dARe = filled(M, 0.5), dAIm = filled(M, 0);
    const dBRe = filled(M, 1), dBIm = filled(M, 0);
    const cRe = filled(M, 1), cIm = filled(M, 0);
    const d = filled(1, 3);
    const u = filled(1, 2);
    const y = new StaticArray<f32>(1);
    diagStep(ptr(xRe), ptr(xIm), ptr(dARe), ptr(dAIm), ptr(dBRe), ptr(dBIm), ptr(cRe), ptr(cIm), ptr(d), ptr(u), ptr(y), 1, 1, M, 1, 2);
    // x = 0.5 + 2 = 2.5 per mode; y = 2 * 5 * 2.5 + 3 * 2 = 31
    for (let m = 0; m < M; m++) expect(xRe[m]).toBe(<f32>2.5);
    expect(y[0]).toBe(<f32>31);
  });
});
