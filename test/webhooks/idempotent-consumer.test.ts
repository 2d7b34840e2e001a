import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { isTicketError } from '../../src/index.js'
import {
  createIdempotentConsumer,
  type IdempotentConsumerOptions,
  MAX_DEDUPE_WINDOW_MS,
  memoryDedupeStore,
  toWebhook,
  type WebhookPayload,
} from '../../src/webhooks/index.js'
import { rejectionOf as rejection } from '../support/core-fixtures.js'
import { type DedupeBackend, memoryBackend, postgresBackend, sqliteBackend } from './support/dedupe-stores.js'
import { ALICE, COMMENT, createCommand, run } from './support/tickets.js'

const HOUR = 60 * 60 * 1000

/** Real deliveries: every event of a create, a takeover and a comment, rendered by toWebhook. */
function deliveries(): WebhookPayload[] {
  const { steps } = run(
    createCommand(),
    { type: 'takeover', assigneeId: ALICE },
    { type: 'addComment', commentId: COMMENT, body: 'Looking into it', public: true, authorId: ALICE },
  )
  return steps.flatMap((step) => step.events.map((event) => toWebhook(event, { ticket: step.after, previousTicket: step.before })))
}

/** A clock tests can move. */
function movableClock(start = Date.parse('2024-05-01T09:00:00.000Z')) {
  let time = start
  return { now: () => new Date(time), advance: (ms: number) => (time += ms) }
}

/** A promise with its resolve and reject exposed, to hold a handler mid-flight. */
function gate() {
  let open!: () => void
  let fail!: (error: Error) => void
  const promise = new Promise<void>((resolve, reject) => {
    open = resolve
    fail = reject
  })
  promise.catch(() => {}) // a failure is observed by whoever awaits the gate, not reported as unhandled
  return { promise, open, fail }
}

const backends: [string, () => DedupeBackend | Promise<DedupeBackend>][] = [
  ['memory', memoryBackend],
  ['SQLite', () => sqliteBackend()],
  ['SQLite, a driver whose get() answers null for no row (as bun:sqlite)', () => sqliteBackend({ nullRows: true })],
  ['PostgreSQL', () => postgresBackend('consumer')],
]

describe.each(backends)('idempotent consumer on %s', (_label, makeBackend) => {
  let backend: DedupeBackend
  beforeAll(async () => {
    backend = await makeBackend()
  })
  afterAll(async () => {
    await backend?.close()
  })

  // Each test uses its own deliveries (fresh ULIDs), so tests sharing the store don't interfere.
  const consumer = (
    handler: IdempotentConsumerOptions<WebhookPayload>['handler'],
    options: Partial<IdempotentConsumerOptions<WebhookPayload>> = {},
  ) => createIdempotentConsumer<WebhookPayload>({ store: backend.open(), handler, ...options })

  it('runs the handler for a new delivery and reports the repeat as a duplicate', async () => {
    const [delivery] = deliveries()
    const seen: string[] = []
    const receiver = consumer((payload) => {
      seen.push(payload.type)
    })
    await expect(receiver.consume(delivery!)).resolves.toEqual({ status: 'processed' })
    await expect(receiver.consume(delivery!)).resolves.toEqual({ status: 'duplicate' })
    expect(seen).toEqual(['ticket:created'])
  })

  it('runs the handler once for each distinct event', async () => {
    const all = deliveries()
    const seen: string[] = []
    const receiver = consumer((payload) => {
      seen.push(payload.eventId)
    })
    for (const delivery of [...all, ...all]) await receiver.consume(delivery)
    expect(seen).toEqual(all.map((delivery) => delivery.eventId))
  })

  it('runs the handler once when the same delivery arrives 50 times at once', async () => {
    const [delivery] = deliveries()
    let runs = 0
    const receiver = consumer(async () => {
      runs++
      await new Promise((resolve) => setTimeout(resolve, 20))
    })
    const results = await Promise.all(Array.from({ length: 50 }, () => receiver.consume(delivery!)))
    expect(runs).toBe(1)
    expect(results.filter((result) => result.status === 'processed')).toHaveLength(1)
    expect(results.filter((result) => result.status === 'duplicate')).toHaveLength(49)
  })

  it('runs the handler once across consumers that share the store', async () => {
    const [delivery] = deliveries()
    let runs = 0
    const started = gate()
    const held = gate()
    const handler = async () => {
      runs++
      started.open()
      await held.promise
    }
    const first = consumer(handler)
    const second = consumer(handler)
    const processing = first.consume(delivery!)
    await started.promise // the first consumer holds the claim and is inside the handler
    const busy = await rejection(second.consume(delivery!))
    expect(busy.code).toBe('CONCURRENCY')
    expect(busy.details).toEqual({ eventId: delivery!.eventId })
    expect(busy.retryable).toBe(true)
    held.open()
    await expect(processing).resolves.toEqual({ status: 'processed' })
    await expect(second.consume(delivery!)).resolves.toEqual({ status: 'duplicate' })
    expect(runs).toBe(1)
  })

  it('releases the claim when the handler throws, so a retry runs it', async () => {
    const [delivery] = deliveries()
    let attempts = 0
    const receiver = consumer(() => {
      attempts++
      if (attempts === 1) throw new Error('downstream unavailable')
    })
    await expect(receiver.consume(delivery!)).rejects.toThrow('downstream unavailable')
    await expect(receiver.consume(delivery!)).resolves.toEqual({ status: 'processed' })
    await expect(receiver.consume(delivery!)).resolves.toEqual({ status: 'duplicate' })
    expect(attempts).toBe(2)
  })

  it('shares a failure with the concurrent duplicates, then lets a retry run the handler', async () => {
    const [delivery] = deliveries()
    let attempts = 0
    const started = gate()
    const held = gate()
    const receiver = consumer(async () => {
      attempts++
      started.open()
      if (attempts === 1) await held.promise
    })
    const concurrent = Array.from({ length: 10 }, () => receiver.consume(delivery!))
    await started.promise
    held.fail(new Error('handler crashed'))
    const settled = await Promise.allSettled(concurrent)
    expect(settled.every((result) => result.status === 'rejected')).toBe(true)
    expect(attempts).toBe(1)
    await expect(receiver.consume(delivery!)).resolves.toEqual({ status: 'processed' })
    expect(attempts).toBe(2)
  })

  it('forgets a processed id once the window has passed', async () => {
    const [delivery] = deliveries()
    const clock = movableClock()
    let runs = 0
    const receiver = consumer(
      () => {
        runs++
      },
      { now: clock.now, windowMs: 24 * HOUR },
    )
    await receiver.consume(delivery!)
    clock.advance(24 * HOUR - 1)
    await expect(receiver.consume(delivery!)).resolves.toEqual({ status: 'duplicate' })
    clock.advance(1)
    await expect(receiver.consume(delivery!)).resolves.toEqual({ status: 'processed' })
    expect(runs).toBe(2)
  })

  it('prunes expired ids from the store', async () => {
    const clock = movableClock(Date.parse('2030-01-01T00:00:00.000Z'))
    const all = deliveries()
    const receiver = consumer(() => {}, { now: clock.now })
    for (const delivery of all) await receiver.consume(delivery)
    clock.advance(MAX_DEDUPE_WINDOW_MS)
    // Everything this test processed has expired (earlier tests' ids expired long before 2030).
    expect(await receiver.prune()).toBeGreaterThanOrEqual(all.length)
    expect(await receiver.prune()).toBe(0)
  })

  it('lets another consumer take over a claim whose lease ran out', async () => {
    const [delivery] = deliveries()
    const clock = movableClock()
    const store = backend.open()
    await store.migrate()
    // A consumer that claimed the id and then crashed: never completed, never released.
    const start = clock.now().getTime()
    await expect(store.claim({ eventId: delivery!.eventId, token: 'crashed', now: start, leaseUntil: start + 60_000 })).resolves.toBe(
      'claimed',
    )
    let runs = 0
    const receiver = consumer(
      () => {
        runs++
      },
      { now: clock.now, leaseMs: 60_000 },
    )
    expect((await rejection(receiver.consume(delivery!))).code).toBe('CONCURRENCY')
    clock.advance(60_000)
    await expect(receiver.consume(delivery!)).resolves.toEqual({ status: 'processed' })
    expect(runs).toBe(1)
  })

  it('migrates idempotently', async () => {
    const store = backend.open()
    await store.migrate()
    await store.migrate()
    const [delivery] = deliveries()
    await expect(consumer(() => {}).consume(delivery!)).resolves.toEqual({ status: 'processed' })
  })
})

describe('idempotent consumer options', () => {
  const handler = () => {}

  it('accepts windows from 24 h to 48 h and rejects others unless allowed', () => {
    const store = memoryDedupeStore()
    expect(() => createIdempotentConsumer({ store, handler, windowMs: 24 * HOUR })).not.toThrow()
    expect(() => createIdempotentConsumer({ store, handler, windowMs: 48 * HOUR })).not.toThrow()
    for (const windowMs of [24 * HOUR - 1, 48 * HOUR + 1, HOUR]) {
      let error: unknown
      try {
        createIdempotentConsumer({ store, handler, windowMs })
      } catch (caught) {
        error = caught
      }
      expect(isTicketError(error) && error.code).toBe('VALIDATION')
      expect(isTicketError(error) && error.issues[0]?.path).toEqual(['windowMs'])
    }
    expect(() => createIdempotentConsumer({ store, handler, windowMs: HOUR, allowAnyWindow: true })).not.toThrow()
  })

  it('rejects a missing store or handler', () => {
    const bad = [{ handler }, { store: memoryDedupeStore() }, { store: {}, handler }]
    for (const options of bad) {
      let error: unknown
      try {
        createIdempotentConsumer(options as unknown as IdempotentConsumerOptions<WebhookPayload>)
      } catch (caught) {
        error = caught
      }
      expect(isTicketError(error) && error.code).toBe('VALIDATION')
    }
  })

  it('rejects a delivery without an eventId and runs nothing', async () => {
    let runs = 0
    const receiver = createIdempotentConsumer<{ eventId: string }>({ store: memoryDedupeStore(), handler: () => runs++ })
    const error = await rejection(receiver.consume({ id: 'x' } as unknown as { eventId: string }))
    expect(error.code).toBe('VALIDATION')
    expect(error.issues[0]?.path).toEqual(['eventId'])
    expect(runs).toBe(0)
  })
})
