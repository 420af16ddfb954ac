/**
 * The array types the plain-TypeScript twin reads and writes: any numeric array in (so plain
 * arrays, Float32Array and Float64Array all work), any indexable numeric array out.
 */
export type Plane = ArrayLike<number>;
/** An output plane of the twin: any indexable, writable numeric array (e.g. a Float64Array). */
export type OutPlane = {
  [i: number]: number;
  /** Number of elements. */
  length: number;
};
