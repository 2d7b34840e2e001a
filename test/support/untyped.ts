/**
 * Input as a JavaScript caller or the wire may send it: the compiler is told nothing (the
 * public types refuse it), so what the test checks is the runtime validation.
 */
export function untyped<T = never>(value: unknown): T {
  return value as T
}
