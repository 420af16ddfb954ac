/** First byte the host may use: everything above the static data belongs to the host allocator. */
export function heapBase(): usize {
  return __heap_base;
}
