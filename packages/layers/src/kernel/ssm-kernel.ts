import { type Kernels, S4StateError } from "@s4wasm/kernels";
import { copyParams } from "../ssm/params.js";

/**
 * What S4DKernel and DPLRKernel share: the backend, the canonical parameters, a version that
 * every setParams() bumps (cached spectra are keyed on it) and the dispose flag. Subclasses call
 * their own setParams() at the end of their constructor (after their fields exist).
 */
export abstract class SSMKernel<P extends { H: number; channels: number }> {
  /** The compute backend (wasm or JS) the kernel runs on. */
  readonly kernels: Kernels;
  /** The current parameters (replaced by setParams). */
  protected params: P;
  private _version = 0;
  private disposed = false;

  constructor(kernels: Kernels, params: P) {
    this.kernels = kernels;
    this.params = params;
  }

  /** Channels H (dModel). */
  get H(): number {
    return this.params.H;
  }
  /** Output channels of C: the leading axis of K. */
  get channels(): number {
    return this.params.channels;
  }
  /** Incremented by every setParams(); cached spectra are keyed on it. */
  get version(): number {
    return this._version;
  }
  /** The canonical parameters this kernel was made from (a copy: editing it changes nothing here). */
  get parameters(): P {
    return copyParams(this.params);
  }

  /** Replace the parameters (validated by the subclass); must call bumpVersion(). */
  abstract setParams(params: P): void;

  /** Called by setParams once the new parameters are in place. */
  protected bumpVersion(): void {
    this._version++;
  }

  /** Later calls of assertLive throw. */
  protected markDisposed(): void {
    this.disposed = true;
  }

  /** Throw S4StateError (prefixed by `where`) if the kernel was disposed. */
  protected assertLive(where: string): void {
    if (this.disposed) throw new S4StateError(`${where}: this kernel was disposed`);
  }
}
