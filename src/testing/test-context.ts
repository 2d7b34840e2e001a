import { createIdFactory } from '../core/ids/ids.js'
import type { HandleContext } from '../core/reducer/handle-context.js'

/** Options of {@link createTestContext}. */
export interface TestContextOptions {
  /** The first instant the clock returns (default `2024-01-01T00:00:00.000Z`). */
  readonly start?: Date | string
  /** How far the clock moves after each reading, in ms (default 1000). */
  readonly stepMs?: number
  /** Seed of the id generator's randomness: `ulid`'s `prng` is {@link seededRandom} with this seed (default 1). */
  readonly seed?: number
}

/** A deterministic {@link HandleContext} with a clock you can read and move. */
export interface TestContext extends Required<Pick<HandleContext, 'now' | 'newId'>> {
  /** The instant the next `now()` will return. */
  readonly current: () => Date
  /** Moves the clock forward (or back, with a negative number). */
  readonly advance: (ms: number) => void
}

/**
 * A reproducible clock and id source for `handle` and the service: the same options
 * give the same times and the same ULIDs, so two runs of a command sequence give
 * byte-identical events.
 *
 * @example
 * ```ts
 * const ctx = createTestContext({ start: '2024-05-01T09:00:00Z' })
 * const { events } = handle(null, createCommand, ctx)
 * ```
 */
export function createTestContext(options: TestContextOptions = {}): TestContext {
  let time = new Date(options.start ?? '2024-01-01T00:00:00.000Z').getTime()
  const stepMs = options.stepMs ?? 1000
  const newId = createIdFactory({ now: () => time, random: seededRandom(options.seed ?? 1) })
  return {
    now: () => {
      const reading = new Date(time)
      time += stepMs
      return reading
    },
    newId,
    current: () => new Date(time),
    advance: (ms) => {
      time += ms
    },
  }
}

/** mulberry32: a tiny, well-distributed seeded PRNG returning numbers in [0, 1), for reproducible test data. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0
  return () => {
    state = (state + 0x6d2b79f5) >>> 0
    let t = state
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}
