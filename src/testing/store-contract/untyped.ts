/**
 * Input as a JavaScript caller or the wire may send it: the compiler is told nothing
 * (the public types would refuse it), so the runtime validation is what gets tested.
 *
 * @internal
 */
export function untyped<T>(value: unknown): T {
  return value as T
}
