/** How many random bytes one Web Crypto call fetches: 40 ids' worth of random parts. */
const POOL_BYTES = 640

interface RandomValuesSource {
  getRandomValues(array: Uint8Array): Uint8Array
}

// The core entries compile without DOM or Node typings; Web Crypto is global in every runtime we target.
const webCrypto = (globalThis as unknown as { readonly crypto?: RandomValuesSource }).crypto

/**
 * Random numbers in [0, 1) for ULIDs' random parts, each a byte from Web Crypto divided
 * by 256: what `ulid`'s own source returns, drawn from a pool instead of one
 * `getRandomValues` call per character (16 calls per id, which cost a fast SQLite
 * append about a tenth of its time). `undefined` where there is no Web Crypto, so
 * `ulid` finds its own source there or says it found none.
 *
 * @internal
 */
export function pooledWebCryptoRandom(): (() => number) | undefined {
  if (typeof webCrypto?.getRandomValues !== 'function') return undefined
  const source = webCrypto
  const pool = new Uint8Array(POOL_BYTES)
  let next = POOL_BYTES
  return () => {
    if (next === POOL_BYTES) {
      source.getRandomValues(pool)
      next = 0
    }
    return (pool[next++] as number) / 256
  }
}
