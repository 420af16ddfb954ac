// Naive O(n^2) discrete Fourier transform on split planes (the reference the FFT is checked
// against, and the proof that the SIMD pipe works end to end).
//   out[k] = sum_j x[j] * exp(sign * 2*pi*i * j*k / n),   k = 0..n-1
// Twiddles: the caller passes the table tw[m] = exp(sign * 2*pi*i * m / n), m = 0..n-1 (f32
// planes), so the index j*k is reduced mod n exactly in integers and no angle loses precision.
// Accumulation is in f32 (this is a reference of the pipe, not a production transform).
// Shapes: x (n) complex, out (n) complex, tw (n) complex. `out` must not alias `x`.

export function dft(xRe: usize, xIm: usize, outRe: usize, outIm: usize, n: i32, twRe: usize, twIm: usize): void {
  let k = 0;
  for (; k + 4 <= n; k += 4) {
    // Four outputs k..k+3 at once: lane q walks the twiddle index m_q = (k+q)*j mod n.
    let accRe = f32x4.splat(0), accIm = f32x4.splat(0);
    let m0 = 0, m1 = 0, m2 = 0, m3 = 0;
    for (let j = 0; j < n; j++) {
      const o = (<usize>j) << 2;
      const xr = f32x4.splat(load<f32>(xRe + o));
      const xi = f32x4.splat(load<f32>(xIm + o));
      let wr = f32x4.splat(load<f32>(twRe + ((<usize>m0) << 2)));
      wr = f32x4.replace_lane(wr, 1, load<f32>(twRe + ((<usize>m1) << 2)));
      wr = f32x4.replace_lane(wr, 2, load<f32>(twRe + ((<usize>m2) << 2)));
      wr = f32x4.replace_lane(wr, 3, load<f32>(twRe + ((<usize>m3) << 2)));
      let wi = f32x4.splat(load<f32>(twIm + ((<usize>m0) << 2)));
      wi = f32x4.replace_lane(wi, 1, load<f32>(twIm + ((<usize>m1) << 2)));
      wi = f32x4.replace_lane(wi, 2, load<f32>(twIm + ((<usize>m2) << 2)));
      wi = f32x4.replace_lane(wi, 3, load<f32>(twIm + ((<usize>m3) << 2)));
      accRe = f32x4.add(accRe, f32x4.sub(f32x4.mul(xr, wr), f32x4.mul(xi, wi)));
      accIm = f32x4.add(accIm, f32x4.add(f32x4.mul(xr, wi), f32x4.mul(xi, wr)));
      m0 += k; if (m0 >= n) m0 -= n;
      m1 += k + 1; if (m1 >= n) m1 -= n;
      m2 += k + 2; if (m2 >= n) m2 -= n;
      m3 += k + 3; if (m3 >= n) m3 -= n;
    }
    const o = (<usize>k) << 2;
    v128.store(outRe + o, accRe);
    v128.store(outIm + o, accIm);
  }
  for (; k < n; k++) {
    let accRe: f32 = 0, accIm: f32 = 0;
    let m = 0;
    for (let j = 0; j < n; j++) {
      const o = (<usize>j) << 2;
      const mo = (<usize>m) << 2;
      const xr = load<f32>(xRe + o), xi = load<f32>(xIm + o);
      const wr = load<f32>(twRe + mo), wi = load<f32>(twIm + mo);
      accRe += xr * wr - xi * wi;
      accIm += xr * wi + xi * wr;
      m += k; if (m >= n) m -= n;
    }
    store<f32>(outRe + ((<usize>k) << 2), accRe);
    store<f32>(outIm + ((<usize>k) << 2), accIm);
  }
}
