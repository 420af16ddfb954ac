// Static scratch (not allocated) of the plain Cauchy kernels: 64 bytes for each of QS_POLES
// poles, in two halves of 32. cauchyConjImag1 (cauchy.ts) keeps its pole table in QS and the
// per-node-group (u, inv) of its first pass in QV. Longer pole lists go in chunks of QS_POLES.
// (cauchyWoodbury1 takes its scratch from the caller instead: it runs on several threads.)
// 32 KB: with the module's other static data it stays within the one initial page (a larger
// buffer fails to compile, AS105).

export const QS_POLES = 512;
export const QS = memory.data(64 * QS_POLES, 16);
export const QV = QS + 32 * QS_POLES;
