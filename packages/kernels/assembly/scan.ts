// Complex diagonal linear recurrence over many independent lanes, split f32 planes:
//   h[l, t] = a[l, t] * h[l, t-1] + b[l, t],   h[l, -1] = h0[l]
// Shapes: a, b, h (lanes, T) row-major; h0, last (lanes) with last[l] = h[l, T-1].
//
// Two schedules of the same recurrence:
// - linearScan: sequential in t, SIMD across 4 lanes at a time (each v128 holds one time step
//   of 4 rows; rows are gathered/scattered with load32_lane/store32_lane because the layout is
//   (lanes, T) and the recurrence runs along the contiguous axis).
// - linearScanChunked: the associative (S5) scan, reduce-then-scan. Time is cut into chunks of
//   `chunk` steps; pass 1 folds every chunk but the last into its aggregate (A, B) =
//   (prod a, local scan from 0) with the operator (a1,b1) o (a2,b2) = (a2 a1, a2 b1 + b2);
//   pass 2 runs the carry across chunks; pass 3 re-runs every chunk from its carry-in. Chunks
//   are independent in passes 1 and 3, so 4 chunks of one lane share a v128 — this is the
//   schedule for few lanes and long T (and the one a threaded/GPU backend would parallelise).
// Kernels never allocate: the chunked scan takes a host scratch of scratchFloats(lanes, T, chunk)
// f32. `h` must not alias `a` or `b` in the chunked scan (pass 3 re-reads them); in the
// sequential scan h may alias b.

@inline
function gather(p: usize, s: usize): v128 {
  let v = v128.load32_splat(p);
  v = v128.load32_lane(p + s, v, 1);
  v = v128.load32_lane(p + 2 * s, v, 2);
  return v128.load32_lane(p + 3 * s, v, 3);
}

@inline
function scatter(p: usize, s: usize, v: v128): void {
  v128.store32_lane(p, v, 0);
  v128.store32_lane(p + s, v, 1);
  v128.store32_lane(p + 2 * s, v, 2);
  v128.store32_lane(p + 3 * s, v, 3);
}

/**
 * Run the recurrence on 4 rows at once: row r starts at byte offset r*stride of each plane,
 * n steps. Carry-in: 4 contiguous f32 at cinRe/cinIm (row r at +4r); carry-out likewise at
 * coutRe/coutIm (may equal cin).
 */
@inline
function scanRows4(
  aRe: usize, aIm: usize, bRe: usize, bIm: usize, hRe: usize, hIm: usize,
  stride: usize, n: i32, cinRe: usize, cinIm: usize, coutRe: usize, coutIm: usize,
): void {
  let cr = v128.load(cinRe);
  let ci = v128.load(cinIm);
  for (let t = 0; t < n; t++) {
    const o = (<usize>t) << 2;
    const ar = gather(aRe + o, stride), ai = gather(aIm + o, stride);
    const nr = f32x4.add(f32x4.sub(f32x4.mul(ar, cr), f32x4.mul(ai, ci)), gather(bRe + o, stride));
    const ni = f32x4.add(f32x4.add(f32x4.mul(ar, ci), f32x4.mul(ai, cr)), gather(bIm + o, stride));
    cr = nr;
    ci = ni;
    scatter(hRe + o, stride, cr);
    scatter(hIm + o, stride, ci);
  }
  v128.store(coutRe, cr);
  v128.store(coutIm, ci);
}

/** One row, scalar: n steps from (cr, ci) read at cinRe/cinIm, final state written to cout. */
@inline
function scanRow(
  aRe: usize, aIm: usize, bRe: usize, bIm: usize, hRe: usize, hIm: usize,
  n: i32, cinRe: usize, cinIm: usize, coutRe: usize, coutIm: usize,
): void {
  let cr = load<f32>(cinRe);
  let ci = load<f32>(cinIm);
  for (let t = 0; t < n; t++) {
    const o = (<usize>t) << 2;
    const ar = load<f32>(aRe + o), ai = load<f32>(aIm + o);
    const nr = ar * cr - ai * ci + load<f32>(bRe + o);
    ci = ar * ci + ai * cr + load<f32>(bIm + o);
    cr = nr;
    store<f32>(hRe + o, cr);
    store<f32>(hIm + o, ci);
  }
  store<f32>(coutRe, cr);
  store<f32>(coutIm, ci);
}

/** Sequential scan; see the file header. h0 and last are (lanes) planes; last may alias h0. */
export function linearScan(
  aRe: usize, aIm: usize, bRe: usize, bIm: usize, h0Re: usize, h0Im: usize,
  hRe: usize, hIm: usize, lastRe: usize, lastIm: usize, lanes: i32, T: i32,
): void {
  const stride = (<usize>T) << 2;
  let l = 0;
  for (; l + 4 <= lanes; l += 4) {
    const row = <usize>l * stride;
    const lo = (<usize>l) << 2;
    // Carry-in is copied through `last` so h0 may alias last.
    v128.store(lastRe + lo, v128.load(h0Re + lo));
    v128.store(lastIm + lo, v128.load(h0Im + lo));
    scanRows4(aRe + row, aIm + row, bRe + row, bIm + row, hRe + row, hIm + row, stride, T,
      lastRe + lo, lastIm + lo, lastRe + lo, lastIm + lo);
  }
  for (; l < lanes; l++) {
    const row = <usize>l * stride;
    const lo = (<usize>l) << 2;
    scanRow(aRe + row, aIm + row, bRe + row, bIm + row, hRe + row, hIm + row, T,
      h0Re + lo, h0Im + lo, lastRe + lo, lastIm + lo);
  }
}

/** f32 elements of scratch linearScanChunked needs: 6 planes of lanes*ceil(T/chunk) + 8. */
export function scanScratchFloats(lanes: i32, T: i32, chunk: i32): i32 {
  const nc = (T + chunk - 1) / chunk;
  return 6 * lanes * nc + 8;
}

/**
 * Aggregates of 4 chunks (rows at stride) of n steps each: A = prod a, B = scan from 0.
 * Written to 4 contiguous f32 at each of the four output planes.
 */
@inline
function aggRows4(
  aRe: usize, aIm: usize, bRe: usize, bIm: usize, stride: usize, n: i32,
  ARe: usize, AIm: usize, BRe: usize, BIm: usize,
): void {
  let pr = f32x4.splat(1), pi = f32x4.splat(0);
  let cr = f32x4.splat(0), ci = f32x4.splat(0);
  for (let t = 0; t < n; t++) {
    const o = (<usize>t) << 2;
    const ar = gather(aRe + o, stride), ai = gather(aIm + o, stride);
    const nr = f32x4.add(f32x4.sub(f32x4.mul(ar, cr), f32x4.mul(ai, ci)), gather(bRe + o, stride));
    ci = f32x4.add(f32x4.add(f32x4.mul(ar, ci), f32x4.mul(ai, cr)), gather(bIm + o, stride));
    cr = nr;
    const qr = f32x4.sub(f32x4.mul(ar, pr), f32x4.mul(ai, pi));
    pi = f32x4.add(f32x4.mul(ar, pi), f32x4.mul(ai, pr));
    pr = qr;
  }
  v128.store(ARe, pr);
  v128.store(AIm, pi);
  v128.store(BRe, cr);
  v128.store(BIm, ci);
}

@inline
function aggRow(
  aRe: usize, aIm: usize, bRe: usize, bIm: usize, n: i32,
  ARe: usize, AIm: usize, BRe: usize, BIm: usize,
): void {
  let pr: f32 = 1, pi: f32 = 0, cr: f32 = 0, ci: f32 = 0;
  for (let t = 0; t < n; t++) {
    const o = (<usize>t) << 2;
    const ar = load<f32>(aRe + o), ai = load<f32>(aIm + o);
    const nr = ar * cr - ai * ci + load<f32>(bRe + o);
    ci = ar * ci + ai * cr + load<f32>(bIm + o);
    cr = nr;
    const qr = ar * pr - ai * pi;
    pi = ar * pi + ai * pr;
    pr = qr;
  }
  store<f32>(ARe, pr);
  store<f32>(AIm, pi);
  store<f32>(BRe, cr);
  store<f32>(BIm, ci);
}

/** Chunked associative scan; see the file header. chunk >= 1; scratch: scanScratchFloats f32. */
export function linearScanChunked(
  aRe: usize, aIm: usize, bRe: usize, bIm: usize, h0Re: usize, h0Im: usize,
  hRe: usize, hIm: usize, lastRe: usize, lastIm: usize, lanes: i32, T: i32, chunk: i32, scratch: usize,
): void {
  const nc = (T + chunk - 1) / chunk;
  const plane = (<usize>(lanes * nc)) << 2;
  // Scratch planes, each (lanes, nc): aggregates A, B of chunk c; carry-in of chunk c.
  const ARe = scratch, AIm = scratch + plane, BRe = scratch + 2 * plane, BIm = scratch + 3 * plane;
  const CRe = scratch + 4 * plane, CIm = scratch + 5 * plane;
  const sink = scratch + 6 * plane; // 8 f32: carry-outs nobody reads
  const stride = (<usize>T) << 2;
  const cstride = (<usize>chunk) << 2;
  for (let l = 0; l < lanes; l++) {
    const row = <usize>l * stride;
    const srow = (<usize>(l * nc)) << 2;
    // Pass 1: aggregates of chunks 0..nc-2 (all full length), 4 chunks per v128.
    const nAgg = nc - 1;
    let c = 0;
    for (; c + 4 <= nAgg; c += 4) {
      const off = row + <usize>c * cstride;
      const so = srow + ((<usize>c) << 2);
      aggRows4(aRe + off, aIm + off, bRe + off, bIm + off, cstride, chunk, ARe + so, AIm + so, BRe + so, BIm + so);
    }
    for (; c < nAgg; c++) {
      const off = row + <usize>c * cstride;
      const so = srow + ((<usize>c) << 2);
      aggRow(aRe + off, aIm + off, bRe + off, bIm + off, chunk, ARe + so, AIm + so, BRe + so, BIm + so);
    }
    // Pass 2: carry-in of chunk c = (A_{c-1}, B_{c-1}) applied to the carry-in of chunk c-1.
    let cr = load<f32>(h0Re + ((<usize>l) << 2));
    let ci = load<f32>(h0Im + ((<usize>l) << 2));
    for (c = 0; c < nc; c++) {
      const so = srow + ((<usize>c) << 2);
      store<f32>(CRe + so, cr);
      store<f32>(CIm + so, ci);
      if (c < nAgg) {
        const ar = load<f32>(ARe + so), ai = load<f32>(AIm + so);
        const nr = ar * cr - ai * ci + load<f32>(BRe + so);
        ci = ar * ci + ai * cr + load<f32>(BIm + so);
        cr = nr;
      }
    }
    // Pass 3: every full chunk from its carry-in, 4 at a time; the rest (and a short last chunk) scalar.
    const nFull = T / chunk;
    c = 0;
    for (; c + 4 <= nFull; c += 4) {
      const off = row + <usize>c * cstride;
      const so = srow + ((<usize>c) << 2);
      scanRows4(aRe + off, aIm + off, bRe + off, bIm + off, hRe + off, hIm + off, cstride, chunk,
        CRe + so, CIm + so, sink, sink + 16);
    }
    for (; c < nc; c++) {
      const off = row + <usize>c * cstride;
      const so = srow + ((<usize>c) << 2);
      const n = min(chunk, T - c * chunk);
      scanRow(aRe + off, aIm + off, bRe + off, bIm + off, hRe + off, hIm + off, n, CRe + so, CIm + so, sink, sink + 4);
    }
    const lastOff = row + (<usize>(T - 1) << 2);
    store<f32>(lastRe + ((<usize>l) << 2), load<f32>(hRe + lastOff));
    store<f32>(lastIm + ((<usize>l) << 2), load<f32>(hIm + lastOff));
  }
}
