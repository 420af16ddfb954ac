// Exact power-of-two scalings for the kernels' overflow and underflow fallbacks (LayerNorm,
// mean pooling): a row redone with its values times one of these gives the same result up to
// rounding, with its sums and squares inside float32's range.

/** 2^-96: values up to float32's max scale to < 4.3e9, whose squares (and sums) stay finite. */
export const DOWN: f32 = 1.2621774483536189e-29;
/** 2^96, the inverse of DOWN. */
export const UNDOWN: f32 = 79228162514264337593543950336.0;
/** 2^62: tiny deviations scale into the normal range, and UP^2 (2^124) stays finite. */
export const UP: f32 = 4611686018427387904.0;
