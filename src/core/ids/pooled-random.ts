/**
 * A random source for ULIDs that asks Web Crypto for random numbers in blocks instead
 * of one byte at a time.
 *
 * @internal
 * @module
 */

/** 32-bit words fetched per `crypto.getRandomValues` call (1 KB; the call's limit is 64 KB). */
const BLOCK = 256
const TWO_TO_THE_32 = 2 ** 32

/**
 * Returns a `() => number` in [0, 1) backed by `crypto.getRandomValues`, drawn from a
 * block refilled every {@link BLOCK} numbers. `ulid`'s own default makes one
 * `getRandomValues` call per character (16 for a new millisecond's random part); each
 * call crosses into the runtime's native code, which made id generation a measurable
 * share of a command's cost. The numbers are the same cryptographic randomness, used
 * in the same order; a block is never handed out twice.
 */
export function pooledCryptoRandom(): () => number {
  const words = new Uint32Array(BLOCK)
  let next = BLOCK
  return () => {
    if (next === BLOCK) {
      globalThis.crypto.getRandomValues(words)
      next = 0
    }
    return (words[next++] as number) / TWO_TO_THE_32
  }
}
