import { monotonicFactory } from 'ulid'
import { TicketError } from '../errors/ticket-error.js'
import { pooledWebCryptoRandom } from './pooled-random.js'

/** Options of {@link createIdFactory}. */
export interface IdFactoryOptions {
  /** Where the time part comes from, in whole milliseconds since the epoch (default `Date.now`). */
  readonly now?: () => number
  /**
   * Random numbers in [0, 1) for the random part: `ulid`'s `prng` argument. The default
   * is Web Crypto, a byte per character as `ulid`'s own source, fetched many bytes at a
   * time. Pass a seeded one for reproducible ids.
   */
  readonly random?: () => number
}

/**
 * Creates a monotonic ULID factory: `ulid`'s `monotonicFactory`, with the clock and the
 * random source you choose. Ids made in the same millisecond (or when the clock goes
 * back) increment the previous id's random part, so ids from one factory always
 * strictly increase.
 *
 * @throws {TicketError} `VALIDATION` from a call whose clock reading is not a whole
 * number of milliseconds ≥ 0
 *
 * @example
 * ```ts
 * const newId = createIdFactory()
 * newId() < newId() // true
 *
 * // Reproducible ids for tests: a fixed clock and a seeded random source.
 * const seeded = createIdFactory({ now: () => Date.parse('2024-01-01'), random: seededRandom(7) })
 * ```
 */
export function createIdFactory(options: IdFactoryOptions = {}): () => string {
  const factory = monotonicFactory(options.random ?? pooledWebCryptoRandom())
  const clock = options.now
  if (clock === undefined) return () => factory()
  return () => {
    const time = clock()
    // ulid reads 0 as "no time given" and throws its own error type for the rest.
    if (!Number.isSafeInteger(time) || time <= 0) {
      throw new TicketError('VALIDATION', `The id factory's clock must return a whole number of milliseconds above 0, not ${time}.`, {
        issues: [{ path: ['now'], message: 'Expected a whole number of milliseconds above 0', code: 'custom' }],
      })
    }
    return factory(time)
  }
}

let defaultFactory: (() => string) | undefined

/**
 * The default id source: one monotonic ULID factory per process, created on first use
 * (the only module state in the core, and only when `ctx.newId` is not given).
 */
export function defaultNewId(): string {
  defaultFactory ??= monotonicFactory(pooledWebCryptoRandom())
  return defaultFactory()
}

/** The default clock. */
export function defaultNow(): Date {
  return new Date()
}
