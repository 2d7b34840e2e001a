import { jetstreamManager } from '@nats-io/jetstream'
import type { NatsConnection } from '@nats-io/nats-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createTicketService, isTicketError, memoryCheckpoint, type TicketError, type TicketEvent } from '../../src/index.js'
import {
  type RelayFailure,
  type RelayToJetStreamOptions,
  relayToJetStream,
  TICKET_EVENT_HEADERS,
  ticketPartition,
  ticketSubject,
} from '../../src/nats/index.js'
import { memoryStore } from '../../src/stores/memory/index.js'
import { rejectionOf } from '../support/core-fixtures.js'
import { createNatsTestServer, eventually, NATS_SKIP_REASON, readStream, streamCount } from '../support/nats.js'
import { byTicket, fillLog, fixtureTicket, readLog } from './nats-fixtures.js'

if (NATS_SKIP_REASON) console.warn(NATS_SKIP_REASON)

/** A fast retry policy for tests: failures come back within tens of milliseconds. */
const FAST_RETRY = { initialDelayMs: 10, maxDelayMs: 50 } as const

describe.skipIf(NATS_SKIP_REASON !== undefined)('relayToJetStream', () => {
  const server = createNatsTestServer()
  let nats: NatsConnection
  beforeAll(async () => {
    nats = await server.connect()
  })
  afterAll(() => server.dispose())

  async function filledService(tickets: number, comments: number) {
    const service = createTicketService({ store: memoryStore() })
    await fillLog(service, tickets, comments)
    return { service, log: await readLog(service) }
  }

  /** Runs a relay until its checkpoint reaches the end of `log`, then stops it. */
  async function relayAll(options: Omit<RelayToJetStreamOptions, 'checkpoint'>, log: readonly TicketEvent[]) {
    const checkpoint = memoryCheckpoint()
    const controller = new AbortController()
    const running = relayToJetStream({ pollIntervalMs: 20, ...options, checkpoint }).run(controller.signal)
    const lastId = log.at(-1)?.id
    await Promise.race([eventually(() => checkpoint.position === lastId, 'the checkpoint to reach the last event'), running])
    controller.abort()
    return { result: await running, checkpoint }
  }

  it('publishes every event once, with its subject, headers and Nats-Msg-Id, in log order per ticket', async () => {
    const { stream, subjectPrefix } = await server.createStream()
    const { service, log } = await filledService(12, 6)
    const { result, checkpoint } = await relayAll({ service, nats, stream, subjectPrefix }, log)

    expect(result).toEqual({ afterId: log.at(-1)?.id, published: log.length, duplicates: 0 })
    expect(checkpoint.position).toBe(log.at(-1)?.id)
    const messages = await readStream(nats, stream)
    expect(messages).toHaveLength(log.length)
    const received = messages.map((message) => JSON.parse(message.body) as TicketEvent)
    // Every event exactly once; each ticket's events in log order.
    expect(new Set(received.map((event) => event.id)).size).toBe(log.length)
    expect(byTicket(received)).toEqual(byTicket(log))
    for (const message of messages) {
      const event = JSON.parse(message.body) as TicketEvent
      expect(message.subject).toBe(ticketSubject(event, { prefix: subjectPrefix }))
      expect(message.subject).toBe(`${subjectPrefix}.${event.workspaceId}.${event.type.replaceAll(':', '.')}`)
      expect(message.headers).toMatchObject({
        'Nats-Msg-Id': event.id,
        [TICKET_EVENT_HEADERS.type]: event.type,
        [TICKET_EVENT_HEADERS.ticket]: event.ticketId,
        [TICKET_EVENT_HEADERS.workspace]: event.workspaceId,
        [TICKET_EVENT_HEADERS.version]: String(event.version),
      })
      expect(message.headers[TICKET_EVENT_HEADERS.partition]).toBeUndefined()
    }
  })

  it('republishes nothing on a second run from the start: JetStream drops each event as a duplicate', async () => {
    const { stream, subjectPrefix } = await server.createStream()
    const { service, log } = await filledService(5, 3)
    await relayAll({ service, nats, stream, subjectPrefix }, log)
    const again = await relayAll({ service, nats, stream, subjectPrefix }, log)
    expect(again.result).toEqual({ afterId: log.at(-1)?.id, published: 0, duplicates: log.length })
    expect(await streamCount(nats, stream)).toBe(log.length)
  })

  it('resumes after its checkpoint: only the events appended since are published', async () => {
    const { stream, subjectPrefix } = await server.createStream()
    const service = createTicketService({ store: memoryStore() })
    await fillLog(service, 4, 2)
    const checkpoint = memoryCheckpoint()
    const first = new AbortController()
    const firstRun = relayToJetStream({ service, nats, stream, subjectPrefix, checkpoint, pollIntervalMs: 20 }).run(first.signal)
    const before = await readLog(service)
    await eventually(() => checkpoint.position === before.at(-1)?.id, 'the first run to catch up')
    first.abort()
    await firstRun

    await service.execute(fixtureTicket(0), { type: 'complete', userId: fixtureTicket(99) })
    const after = await readLog(service)
    const second = new AbortController()
    const secondRun = relayToJetStream({ service, nats, stream, subjectPrefix, checkpoint, pollIntervalMs: 20 }).run(second.signal)
    await eventually(() => checkpoint.position === after.at(-1)?.id, 'the second run to catch up')
    second.abort()
    expect(await secondRun).toEqual({ afterId: after.at(-1)?.id, published: after.length - before.length, duplicates: 0 })
    expect(await streamCount(nats, stream)).toBe(after.length)
  })

  it('puts the partition of each ticket in its subject and headers when run with partitions', async () => {
    const { stream, subjectPrefix } = await server.createStream()
    const { service, log } = await filledService(10, 1)
    await relayAll({ service, nats, stream, subjectPrefix, partitions: 4 }, log)
    const messages = await readStream(nats, stream)
    expect(messages).toHaveLength(log.length)
    const partitionsSeen = new Set<number>()
    for (const message of messages) {
      const event = JSON.parse(message.body) as TicketEvent
      const partition = ticketPartition(event.ticketId, 4)
      partitionsSeen.add(partition)
      expect(message.subject).toBe(`${subjectPrefix}.${event.workspaceId}.${partition}.${event.type.replaceAll(':', '.')}`)
      expect(message.headers[TICKET_EVENT_HEADERS.partition]).toBe(String(partition))
    }
    expect(partitionsSeen.size).toBeGreaterThan(1)
  })

  it('keeps the checkpoint before an event whose publish keeps failing, holds back that ticket, and lets other tickets through', async () => {
    const { stream, subjectPrefix } = await server.createStream()
    const { service, log } = await filledService(6, 2)
    const blocked = fixtureTicket(2)
    // The blocked ticket's events go to a subject no stream captures yet: each publish fails (no responders).
    const blockedPrefix = `${subjectPrefix}_held`
    const subject = (event: TicketEvent) =>
      event.ticketId === blocked ? ticketSubject(event, { prefix: blockedPrefix }) : ticketSubject(event, { prefix: subjectPrefix })
    const failures: RelayFailure[] = []
    const checkpoint = memoryCheckpoint()
    const controller = new AbortController()
    const running = relayToJetStream({
      service,
      nats,
      stream,
      subject,
      checkpoint,
      pollIntervalMs: 20,
      publishTimeoutMs: 1000,
      retry: FAST_RETRY,
      onError: (_error, failure) => failures.push(failure),
    }).run(controller.signal)

    const others = log.filter((event) => event.ticketId !== blocked)
    await eventually(async () => (await streamCount(nats, stream)) === others.length, 'every other ticket to be published')
    const firstBlocked = log.findIndex((event) => event.ticketId === blocked)
    // Acknowledged events after the blocked one do not move the checkpoint past it.
    expect(checkpoint.position).toBe(firstBlocked === 0 ? null : log[firstBlocked - 1]?.id)
    const firstBlockedId = log[firstBlocked]?.id
    expect(failures.some((failure) => failure.stage === 'publish' && failure.willRetry && failure.eventId === firstBlockedId)).toBe(true)
    // Only the ticket's first event was tried: its later ones wait for it.
    const blockedIds = new Set(log.filter((event) => event.ticketId === blocked).map((event) => event.id))
    expect(
      failures.filter((failure) => failure.eventId !== undefined && failure.eventId !== firstBlockedId && blockedIds.has(failure.eventId)),
    ).toEqual([])

    // The stream starts capturing the subject: the retries get through, the checkpoint reaches the end.
    const manager = await jetstreamManager(nats)
    const info = await manager.streams.info(stream)
    await manager.streams.update(stream, { subjects: [...info.config.subjects, `${blockedPrefix}.>`] })
    await eventually(() => checkpoint.position === log.at(-1)?.id, 'the checkpoint to reach the last event')
    controller.abort()
    expect(await running).toMatchObject({ afterId: log.at(-1)?.id, published: log.length })
    const stored = (await readStream(nats, stream)).map((message) => JSON.parse(message.body) as TicketEvent)
    expect(byTicket(stored).get(blocked)).toEqual(log.filter((event) => event.ticketId === blocked))
  })

  it('ends cleanly on abort while a publish is being retried, keeping the checkpoint before it', async () => {
    const { stream, subjectPrefix } = await server.createStream()
    const { service, log } = await filledService(2, 1)
    const checkpoint = memoryCheckpoint()
    const controller = new AbortController()
    let failures = 0
    const running = relayToJetStream({
      service,
      nats,
      stream,
      subjectPrefix: `${subjectPrefix}_nowhere`,
      checkpoint,
      retry: FAST_RETRY,
      publishTimeoutMs: 1000,
      onError: () => {
        failures++
      },
    }).run(controller.signal)
    await eventually(() => failures >= 3, 'a few failed publishes')
    controller.abort()
    expect(await running).toEqual({ afterId: null, published: 0, duplicates: 0 })
    expect(checkpoint.position).toBeNull()
    expect(log.length).toBeGreaterThan(0)
  })

  it('rejects with NOT_FOUND when the stream does not exist', async () => {
    const service = createTicketService({ store: memoryStore() })
    const error = await rejectionOf(
      relayToJetStream({ service, nats, stream: 'TE_NO_SUCH_STREAM_ANYWHERE' }).run(new AbortController().signal),
    )
    expect(error.code).toBe('NOT_FOUND')
    expect(error.message).toContain('TE_NO_SUCH_STREAM_ANYWHERE')
  })

  it('rejects with a non-retryable UNAVAILABLE when the connection is closed, before or while relaying', async () => {
    const { stream, subjectPrefix } = await server.createStream()
    const { service } = await filledService(3, 1)
    const closedBefore = await server.connect()
    await closedBefore.close()
    const before = await rejectionOf(
      relayToJetStream({ service, nats: closedBefore, stream, subjectPrefix }).run(new AbortController().signal),
    )
    expect(before).toMatchObject({ code: 'UNAVAILABLE', retryable: false })

    const closing = await server.connect()
    const checkpoint = memoryCheckpoint()
    const running = relayToJetStream({ service, nats: closing, stream, subjectPrefix, checkpoint, pollIntervalMs: 10 }).run(
      new AbortController().signal,
    )
    await eventually(() => checkpoint.position !== null, 'a first acknowledged publish')
    await closing.close()
    const during = await rejectionOf(running)
    expect(during).toMatchObject({ code: 'UNAVAILABLE', retryable: false })
  })

  it('rejects with VALIDATION when a subject function returns a wildcard subject', async () => {
    const { stream, subjectPrefix } = await server.createStream()
    const { service } = await filledService(1, 0)
    const error = await rejectionOf(
      relayToJetStream({ service, nats, stream, subject: () => `${subjectPrefix}.*` }).run(new AbortController().signal),
    )
    expect(error.code).toBe('VALIDATION')
    expect(error.issues[0]?.path).toEqual(['subject'])
  })

  it('refuses malformed options with VALIDATION naming each path', () => {
    const service = createTicketService({ store: memoryStore() })
    const cases: [Record<string, unknown>, string][] = [
      [{ partitions: 0 }, 'partitions'],
      [{ partitions: 1025 }, 'partitions'],
      [{ stream: 'TICKETS.ALL' }, 'stream'],
      [{ subjectPrefix: 'tickets..x' }, 'subjectPrefix'],
      [{ subjectPrefix: 'tickets.>' }, 'subjectPrefix'],
      [{ maxInFlight: 0 }, 'maxInFlight'],
      [{ batchSize: 5000 }, 'batchSize'],
      [{ afterId: 'not-a-ulid' }, 'afterId'],
      [{ nats: { publish: () => undefined } }, 'nats'],
      [{ retry: { jitter: 2 } }, 'retry'],
      [{ unknownOption: true }, ''],
    ]
    for (const [override, path] of cases) {
      let caught: unknown
      try {
        relayToJetStream({ service, nats, stream: 'TICKETS', ...override } as RelayToJetStreamOptions)
      } catch (error) {
        caught = error
      }
      expect(isTicketError(caught), JSON.stringify(override)).toBe(true)
      expect((caught as TicketError).code).toBe('VALIDATION')
      expect((caught as TicketError).issues.map((issue) => issue.path.join('.')).join(' ')).toContain(path)
    }
  })

  it('refuses to run twice at once', async () => {
    const { stream, subjectPrefix } = await server.createStream()
    const relay = relayToJetStream({ service: createTicketService({ store: memoryStore() }), nats, stream, subjectPrefix })
    const controller = new AbortController()
    const first = relay.run(controller.signal)
    const second = await rejectionOf(relay.run(controller.signal))
    expect(second.code).toBe('VALIDATION')
    controller.abort()
    await first
  })
})
