import { SpanStatusCode } from '@opentelemetry/api'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { TicketError } from '../../src/index.js'
import type { AppendInfo, RetryInfo } from '../../src/instrumentation/index.js'
import { createTicketService } from '../../src/service/index.js'
import { memoryStore } from '../../src/stores/memory/index.js'
import { sqliteStore } from '../../src/stores/sqlite/index.js'
import { ALICE, commentCommand, createCommand, instrument, rejectionOf, TICKET, uuid, WORKSPACE } from '../service/service-fixtures.js'
import { type OpenTelemetryHarness, openTelemetry, parentOf } from '../support/open-telemetry.js'

let otel: OpenTelemetryHarness
beforeEach(() => {
  otel = openTelemetry()
})
afterEach(async () => {
  await otel.shutdown()
})

const instrumentation = () => ({ tracer: otel.tracer, meter: otel.meter })

describe('the ticket service with OpenTelemetry', () => {
  it('traces execute as a span whose children are load, decide and append, on a real SQLite store', async () => {
    const tickets = createTicketService({ store: sqliteStore({ filename: ':memory:' }), instrumentation: instrumentation() })

    await tickets.execute(TICKET, createCommand())
    await tickets.close()

    const [execute] = otel.spansNamed('ticket_events.execute')
    expect(execute?.attributes).toMatchObject({
      'ticket_events.store': 'sqlite',
      'ticket_events.ticket.id': TICKET,
      'ticket_events.command.type': 'create',
      'ticket_events.ticket.version': 1,
    })
    expect(execute?.status.code).toBe(SpanStatusCode.UNSET)
    const children = otel.spans().filter((span) => parentOf(span) === execute?.spanContext().spanId)
    expect(children.map((span) => span.name)).toEqual([
      'ticket_events.execute.load',
      'ticket_events.execute.decide',
      'ticket_events.execute.append',
    ])
    expect(otel.spansNamed('ticket_events.execute.decide')[0]?.attributes).toMatchObject({
      'ticket_events.decision': 'append',
      'ticket_events.cached_state': false,
    })
    expect(otel.spansNamed('ticket_events.execute.append')[0]?.attributes['ticket_events.events.count']).toBeGreaterThan(0)
  })

  it("nests execute under the caller's active span", async () => {
    const tickets = createTicketService({ store: memoryStore(), instrumentation: instrumentation() })

    await otel.tracer.startActiveSpan('POST /tickets', async (request) => {
      await tickets.execute(TICKET, createCommand())
      request.end()
    })

    const [request] = otel.spansNamed('POST /tickets')
    const [execute] = otel.spansNamed('ticket_events.execute')
    expect(parentOf(execute!)).toBe(request?.spanContext().spanId)
    expect(execute?.spanContext().traceId).toBe(request?.spanContext().traceId)
  })

  it('counts a cache hit when a command is decided on the cached state, and skips the load span then', async () => {
    const tickets = createTicketService({ store: memoryStore(), instrumentation: instrumentation() })
    await tickets.execute(TICKET, createCommand())

    await tickets.execute(TICKET, { type: 'takeover', assigneeId: ALICE })

    expect(await otel.counted('ticket_events.cache.misses')).toBe(1)
    expect(await otel.counted('ticket_events.cache.hits')).toBe(1)
    expect(otel.spansNamed('ticket_events.execute.load')).toHaveLength(1)
    expect(otel.spansNamed('ticket_events.execute.decide').map((span) => span.attributes['ticket_events.cached_state'])).toEqual([
      false,
      true,
    ])
  })

  it('counts a conflict and a retry, and traces the second attempt under the same execute span', async () => {
    const shared = memoryStore()
    const rival = createTicketService({ store: shared })
    let conflicts = 1
    const { store } = instrument(shared, {
      beforeAppend: async (batch) => {
        if (batch.expectedVersion > 0 && conflicts-- > 0) await rival.execute(TICKET, { type: 'tag', tagId: uuid(7, 1) })
      },
    })
    const retries: RetryInfo[] = []
    const tickets = createTicketService({ store, instrumentation: { ...instrumentation(), onRetry: (info) => retries.push(info) } })
    await tickets.execute(TICKET, createCommand())

    await tickets.execute(TICKET, { type: 'takeover', assigneeId: ALICE })

    expect(await otel.counted('ticket_events.conflicts')).toBe(1)
    expect(await otel.points('ticket_events.retries')).toMatchObject([
      { attributes: { 'ticket_events.operation': 'execute', 'ticket_events.retry.reason': 'conflict' }, value: 1 },
    ])
    expect(retries).toMatchObject([{ operation: 'execute', ticketId: TICKET, commandType: 'takeover', reason: 'conflict', retry: 1 }])
    expect(retries[0]?.error.code).toBe('CONCURRENCY')
    const takeover = otel.spansNamed('ticket_events.execute').find((span) => span.attributes['ticket_events.command.type'] === 'takeover')
    expect(takeover?.attributes['ticket_events.retries']).toBe(1)
    const appends = otel.spansNamed('ticket_events.execute.append').filter((span) => parentOf(span) === takeover?.spanContext().spanId)
    expect(appends.map((span) => span.status.code)).toEqual([SpanStatusCode.ERROR, SpanStatusCode.UNSET])
    expect(appends[0]?.attributes['error.type']).toBe('CONCURRENCY')
  })

  it('marks the execute span of a rejected command as an error with its code', async () => {
    const tickets = createTicketService({ store: memoryStore(), instrumentation: instrumentation() })

    const error = await rejectionOf(tickets.execute(TICKET, { type: 'takeover', assigneeId: ALICE }))

    const [execute] = otel.spansNamed('ticket_events.execute')
    expect(execute?.status).toEqual({ code: SpanStatusCode.ERROR, message: error.message })
    expect(execute?.attributes['error.type']).toBe(error.code)
    expect(execute?.events.map((event) => event.name)).toEqual(['exception'])
  })

  it('traces load, events and list, and counts their retries while the store is unavailable', async () => {
    let failures = 1
    const { store } = instrument(memoryStore(), {
      beforeRead: async () => {
        if (failures-- > 0) throw new TicketError('UNAVAILABLE', 'The store is restarting.', { retryable: true })
      },
    })
    const retries: RetryInfo[] = []
    const tickets = createTicketService({
      store,
      unavailableRetry: { initialDelayMs: 1, maxDelayMs: 2 },
      instrumentation: { ...instrumentation(), onRetry: (info) => retries.push(info) },
    })
    await tickets.execute(TICKET, createCommand())

    await tickets.list({ workspaceId: WORKSPACE })
    await tickets.events()
    await tickets.load(TICKET)

    expect(otel.spans().map((span) => span.name)).toEqual(
      expect.arrayContaining(['ticket_events.list', 'ticket_events.events', 'ticket_events.load']),
    )
    expect(retries).toMatchObject([{ operation: 'list', reason: 'unavailable', retry: 1 }])
    expect(await otel.points('ticket_events.retries')).toMatchObject([
      { attributes: { 'ticket_events.operation': 'list', 'ticket_events.retry.reason': 'unavailable' }, value: 1 },
    ])
  })
})

describe('the ticket service with plain hooks', () => {
  it('tells onAppend what each append stored, and nothing for a no-op or a repeated command id', async () => {
    const appends: AppendInfo[] = []
    const tickets = createTicketService({ store: memoryStore(), instrumentation: { onAppend: (info) => appends.push(info) } })

    const created = await tickets.execute(TICKET, createCommand())
    const commented = await tickets.execute(TICKET, commentCommand('Hello', 'comment-1'))
    await tickets.execute(TICKET, commentCommand('Hello', 'comment-1'))
    const tagged = await tickets.execute(TICKET, { type: 'tag', tagId: uuid(7, 1) })
    await tickets.execute(TICKET, { type: 'tag', tagId: uuid(7, 1) })

    expect(appends.map(({ commandType, version }) => ({ commandType, version }))).toEqual([
      { commandType: 'create', version: created.state.version },
      { commandType: 'addComment', version: commented.state.version },
      { commandType: 'tag', version: tagged.state.version },
    ])
    expect(appends[0]).toMatchObject({ ticketId: TICKET, workspaceId: WORKSPACE, events: created.events })
    expect(appends.every((append) => append.durationMs >= 0)).toBe(true)
  })

  it('ignores a hook that throws: telemetry never fails a command', async () => {
    const tickets = createTicketService({
      store: memoryStore(),
      instrumentation: {
        onAppend: () => {
          throw new Error('the log shipper is down')
        },
      },
    })

    const result = await tickets.execute(TICKET, createCommand())

    expect((await tickets.load(TICKET))?.version).toBe(result.state.version)
  })

  it('refuses malformed instrumentation with VALIDATION, naming the path', async () => {
    const attempts = [
      { tracer: { startSpan: () => undefined } },
      { meter: { createCounter: () => undefined } },
      { onRetry: 'log' },
      { onRetri: () => undefined },
    ]
    for (const instrumentation of attempts) {
      const error = await rejectionOf(
        (async () => createTicketService({ store: memoryStore(), instrumentation: instrumentation as never }))(),
      )
      expect(error.code).toBe('VALIDATION')
      expect(error.issues?.[0]?.path[0]).toBe('instrumentation')
    }
  })
})
