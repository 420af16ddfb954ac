// fft.js ships no types: the part of its API the suites use.
declare module "fft.js" {
  export default class FFT {
    constructor(size: number);
    createComplexArray(): number[];
    transform(out: number[], data: number[]): void;
    inverseTransform(out: number[], data: number[]): void;
    realTransform(out: number[], data: number[]): void;
    completeSpectrum(spectrum: number[]): void;
  }
}
