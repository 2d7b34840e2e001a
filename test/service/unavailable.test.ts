import fc from 'fast-check'
import { afterEach, describe, expect, it, vi } from 'vitest'
import { TicketError } from '../../src/index.js'
import { backoffDelay, DEFAULT_UNAVAILABLE_RETRY, UnavailableRetrySchedule } from '../../src/service/backoff.js'
import { createTicketService } from '../../src/service/index.js'
import { memoryStore } from '../../src/stores/memory/index.js'
import { commentCommand, createCommand, instrument, rejectionOf, TICKET, WORKSPACE } from './service-fixtures.js'

/** What a dropped connection looks like once a store has typed it. */
const dropped = (retryable = true) =>
  new TicketError('UNAVAILABLE', 'PostgreSQL is unavailable: "Connection terminated unexpectedly".', {
    cause: new Error('Connection terminated unexpectedly'),
    retryable,
  })

/** Fails the first `times` calls it guards, then lets every call through. */
function failing(times: number, error: () => Error = () => dropped()) {
  let left = times
  return {
    calls: 0,
    async hook(): Promise<void> {
      this.calls++
      if (left > 0) {
        left--
        throw error()
      }
    },
  }
}

/** Fast retries, so a test that exhausts them takes milliseconds. */
const QUICK = { initialDelayMs: 1, maxDelayMs: 2, maxElapsedMs: 100 }

async function commentBodies(service: ReturnType<typeof createTicketService>): Promise<string[]> {
  const ticket = await service.load(TICKET)
  return Object.values(ticket?.comments ?? {}).map((comment) => comment.body)
}

afterEach(() => {
  vi.useRealTimers()
})

describe('TicketError.retryable', () => {
  it('is true for UNAVAILABLE and CONCURRENCY and false for every other code unless the thrower says otherwise', () => {
    const codes = ['VALIDATION', 'NOT_FOUND', 'ALREADY_EXISTS', 'INVALID_TRANSITION', 'DELETED', 'ARCHIVED', 'PAYLOAD_TOO_LARGE'] as const
    for (const code of codes) expect(new TicketError(code, 'x').retryable, code).toBe(false)
    expect(new TicketError('UNAVAILABLE', 'x').retryable).toBe(true)
    expect(new TicketError('CONCURRENCY', 'x').retryable).toBe(true)
    expect(new TicketError('UNAVAILABLE', 'x', { retryable: false }).retryable).toBe(false)
  })

  it('carries the driver error as cause and shows retryable in toJSON', () => {
    const error = dropped()
    expect(error.cause).toEqual(new Error('Connection terminated unexpectedly'))
    expect(error.toJSON()).toMatchObject({ name: 'TicketError', code: 'UNAVAILABLE', retryable: true })
  })
})

describe('the UNAVAILABLE backoff', () => {
  it('waits between half and all of the doubled delay, capped (equal jitter)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 40 }), fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true }), (retry, random) => {
        const ceiling = Math.min(2000, 50 * 2 ** retry)
        const delay = backoffDelay({ initialDelayMs: 50, maxDelayMs: 2000 }, retry, () => random)
        expect(delay).toBeGreaterThanOrEqual(ceiling / 2)
        expect(delay).toBeLessThanOrEqual(ceiling)
      }),
    )
  })

  it('by default starts near 50 ms, waits at most 2 s at a time and stops within 10 s of the first failure', () => {
    vi.useFakeTimers({ now: 0 })
    const schedule = new UnavailableRetrySchedule(DEFAULT_UNAVAILABLE_RETRY)
    const delays: number[] = []
    for (let delay = schedule.nextDelay(dropped()); delay !== undefined; delay = schedule.nextDelay(dropped())) {
      delays.push(delay)
      vi.advanceTimersByTime(delay)
    }
    expect(delays[0]).toBeLessThanOrEqual(50)
    expect(Math.max(...delays)).toBeLessThanOrEqual(2000)
    const total = delays.reduce((sum, delay) => sum + delay, 0)
    expect(total).toBeLessThanOrEqual(10_000)
    // The budget is spent, not abandoned early: the next 2 s wait no longer fits.
    expect(total).toBeGreaterThan(10_000 - 2000)
  })

  it('does not retry an error that is not a retryable UNAVAILABLE', () => {
    const schedule = new UnavailableRetrySchedule(DEFAULT_UNAVAILABLE_RETRY)
    expect(schedule.nextDelay(dropped(false))).toBeUndefined()
    expect(schedule.nextDelay(new TicketError('NOT_FOUND', 'x'))).toBeUndefined()
    expect(schedule.nextDelay(new Error('Connection terminated unexpectedly'))).toBeUndefined()
  })
})

describe('execute while the store is UNAVAILABLE', () => {
  it('retries until the store answers again and applies the command once', async () => {
    const loads = failing(3)
    const { store, log } = instrument(memoryStore(), { beforeLoad: () => loads.hook() })
    const tickets = createTicketService({ store, cacheSize: 0 })

    const created = await tickets.execute(TICKET, createCommand())

    expect(loads.calls).toBe(4)
    expect(log.appends).toHaveLength(1)
    expect(await tickets.load(TICKET)).toEqual(created.state)
  })

  it('retries an append that failed before it was stored, after hasEvent said it did not land', async () => {
    const appends = failing(2)
    const asked: string[] = []
    const { store } = instrument(memoryStore(), {
      beforeAppend: async (batch) => {
        if (batch.expectedVersion > 0) await appends.hook()
      },
      beforeHasEvent: async (eventId) => {
        asked.push(eventId)
      },
    })
    const tickets = createTicketService({ store })
    await tickets.execute(TICKET, createCommand())

    const result = await tickets.execute(TICKET, commentCommand('sent once'))

    expect(asked).toHaveLength(2)
    expect(await commentBodies(tickets)).toEqual(['sent once'])
    expect((await tickets.events({ limit: 100 })).result.slice(-result.events.length)).toEqual(result.events)
  })

  it('returns the result of an append whose answer was lost after it was stored, without appending again', async () => {
    let lose = 1
    const { store, log } = instrument(memoryStore(), {
      afterAppend: async (batch) => {
        if (batch.expectedVersion > 0 && lose-- > 0) throw dropped()
      },
    })
    const tickets = createTicketService({ store })
    await tickets.execute(TICKET, createCommand())

    const result = await tickets.execute(TICKET, commentCommand('sent once'))

    expect(log.appends).toHaveLength(2)
    expect(await commentBodies(tickets)).toEqual(['sent once'])
    expect(result.state).toEqual(await tickets.load(TICKET))
  })

  it('gives up with the last UNAVAILABLE once maxElapsedMs has passed, having written nothing', async () => {
    const appends = failing(Number.POSITIVE_INFINITY)
    const { store, log } = instrument(memoryStore(), {
      beforeAppend: async (batch) => {
        if (batch.expectedVersion > 0) await appends.hook()
      },
    })
    const tickets = createTicketService({ store, unavailableRetry: QUICK })
    await tickets.execute(TICKET, createCommand())

    const error = await rejectionOf(tickets.execute(TICKET, commentCommand('never lands')))

    expect(error.code).toBe('UNAVAILABLE')
    expect(error.retryable).toBe(true)
    expect(appends.calls).toBeGreaterThan(1)
    expect(log.appends).toHaveLength(1)
    expect(await commentBodies(tickets)).toEqual([])
  })

  it('tries once when retrying is turned off, and never retries an UNAVAILABLE that is not retryable', async () => {
    for (const [retry, error] of [
      [{ maxElapsedMs: 0 }, () => dropped(true)],
      [{}, () => dropped(false)],
    ] as const) {
      const loads = failing(Number.POSITIVE_INFINITY, error)
      const { store } = instrument(memoryStore(), { beforeLoad: () => loads.hook() })
      const tickets = createTicketService({ store, unavailableRetry: retry, cacheSize: 0 })

      expect((await rejectionOf(tickets.execute(TICKET, createCommand()))).code).toBe('UNAVAILABLE')
      expect(loads.calls).toBe(1)
    }
  })

  it('says the outcome is unknown when hasEvent cannot answer, retryable only for a command with a commandId', async () => {
    for (const commandId of [undefined, 'comment-1']) {
      let lose = 1
      const { store } = instrument(memoryStore(), {
        afterAppend: async (batch) => {
          if (batch.expectedVersion > 0 && lose-- > 0) throw dropped()
        },
        beforeHasEvent: async () => {
          throw dropped()
        },
      })
      const tickets = createTicketService({ store, unavailableRetry: QUICK })
      await tickets.execute(TICKET, createCommand())

      const error = await rejectionOf(tickets.execute(TICKET, commentCommand('landed unseen', commandId)))

      expect(error.code).toBe('UNAVAILABLE')
      expect(error.details).toMatchObject({ ticketId: TICKET, outcome: 'unknown' })
      expect(error.retryable).toBe(commandId !== undefined)
      expect(error.message).toContain(commandId === undefined ? 'might apply it twice' : 'same meta.commandId')
      // What a caller does next: retry with the same command id, which returns the stored result.
      if (commandId !== undefined) {
        const again = await tickets.execute(TICKET, commentCommand('landed unseen', commandId))
        expect(again.state.version).toBe(2)
      }
      expect(await commentBodies(tickets)).toEqual(['landed unseen'])
    }
  })
})

describe('reads while the store is UNAVAILABLE', () => {
  it('retries load, events and list until the store answers', async () => {
    const shared = memoryStore()
    await createTicketService({ store: shared }).execute(TICKET, createCommand())
    const loads = failing(2)
    const reads = failing(4)
    const { store } = instrument(shared, { beforeLoad: () => loads.hook(), beforeRead: () => reads.hook() })
    const tickets = createTicketService({ store })

    expect((await tickets.load(TICKET))?.id).toBe(TICKET)
    expect((await tickets.events({ limit: 10 })).result).toHaveLength(1)
    expect((await tickets.list({ workspaceId: WORKSPACE })).result).toHaveLength(1)
    expect(loads.calls).toBe(3)
    expect(reads.calls).toBe(6)
  })
})

describe('unavailableRetry option', () => {
  it('rejects unknown keys and out-of-range values with VALIDATION naming the paths', () => {
    const store = memoryStore()
    for (const [unavailableRetry, path] of [
      [{ maxElapsedMs: -1 }, 'maxElapsedMs'],
      [{ initialDelayMs: 0 }, 'initialDelayMs'],
      [{ maxDelayMs: 1.5 }, 'maxDelayMs'],
      [{ retries: 3 }, 'retries'],
    ] as const) {
      expect(() => createTicketService({ store, unavailableRetry: unavailableRetry as never }), path).toThrow(
        expect.objectContaining({
          code: 'VALIDATION',
          issues: [expect.objectContaining({ path: ['unavailableRetry', ...(path === 'retries' ? [] : [path])] })],
        }),
      )
    }
  })
})
