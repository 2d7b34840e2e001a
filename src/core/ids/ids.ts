import { incrementBase32, monotonicFactory, type PRNG, ulid } from 'ulid'
import { TicketError } from '../errors/ticket-error.js'
import { cryptoRandom } from './crypto-random.js'

/** Options of {@link createIdFactory}. */
export interface IdFactoryOptions {
  /** Where the time part comes from, in whole milliseconds since the epoch (default `Date.now`). */
  readonly now?: () => number
  /**
   * Random numbers in [0, 1) for the random part: `ulid`'s `prng` argument. The default
   * is Web Crypto (`crypto.getRandomValues`, read ahead in blocks). Pass a seeded one for
   * reproducible ids.
   */
  readonly random?: () => number
}

/**
 * Creates a monotonic ULID factory: the ids of `ulid`'s `monotonicFactory`, with the
 * clock and the random source you choose. Ids made in the same millisecond (or when the
 * clock goes back) increment the previous id's random part, so ids from one factory
 * always strictly increase. The time part is encoded once per millisecond rather than
 * once per id.
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
  const factory = monotonicUlids(options.random ?? cryptoRandom())
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

let defaultFactory: ((time?: number) => string) | undefined

/**
 * The default id source: one monotonic ULID factory per process, created on first use
 * (the only module state in the core, and only when `ctx.newId` is not given).
 */
export function defaultNewId(): string {
  defaultFactory ??= monotonicUlids(cryptoRandom())
  return defaultFactory()
}

/** The default clock. */
export function defaultNow(): Date {
  return new Date()
}

/**
 * `ulid`'s monotonic factory with the time part encoded once per millisecond instead of
 * once per id. A command makes several ids in one millisecond; for each of those,
 * `monotonicFactory` increments the previous random part and encodes the same time
 * again. Here an id in a new millisecond is `ulid(time, random)` and the next ones in it
 * are its time part and `incrementBase32` of the previous random part: the ids
 * `monotonicFactory` would return, from the same random draws, without the re-encoding
 * (about a third of the time an id took).
 *
 * Without a random source (no Web Crypto) it is `monotonicFactory()`, which finds its own
 * or says it cannot.
 */
function monotonicUlids(random: PRNG | undefined): (time?: number) => string {
  if (random === undefined) return monotonicFactory()
  let lastTime = 0
  let timePart = ''
  let randomPart = ''
  return (time = Date.now()) => {
    // A clock that went back keeps the last time, as monotonicFactory does.
    if (time <= lastTime) {
      randomPart = incrementBase32(randomPart)
      return timePart + randomPart
    }
    const id = ulid(time, random)
    lastTime = time
    timePart = id.slice(0, 10)
    randomPart = id.slice(10)
    return id
  }
}
