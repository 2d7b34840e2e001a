import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import type { TicketEvent } from '../../src/core/model/event.js'
import { createTicketService } from '../../src/service/create-ticket-service.js'
import type { EventsQuery, TicketService } from '../../src/service/ticket-service.js'
import { memoryStore } from '../../src/stores/memory/index.js'
import { memoryCheckpoint, subscribe } from '../../src/subscriptions/index.js'
import { retryDelay, toRetryPolicy } from '../../src/subscriptions/retry-policy.js'

const WORKSPACE = '3b241101-e2bb-4255-8caf-4136c566a962'
const OTHER_WORKSPACE = '9c5d2a10-7f3e-4b8a-9d61-0e2f4a6b8c1d'
const CHAT = '4b241101-e2bb-4255-8caf-4136c566a962'
const USER = '5b241101-e2bb-4255-8caf-4136c566a962'
const fastRetry = { initialDelayMs: 1, maxDelayMs: 5 }

let service: TicketService
let ticketCount = 0
beforeEach(() => {
  service = createTicketService({ store: memoryStore() })
})
afterEach(async () => {
  vi.useRealTimers()
  await service.close()
})

/** Creates tickets and takes each over: 4 events per ticket (created, updated, status:changed, assigned). */
async function appendTickets(count: number, workspaceId = WORKSPACE): Promise<void> {
  for (let index = 0; index < count; index++) {
    const ticketId = `0190a1b2-c3d4-7e5f-a6b7-${String(++ticketCount).padStart(12, '0')}`
    await service.execute(ticketId, {
      type: 'create',
      workspaceId,
      chatId: CHAT,
      ticketingTeamId: null,
      assigneeId: null,
      status: 'pending',
    })
    await service.execute(ticketId, { type: 'takeover', assigneeId: USER })
  }
}

async function wholeLog(query: { workspaceId?: string } = {}): Promise<TicketEvent[]> {
  return [...(await service.events({ ...query, limit: 1000 })).result]
}

describe('subscribe', () => {
  it('hands every event to the handler in log order, then stops cleanly when aborted', async () => {
    await appendTickets(3)
    const log = await wholeLog()
    const controller = new AbortController()
    const seen: string[] = []
    const stopped = await subscribe({
      service,
      batchSize: 5,
      pollIntervalMs: 1,
      signal: controller.signal,
      handler: (event) => {
        seen.push(event.id)
        if (seen.length === log.length) controller.abort()
      },
    })
    expect(seen).toEqual(log.map((event) => event.id))
    expect(stopped).toEqual({ afterId: log.at(-1)?.id, delivered: log.length })
  })

  it('resumes from its saved checkpoint and sees every event after it exactly once', async () => {
    await appendTickets(4)
    const checkpoint = memoryCheckpoint()
    const seen: string[] = []
    const firstRun = new AbortController()
    let batches = 0
    await subscribe({
      service,
      checkpoint,
      batch: true,
      batchSize: 3,
      pollIntervalMs: 1,
      signal: firstRun.signal,
      handler: (events) => {
        seen.push(...events.map((event) => event.id))
        if (++batches === 2) firstRun.abort()
      },
    })
    expect(seen).toHaveLength(6)
    expect(checkpoint.position).toBe(seen.at(-1))

    // Events appended while it was stopped, and while the second run is live.
    await appendTickets(2)
    const secondRun = new AbortController()
    const resumed: string[] = []
    const running = subscribe({
      service,
      checkpoint,
      batch: true,
      batchSize: 3,
      pollIntervalMs: 1,
      signal: secondRun.signal,
      handler: async (events) => {
        resumed.push(...events.map((event) => event.id))
        if (resumed.length === 8 * 4 - 6) secondRun.abort()
      },
    })
    await appendTickets(2)
    await running

    const log = await wholeLog()
    expect(log).toHaveLength(32)
    expect(resumed[0]).toBe(log[6]?.id)
    expect([...seen, ...resumed]).toEqual(log.map((event) => event.id))
    expect(checkpoint.position).toBe(log.at(-1)?.id)
  })

  it('saves the last handled event when a per-event subscription is stopped mid-batch, so resuming repeats nothing', async () => {
    await appendTickets(3)
    const log = await wholeLog()
    const checkpoint = memoryCheckpoint()
    const seen: string[] = []
    const firstRun = new AbortController()
    await subscribe({
      service,
      checkpoint,
      batchSize: 4,
      pollIntervalMs: 1,
      signal: firstRun.signal,
      handler: (event) => {
        seen.push(event.id)
        if (seen.length === 6) firstRun.abort()
      },
    })
    expect(checkpoint.position).toBe(log[5]?.id)

    const secondRun = new AbortController()
    await subscribe({
      service,
      checkpoint,
      batchSize: 4,
      pollIntervalMs: 1,
      signal: secondRun.signal,
      handler: (event) => {
        seen.push(event.id)
        if (seen.length === log.length) secondRun.abort()
      },
    })
    expect(seen).toEqual(log.map((event) => event.id))
  })

  it('prefers a saved checkpoint over afterId', async () => {
    await appendTickets(2)
    const log = await wholeLog()
    const controller = new AbortController()
    const seen: string[] = []
    await subscribe({
      service,
      afterId: log[0]?.id as string,
      checkpoint: memoryCheckpoint(log[5]?.id ?? null),
      pollIntervalMs: 1,
      signal: controller.signal,
      handler: (event) => {
        seen.push(event.id)
        if (event.id === log.at(-1)?.id) controller.abort()
      },
    })
    expect(seen).toEqual(log.slice(6).map((event) => event.id))
  })

  it('retries a failing batch handler with the same batch until it succeeds', async () => {
    await appendTickets(2)
    const log = await wholeLog()
    const controller = new AbortController()
    const calls: { ids: string[]; attempt: number }[] = []
    const failures: unknown[] = []
    const handled: string[] = []
    await subscribe({
      service,
      batch: true,
      batchSize: 3,
      pollIntervalMs: 1,
      retry: fastRetry,
      signal: controller.signal,
      onError: (_error, failure) => failures.push(failure),
      handler: (events, { attempt }) => {
        calls.push({ ids: events.map((event) => event.id), attempt })
        if (calls.length === 2 || calls.length === 3) throw new Error('downstream unavailable')
        handled.push(...events.map((event) => event.id))
        if (handled.length === log.length) controller.abort()
      },
    })
    expect(calls[1]?.ids).toEqual(log.slice(3, 6).map((event) => event.id))
    expect(calls[2]).toEqual({ ids: calls[1]?.ids, attempt: 2 })
    expect(calls[3]).toEqual({ ids: calls[1]?.ids, attempt: 3 })
    expect(failures).toEqual([
      expect.objectContaining({ stage: 'handler', attempt: 1, willRetry: true }),
      expect.objectContaining({ stage: 'handler', attempt: 2, willRetry: true }),
    ])
    expect(handled).toEqual(log.map((event) => event.id))
  })

  it('retries a failing event handler from the failing event, not redelivering the ones before it', async () => {
    await appendTickets(1)
    const log = await wholeLog()
    const controller = new AbortController()
    const calls: string[] = []
    let failed = false
    await subscribe({
      service,
      pollIntervalMs: 1,
      retry: fastRetry,
      signal: controller.signal,
      handler: (event) => {
        calls.push(event.id)
        if (event.id === log[2]?.id && !failed) {
          failed = true
          throw new Error('flaky')
        }
        if (event.id === log.at(-1)?.id) controller.abort()
      },
    })
    const ids = log.map((event) => event.id)
    expect(calls).toEqual([ids[0], ids[1], ids[2], ids[2], ids[3]])
  })

  it('gives up after maxAttempts, rejects with the handler’s error, and keeps the position before the failing batch', async () => {
    await appendTickets(2)
    const log = await wholeLog()
    const checkpoint = memoryCheckpoint()
    let calls = 0
    const failure = new Error('poison batch')
    const running = subscribe({
      service,
      checkpoint,
      batch: true,
      batchSize: 4,
      pollIntervalMs: 1,
      retry: { ...fastRetry, maxAttempts: 3 },
      signal: new AbortController().signal,
      handler: () => {
        if (++calls > 1) throw failure
      },
    })
    await expect(running).rejects.toBe(failure)
    expect(calls).toBe(4)
    expect(checkpoint.position).toBe(log[3]?.id)
  })

  it('accepts maxAttempts: Infinity and keeps retrying past the default ten attempts', async () => {
    await appendTickets(1)
    const controller = new AbortController()
    let calls = 0
    await subscribe({
      service,
      batch: true,
      pollIntervalMs: 1,
      retry: { initialDelayMs: 0, maxDelayMs: 0, maxAttempts: Number.POSITIVE_INFINITY },
      signal: controller.signal,
      handler: () => {
        if (++calls <= 25) throw new Error('not yet')
        controller.abort()
      },
    })
    expect(calls).toBe(26)
  })

  it('waits no longer than maxDelayMs, and a finite time, however many attempts failed', () => {
    for (const initialDelayMs of [0, 1, 100]) {
      const policy = toRetryPolicy({ initialDelayMs, maxDelayMs: 30_000, factor: 100, jitter: 0 })
      for (const failures of [1, 10, 1_000, 100_000]) {
        const delay = retryDelay(policy, failures)
        expect(Number.isFinite(delay), `${initialDelayMs} ms after ${failures} failures`).toBe(true)
        expect(delay).toBe(initialDelayMs === 0 ? 0 : Math.min(30_000, initialDelayMs * 100 ** (failures - 1)))
      }
    }
  })

  it.each([
    ['a fractional maxAttempts', { maxAttempts: 2.5 }],
    ['maxAttempts 0', { maxAttempts: 0 }],
    ['maxAttempts -Infinity', { maxAttempts: Number.NEGATIVE_INFINITY }],
    ['maxAttempts NaN', { maxAttempts: Number.NaN }],
  ])('refuses %s', async (_, retry) => {
    const running = subscribe({ service, retry, signal: new AbortController().signal, handler: () => {} })
    await expect(running).rejects.toMatchObject({
      code: 'VALIDATION',
      issues: [expect.objectContaining({ path: ['retry', 'maxAttempts'], message: 'Expected a whole number of at least 1, or Infinity' })],
    })
  })

  it.each([
    ['U+0000', 'ticket:created\u0000'],
    ['a control character', 'ticket:created\n'],
    ['a lone surrogate', 'ticket:\ud800'],
  ])('refuses a type filter with %s, like the events query does', async (_, type) => {
    const running = subscribe({ service, types: [type], signal: new AbortController().signal, handler: () => {} })
    await expect(running).rejects.toMatchObject({ code: 'VALIDATION', issues: [expect.objectContaining({ path: ['types', 0] })] })
  })

  it('filters by one type in the query and by several types client-side, moving past skipped events', async () => {
    await appendTickets(2)
    const log = await wholeLog()
    const run = async (types: string[]) => {
      const controller = new AbortController()
      const checkpoint = memoryCheckpoint()
      const seen: string[] = []
      const queried: unknown[] = []
      const spying = {
        events: (query?: EventsQuery) => {
          queried.push(query)
          return service.events(query)
        },
      }
      const wanted = log.filter((event) => types.includes(event.type))
      await subscribe({
        service: spying,
        types,
        checkpoint,
        batchSize: 3,
        pollIntervalMs: 1,
        signal: controller.signal,
        handler: (event) => {
          seen.push(event.type)
          if (seen.length === wanted.length) controller.abort()
        },
      })
      return { seen, queried, position: checkpoint.position, wanted }
    }

    const single = await run(['ticket:assigned'])
    expect(single.seen).toEqual(['ticket:assigned', 'ticket:assigned'])
    expect(single.queried[0]).toMatchObject({ type: 'ticket:assigned' })

    const several = await run(['ticket:created', 'ticket:status:changed'])
    expect(several.seen).toEqual(several.wanted.map((event) => event.type))
    expect(several.seen).toEqual(['ticket:created', 'ticket:status:changed', 'ticket:created', 'ticket:status:changed'])
    expect(several.queried[0]).not.toHaveProperty('type')
    // The last wanted event is the 7th of 8; its page (events 7–8) is saved whole.
    expect(several.position).toBe(log.at(-1)?.id)
  })

  it('reads only the given workspace’s events', async () => {
    await appendTickets(1)
    await appendTickets(1, OTHER_WORKSPACE)
    const controller = new AbortController()
    const workspaces = new Set<string>()
    let count = 0
    await subscribe({
      service,
      workspaceId: OTHER_WORKSPACE,
      pollIntervalMs: 1,
      signal: controller.signal,
      handler: (event) => {
        workspaces.add(event.workspaceId)
        if (++count === 4) controller.abort()
      },
    })
    expect([...workspaces]).toEqual([OTHER_WORKSPACE])
  })

  it('polls while caught up and leaves no timer behind once aborted', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] })
    const reads: unknown[] = []
    const controller = new AbortController()
    const running = subscribe({
      service: {
        events: (query?: EventsQuery) => {
          reads.push(query)
          return service.events(query)
        },
      },
      pollIntervalMs: 1000,
      signal: controller.signal,
      handler: () => {},
    })
    await vi.advanceTimersByTimeAsync(3500)
    expect(reads).toHaveLength(4)
    expect(vi.getTimerCount()).toBe(1)
    controller.abort()
    await expect(running).resolves.toEqual({ afterId: null, delivered: 0 })
    expect(vi.getTimerCount()).toBe(0)
  })

  it('does not retry an afterId the log does not know', async () => {
    let reads = 0
    const running = subscribe({
      service: {
        events: (query?: EventsQuery) => {
          reads++
          return service.events(query)
        },
      },
      afterId: '01HWTCTT509VV8X9XYGPTR5N8Q',
      retry: fastRetry,
      signal: new AbortController().signal,
      handler: () => {},
    })
    await expect(running).rejects.toMatchObject({ code: 'VALIDATION' })
    expect(reads).toBe(1)
  })

  it('takes retry.maxAttempts: Infinity, as documented, and refuses fractions and zero', async () => {
    const controller = new AbortController()
    controller.abort()
    const endless = subscribe({ service, retry: { maxAttempts: Number.POSITIVE_INFINITY }, signal: controller.signal, handler: () => {} })
    await expect(endless).resolves.toEqual({ afterId: null, delivered: 0 })
    for (const maxAttempts of [0, 1.5, Number.NEGATIVE_INFINITY]) {
      const running = subscribe({ service, retry: { maxAttempts }, signal: controller.signal, handler: () => {} })
      await expect(running).rejects.toMatchObject({
        code: 'VALIDATION',
        issues: [expect.objectContaining({ path: ['retry', 'maxAttempts'] })],
      })
    }
  })

  it('rejects malformed options with a VALIDATION error naming the paths', async () => {
    const running = subscribe({
      service,
      batchSize: 5000,
      types: [],
      retry: { jitter: 2 },
      signal: new AbortController().signal,
      handler: () => {},
    })
    await expect(running).rejects.toMatchObject({
      code: 'VALIDATION',
      issues: expect.arrayContaining([
        expect.objectContaining({ path: ['batchSize'] }),
        expect.objectContaining({ path: ['types'] }),
        expect.objectContaining({ path: ['retry', 'jitter'] }),
      ]),
    })
  })
})
