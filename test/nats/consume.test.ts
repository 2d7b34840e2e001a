import { AckPolicy, jetstream, jetstreamManager } from '@nats-io/jetstream'
import type { NatsConnection } from '@nats-io/nats-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createTicketService, isTicketError, type TicketError, type TicketEvent } from '../../src/index.js'
import {
  type ConsumeJetStreamOptions,
  type ConsumerStopped,
  consumeJetStream,
  type DeadLetter,
  ticketPartition,
} from '../../src/nats/index.js'
import { memoryStore } from '../../src/stores/memory/index.js'
import { createIdempotentConsumer, memoryDedupeStore } from '../../src/webhooks/index.js'
import { rejectionOf } from '../support/core-fixtures.js'
import { createNatsTestServer, eventually, NATS_SKIP_REASON, uniqueName } from '../support/nats.js'
import { byTicket, relayFilledLog, WORKSPACES } from './nats-fixtures.js'

if (NATS_SKIP_REASON) console.warn(NATS_SKIP_REASON)

describe.skipIf(NATS_SKIP_REASON !== undefined)('consumeJetStream', () => {
  const server = createNatsTestServer()
  let nats: NatsConnection
  beforeAll(async () => {
    nats = await server.connect()
  })
  afterAll(() => server.dispose())

  /** A stream holding a relayed log of `tickets` tickets (optionally partitioned). */
  async function relayedStream(tickets: number, comments: number, partitions?: number) {
    return relayFilledLog(server, nats, createTicketService({ store: memoryStore() }), { tickets, comments, partitions })
  }

  /** Runs a consumer until `done()` holds, then stops it and returns what it reports. */
  async function consumeUntil(options: ConsumeJetStreamOptions, done: () => boolean, what: string): Promise<ConsumerStopped> {
    const controller = new AbortController()
    const running = consumeJetStream(options).run(controller.signal)
    await Promise.race([eventually(done, what), running])
    controller.abort()
    return running
  }

  it('hands back every event as a TicketEvent, in stream order, and acknowledges each', async () => {
    const { stream, subjectPrefix, log } = await relayedStream(8, 4)
    const durable = uniqueName('all')
    const received: TicketEvent[] = []
    const result = await consumeUntil(
      { nats, stream, durable, subjectPrefix, handler: (event) => void received.push(event) },
      () => received.length >= log.length,
      'every event',
    )
    expect(result).toEqual({ handled: log.length, retried: 0, deadLettered: 0, skipped: 0 })
    expect(new Set(received.map((event) => event.id)).size).toBe(log.length)
    expect(byTicket(received)).toEqual(byTicket(log))
    const info = await (await jetstreamManager(nats)).consumers.info(stream, durable)
    expect(info.num_pending).toBe(0)
    await eventually(async () => (await (await jetstreamManager(nats)).consumers.info(stream, durable)).num_ack_pending === 0, 'every ack')
  })

  it('delivers only the types asked for, with one type or several', async () => {
    const { stream, subjectPrefix, log } = await relayedStream(4, 2)
    for (const types of [['ticket:assigned'], ['ticket:created', 'ticket:comment:added']] as const) {
      const wanted = log.filter((event) => (types as readonly string[]).includes(event.type))
      const received: TicketEvent[] = []
      await consumeUntil(
        { nats, stream, durable: uniqueName('typed'), subjectPrefix, types, handler: (event) => void received.push(event) },
        () => received.length >= wanted.length,
        `the ${types.join(', ')} events`,
      )
      // Give a wrongly delivered event a moment to show up before judging.
      await new Promise((resolve) => setTimeout(resolve, 100))
      expect(received.map((event) => event.id).sort()).toEqual(wanted.map((event) => event.id).sort())
    }
  })

  it('naks a failing event with the backoff delay and hands it back with the next attempt', async () => {
    const { stream, subjectPrefix, log } = await relayedStream(2, 1)
    const flaky = log[2]?.id
    const attempts: { id: string; attempt: number; at: number }[] = []
    const handled = new Set<string>()
    const result = await consumeUntil(
      {
        nats,
        stream,
        durable: uniqueName('flaky'),
        subjectPrefix,
        backoff: [200],
        handler: (event, delivery) => {
          attempts.push({ id: event.id, attempt: delivery.attempt, at: Date.now() })
          if (event.id === flaky && delivery.attempt === 1) throw new Error('downstream is busy')
          handled.add(event.id)
        },
      },
      () => handled.size >= log.length,
      'every event handled',
    )
    expect(result).toMatchObject({ handled: log.length, retried: 1, deadLettered: 0 })
    const tries = attempts.filter((attempt) => attempt.id === flaky)
    expect(tries.map((attempt) => attempt.attempt)).toEqual([1, 2])
    expect((tries[1]?.at ?? 0) - (tries[0]?.at ?? 0)).toBeGreaterThanOrEqual(150)
  })

  it('terminates an event after maxDeliver failed deliveries and hands it to onDeadLetter', async () => {
    const { stream, subjectPrefix, log } = await relayedStream(2, 1)
    const poison = log[1]
    const letters: DeadLetter[] = []
    const attempts: number[] = []
    const handled = new Set<string>()
    const errors: string[] = []
    const durable = uniqueName('poison')
    const result = await consumeUntil(
      {
        nats,
        stream,
        durable,
        subjectPrefix,
        maxDeliver: 3,
        backoff: [20],
        handler: (event, delivery) => {
          if (event.id === poison?.id) {
            attempts.push(delivery.attempt)
            throw new Error('always fails')
          }
          handled.add(event.id)
        },
        onDeadLetter: (letter) => void letters.push(letter),
        onError: (_error, failure) => errors.push(`${failure.stage}:${failure.attempt}:${failure.willRetry}`),
      },
      () => letters.length === 1 && handled.size === log.length - 1,
      'the dead letter and the other events',
    )
    expect(result).toMatchObject({ handled: log.length - 1, retried: 2, deadLettered: 1 })
    expect(attempts).toEqual([1, 2, 3])
    expect(errors).toEqual(['handler:1:true', 'handler:2:true', 'handler:3:false'])
    expect(letters[0]).toMatchObject({ reason: 'failed', deliveryCount: 3, event: poison })
    expect(letters[0]?.error).toEqual(new Error('always fails'))
    // Terminated: the durable holds nothing more, and a new run of it gets nothing back.
    const manager = await jetstreamManager(nats)
    // Acknowledgements are processed by the server asynchronously: give it a moment.
    await eventually(async () => (await manager.consumers.info(stream, durable)).num_ack_pending === 0, 'no message awaiting an ack', 5000)
    expect((await manager.consumers.info(stream, durable)).num_pending).toBe(0)
    const again: TicketEvent[] = []
    const controller = new AbortController()
    const rerun = consumeJetStream({ nats, stream, durable, subjectPrefix, maxDeliver: 3, handler: (event) => void again.push(event) }).run(
      controller.signal,
    )
    await new Promise((resolve) => setTimeout(resolve, 500))
    controller.abort()
    expect(await rerun).toEqual({ handled: 0, retried: 0, deadLettered: 0, skipped: 0 })
    expect(again).toEqual([])
  })

  it('dead-letters and terminates malformed messages, and goes on with the next', async () => {
    const { stream, subjectPrefix, log } = await relayedStream(1, 1)
    const js = jetstream(nats)
    await js.publish(`${subjectPrefix}.${WORKSPACES[0]}.ticket.created`, 'not json {')
    await js.publish(`${subjectPrefix}.${WORKSPACES[0]}.ticket.created`, JSON.stringify({ ...log[0], id: 'not-a-ulid' }))
    await js.publish(`${subjectPrefix}.${WORKSPACES[0]}.ticket.created`, new Uint8Array([0xff, 0xfe, 0x00]))
    const letters: DeadLetter[] = []
    const received: TicketEvent[] = []
    const result = await consumeUntil(
      {
        nats,
        stream,
        durable: uniqueName('malformed'),
        subjectPrefix,
        handler: (event) => void received.push(event),
        onDeadLetter: (letter) => void letters.push(letter),
      },
      () => letters.length === 3 && received.length === log.length,
      'three dead letters and the events',
    )
    expect(result).toMatchObject({ handled: log.length, deadLettered: 3 })
    expect(letters.map((letter) => letter.reason)).toEqual(['malformed', 'malformed', 'malformed'])
    expect(letters.every((letter) => letter.deliveryCount === 1 && letter.event === undefined)).toBe(true)
    expect(letters.map((letter) => isTicketError(letter.error) && letter.error.code)).toEqual(['VALIDATION', 'VALIDATION', 'VALIDATION'])
    expect(letters[1]?.error).toMatchObject({ issues: [expect.objectContaining({ path: ['id'] })] })
    expect(new TextDecoder().decode(letters[0]?.data)).toBe('not json {')
  })

  it('with one durable per partition, each sees only its tickets, every event once, each ticket in order', async () => {
    const partitions = 3
    const { stream, subjectPrefix, log } = await relayedStream(9, 2, partitions)
    const received: TicketEvent[][] = [[], [], []]
    const controllers = received.map(() => new AbortController())
    const runs = received.map((events, partition) =>
      consumeJetStream({
        nats,
        stream,
        durable: uniqueName(`partition${partition}`),
        subjectPrefix,
        partition,
        handler: (event) => void events.push(event),
      }).run(controllers[partition]?.signal ?? new AbortController().signal),
    )
    await eventually(() => received.flat().length >= log.length, 'every event across the partitions')
    for (const controller of controllers) controller.abort()
    await Promise.all(runs)
    received.forEach((events, partition) => {
      expect(events.length).toBeGreaterThan(0)
      for (const event of events) expect(ticketPartition(event.ticketId, partitions)).toBe(partition)
    })
    const all = received.flat()
    expect(new Set(all.map((event) => event.id)).size).toBe(log.length)
    expect(byTicket(all)).toEqual(byTicket(log))
  })

  it('shares the work of one durable between workers, each event handled once', async () => {
    const { stream, subjectPrefix, log } = await relayedStream(6, 3)
    const durable = uniqueName('shared')
    const received: string[] = []
    const controller = new AbortController()
    const workers = [0, 1].map(() =>
      consumeJetStream({ nats, stream, durable, subjectPrefix, prefetch: 4, handler: (event) => void received.push(event.id) }).run(
        controller.signal,
      ),
    )
    await eventually(() => received.length >= log.length, 'every event')
    await new Promise((resolve) => setTimeout(resolve, 100))
    controller.abort()
    const [first, second] = await Promise.all(workers)
    expect(received.sort()).toEqual(log.map((event) => event.id).sort())
    expect((first?.handled ?? 0) + (second?.handled ?? 0)).toBe(log.length)
  })

  it('applies a redelivered event once when the handler goes through createIdempotentConsumer', async () => {
    const { stream, subjectPrefix, log } = await relayedStream(2, 1)
    const applied: string[] = []
    const once = createIdempotentConsumer<{ eventId: string; event: TicketEvent }>({
      store: memoryDedupeStore(),
      handler: ({ event }) => void applied.push(event.id),
    })
    const acknowledged = new Set<string>()
    await consumeUntil(
      {
        nats,
        stream,
        durable: uniqueName('dedupe'),
        subjectPrefix,
        backoff: [10],
        handler: async (event, delivery) => {
          await once.consume({ eventId: event.id, event })
          // The work is done but the acknowledgement is lost (a crash, a timeout): JetStream delivers again.
          if (delivery.attempt === 1) throw new Error('lost before the ack')
          acknowledged.add(event.id)
        },
      },
      () => acknowledged.size === log.length,
      'every event acknowledged on its second delivery',
    )
    expect(applied.sort()).toEqual(log.map((event) => event.id).sort())
  })

  it('hands messages pulled ahead back at once when stopped, so another worker gets them before ackWait', async () => {
    const { stream, subjectPrefix, log } = await relayedStream(5, 2)
    const durable = uniqueName('handback')
    const manager = await jetstreamManager(nats)
    const first = new AbortController()
    let firstSaw = 0
    const firstRun = consumeJetStream({
      nats,
      stream,
      durable,
      subjectPrefix,
      prefetch: 50,
      ackWaitMs: 60_000,
      handler: async () => {
        firstSaw++
        // Stop once the server has sent every message to this worker and they have
        // arrived (a round trip on the connection comes back after them): messages still
        // on the wire when a worker stops can only come back after ackWait.
        await eventually(async () => (await manager.consumers.info(stream, durable)).num_pending === 0, 'every message sent')
        await nats.flush()
        first.abort()
      },
    }).run(first.signal)
    expect(await firstRun).toMatchObject({ handled: 1 })
    const rest: string[] = []
    await consumeUntil(
      { nats, stream, durable, subjectPrefix, ackWaitMs: 60_000, handler: (event) => void rest.push(event.id) },
      () => rest.length >= log.length - firstSaw,
      'the rest, well before the 60 s ack wait',
    )
    expect(rest).toHaveLength(log.length - 1)
  })

  it('rejects with NOT_FOUND for a missing stream and a non-retryable UNAVAILABLE for a closed connection', async () => {
    const handler = () => undefined
    const missing = await rejectionOf(
      consumeJetStream({ nats, stream: 'TE_NO_SUCH_STREAM_ANYWHERE', durable: 'x', handler }).run(new AbortController().signal),
    )
    expect(missing.code).toBe('NOT_FOUND')
    const { stream, subjectPrefix } = await server.createStream()
    const closed = await server.connect()
    await closed.close()
    const before = await rejectionOf(
      consumeJetStream({ nats: closed, stream, durable: 'x', subjectPrefix, handler }).run(new AbortController().signal),
    )
    expect(before).toMatchObject({ code: 'UNAVAILABLE', retryable: false })

    const closing = await server.connect()
    const running = consumeJetStream({ nats: closing, stream, durable: uniqueName('closing'), subjectPrefix, handler }).run(
      new AbortController().signal,
    )
    await new Promise((resolve) => setTimeout(resolve, 200))
    await closing.close()
    expect(await rejectionOf(running)).toMatchObject({ code: 'UNAVAILABLE', retryable: false })
  })

  it('rejects with VALIDATION when the durable name belongs to a consumer of another kind', async () => {
    const { stream, subjectPrefix } = await server.createStream()
    const durable = uniqueName('pushed')
    await (await jetstreamManager(nats)).consumers.add(stream, {
      durable_name: durable,
      ack_policy: AckPolicy.Explicit,
      deliver_subject: uniqueName('inbox'),
    })
    const error = await rejectionOf(
      consumeJetStream({ nats, stream, durable, subjectPrefix, handler: () => undefined }).run(new AbortController().signal),
    )
    expect(error).toMatchObject({ code: 'VALIDATION', issues: [expect.objectContaining({ path: ['durable'] })] })
  })

  it('refuses malformed options with VALIDATION naming each path', () => {
    const base = { nats, stream: 'TICKETS', durable: 'worker', handler: () => undefined }
    const cases: [Record<string, unknown>, string][] = [
      [{ types: ['ticket:opened'] }, 'types.0'],
      [{ types: [] }, 'types'],
      [{ partition: -1 }, 'partition'],
      [{ partition: 1024 }, 'partition'],
      [{ durable: 'a.b' }, 'durable'],
      [{ maxDeliver: 0 }, 'maxDeliver'],
      [{ maxAckPending: 0 }, 'maxAckPending'],
      [{ backoff: [-1] }, 'backoff.0'],
      [{ backoff: [] }, 'backoff'],
      [{ ackWaitMs: 10 }, 'ackWaitMs'],
      [{ filterSubjects: ['a.>'], partition: 1 }, 'filterSubjects'],
      [{ handler: 'not a function' }, 'handler'],
    ]
    for (const [override, path] of cases) {
      let caught: unknown
      try {
        consumeJetStream({ ...base, ...override } as ConsumeJetStreamOptions)
      } catch (error) {
        caught = error
      }
      expect(isTicketError(caught), JSON.stringify(override)).toBe(true)
      expect((caught as TicketError).issues.map((issue) => issue.path.join('.'))).toContain(path)
    }
  })
})
