// Static scratch (not allocated) of the plain Cauchy kernels: cauchyConjImag1 (cauchy-imag.ts)
// tables a chunk of up to QS_POLES poles in QS, 32 bytes each, followed by 8 bytes each for
// sorting them. Longer pole lists go in chunks.
// (cauchyWoodbury1 takes its scratch from the caller instead: it runs on several threads.)
// 20 KB: with the module's other static data it stays within the one initial page (a larger
// buffer fails to compile, AS105).

export const QS_POLES = 512;
export const QS = memory.data(40 * QS_POLES, 16);
