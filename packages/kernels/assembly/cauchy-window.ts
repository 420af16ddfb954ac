// Which poles count as near a group of 4 imaginary nodes i y (cauchy-imag.ts, cauchy-woodbury.ts):
// those with |w|^2 within [min y^2 / NEAR_R2, max y^2 NEAR_R2], a factor sqrt(1.5) ~ 1.22 in |w|.
// Outside it the far form dr = |w|^2 - y^2 has at most 1.5 eps (R2 + 1)/(R2 - 1) = 7.5 eps
// relative error (cauchy-imag.ts's header); inside, the hi + lo form is used.

/** Squared window factor. */
export const NEAR_R2: f32 = 1.5;

/** Smallest lane of v. */
@inline export function laneMin(v: v128): f32 {
  let lo = f32x4.pmin(v, i32x4.shuffle(v, v, 2, 3, 0, 1));
  lo = f32x4.pmin(lo, i32x4.shuffle(lo, lo, 1, 0, 3, 2));
  return f32x4.extract_lane(lo, 0);
}

/** Largest lane of v. */
@inline export function laneMax(v: v128): f32 {
  let hi = f32x4.pmax(v, i32x4.shuffle(v, v, 2, 3, 0, 1));
  hi = f32x4.pmax(hi, i32x4.shuffle(hi, hi, 1, 0, 3, 2));
  return f32x4.extract_lane(hi, 0);
}
