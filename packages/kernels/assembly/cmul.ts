// Elementwise complex multiply on split planes, four lanes at a time.
//   out[i] = a[i] * b[i]            (cmul)
//   out[i] = out[i] + a[i] * b[i]   (cmulAcc)
// Shapes: every plane has n f32 elements. `out` may alias `a` or `b` (each element is read
// before it is written).

@inline
function cmulLanes(ar: v128, ai: v128, br: v128, bi: v128, outRe: usize, outIm: usize, acc: bool): void {
  let re = f32x4.sub(f32x4.mul(ar, br), f32x4.mul(ai, bi));
  let im = f32x4.add(f32x4.mul(ar, bi), f32x4.mul(ai, br));
  if (acc) {
    re = f32x4.add(re, v128.load(outRe));
    im = f32x4.add(im, v128.load(outIm));
  }
  v128.store(outRe, re);
  v128.store(outIm, im);
}

@inline
function cmulImpl(aRe: usize, aIm: usize, bRe: usize, bIm: usize, outRe: usize, outIm: usize, n: i32, acc: bool): void {
  let i = 0;
  for (; i + 4 <= n; i += 4) {
    const o = (<usize>i) << 2;
    cmulLanes(
      v128.load(aRe + o), v128.load(aIm + o), v128.load(bRe + o), v128.load(bIm + o),
      outRe + o, outIm + o, acc,
    );
  }
  for (; i < n; i++) {
    const o = (<usize>i) << 2;
    const ar = load<f32>(aRe + o), ai = load<f32>(aIm + o);
    const br = load<f32>(bRe + o), bi = load<f32>(bIm + o);
    let re = ar * br - ai * bi;
    let im = ar * bi + ai * br;
    if (acc) {
      re += load<f32>(outRe + o);
      im += load<f32>(outIm + o);
    }
    store<f32>(outRe + o, re);
    store<f32>(outIm + o, im);
  }
}

/** out = a * b elementwise; planes of n f32. */
export function cmul(aRe: usize, aIm: usize, bRe: usize, bIm: usize, outRe: usize, outIm: usize, n: i32): void {
  cmulImpl(aRe, aIm, bRe, bIm, outRe, outIm, n, false);
}

/** out += a * b elementwise; planes of n f32. */
export function cmulAcc(aRe: usize, aIm: usize, bRe: usize, bIm: usize, outRe: usize, outIm: usize, n: i32): void {
  cmulImpl(aRe, aIm, bRe, bIm, outRe, outIm, n, true);
}
