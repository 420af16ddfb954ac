/**
 * Typed errors of the public API. Each names the argument, what was expected and what came:
 * `S4ShapeError: forward(u): expected length 6272 (batch*length*dModel), got 6271`.
 */

/** Base class of every error s4wasm throws on purpose. */
export class S4Error extends Error {
  /** "S4Error". */
  override name = "S4Error";
}

/** An array has the wrong length, or a size argument is out of range. */
export class S4ShapeError extends S4Error {
  /** "S4ShapeError". */
  override name = "S4ShapeError";
}

/** A value is not allowed: NaN/Infinity, an unstable pole, an unknown option, a wrong dtype. */
export class S4ValueError extends S4Error {
  /** "S4ValueError". */
  override name = "S4ValueError";
}

/** The object is in the wrong state: used after dispose(), stepped before setup, ... */
export class S4StateError extends S4Error {
  /** "S4StateError". */
  override name = "S4StateError";
}

/** The wasm backend cannot be used: bad module bytes, a foreign module, no SIMD in this runtime. */
export class S4BackendError extends S4Error {
  /** "S4BackendError". */
  override name = "S4BackendError";
}
