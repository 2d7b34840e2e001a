/**
 * NATS JetStream relay benchmark, against the server in `TICKET_EVENTS_NATS_URL`
 * (default `nats://127.0.0.1:4222`): events/s relayed from the log to a stream next to a
 * bare publish loop of the same messages (same subjects, headers, `Nats-Msg-Id` and
 * bodies, JSON encoding included) with the same number of publishes in flight. Each
 * measurement publishes into a stream of its own (file storage), deleted afterwards.
 */
import { jetstream, jetstreamManager } from '@nats-io/jetstream'
import { headers, type NatsConnection } from '@nats-io/nats-core'
import { connect } from '@nats-io/transport-node'
import { type Checkpoint, createIdFactory, createTicketService, type TicketEvent } from 'ticket-events'
import { memoryStore } from 'ticket-events/memory'
import { ensureTicketStream, relayToJetStream, TICKET_EVENT_HEADERS, ticketSubject } from 'ticket-events/nats'
import type { BenchRow, BenchSection } from './report.js'
import { runCommandMix } from './store-workload.js'

const DEFAULT_URL = 'nats://127.0.0.1:4222'
const TICKETS = 500
const COMMANDS = 10_000
const IN_FLIGHT = 256
const ROUNDS = 5

let streamCounter = 0
const freshStream = () => {
  streamCounter += 1
  return { stream: `TE_BENCH_${process.pid}_${streamCounter}`, subjectPrefix: `te_bench_${process.pid}_${streamCounter}` }
}

/** The relay from a memory store's log, until its checkpoint reaches the last event; seconds. */
async function timeRelay(nats: NatsConnection, service: ReturnType<typeof createTicketService>, events: readonly TicketEvent[]) {
  const { stream, subjectPrefix } = freshStream()
  await ensureTicketStream({ nats, stream, subjectPrefix })
  const lastId = events.at(-1)?.id
  let reachedEnd: () => void = () => {}
  const done = new Promise<void>((resolve) => {
    reachedEnd = resolve
  })
  const checkpoint: Checkpoint = {
    load: async () => null,
    save: async (afterId) => {
      if (afterId === lastId) reachedEnd()
    },
  }
  const controller = new AbortController()
  const start = performance.now()
  const running = relayToJetStream({ service, nats, stream, subjectPrefix, checkpoint, maxInFlight: IN_FLIGHT, batchSize: 1000 }).run(
    controller.signal,
  )
  await done
  const seconds = (performance.now() - start) / 1000
  controller.abort()
  const result = await running
  if (result.published !== events.length) throw new Error(`the relay published ${result.published} of ${events.length} events`)
  await (await jetstreamManager(nats)).streams.delete(stream)
  return seconds
}

/** The baseline: a loop publishing the same messages, `IN_FLIGHT` at a time, nothing else; seconds. */
async function timeBareLoop(nats: NatsConnection, events: readonly TicketEvent[]) {
  const { stream, subjectPrefix } = freshStream()
  await ensureTicketStream({ nats, stream, subjectPrefix })
  const js = jetstream(nats)
  const start = performance.now()
  let next = 0
  const worker = async () => {
    for (let index = next++; index < events.length; index = next++) {
      const event = events[index] as TicketEvent
      const header = headers()
      header.set(TICKET_EVENT_HEADERS.type, event.type)
      header.set(TICKET_EVENT_HEADERS.ticket, event.ticketId)
      header.set(TICKET_EVENT_HEADERS.workspace, event.workspaceId)
      header.set(TICKET_EVENT_HEADERS.version, String(event.version))
      await js.publish(ticketSubject(event, { prefix: subjectPrefix }), JSON.stringify(event), {
        msgID: event.id,
        headers: header,
        expect: { streamName: stream },
      })
    }
  }
  await Promise.all(Array.from({ length: IN_FLIGHT }, worker))
  const seconds = (performance.now() - start) / 1000
  const stored = (await (await jetstreamManager(nats)).streams.info(stream)).state.messages
  if (stored !== events.length) throw new Error(`the bare loop stored ${stored} of ${events.length} events`)
  await (await jetstreamManager(nats)).streams.delete(stream)
  return seconds
}

export const benchNats: BenchSection = async () => {
  const url = process.env['TICKET_EVENTS_NATS_URL'] || DEFAULT_URL
  let nats: NatsConnection
  try {
    nats = await connect({ servers: url, timeout: 3000 })
  } catch (error) {
    return [{ name: `nats: skipped, no server at ${url} (${String(error)}); set TICKET_EVENTS_NATS_URL`, value: Number.NaN, unit: '' }]
  }
  try {
    const service = createTicketService({ store: memoryStore(), ctx: { newId: createIdFactory() } })
    await runCommandMix(service, COMMANDS, TICKETS)
    const events: TicketEvent[] = []
    for (;;) {
      const last = events.at(-1)
      const page = await service.events({ limit: 1000, ...(last === undefined ? {} : { afterId: last.id }) })
      if (page.result.length === 0) break
      events.push(...page.result)
    }
    // Alternate the two, so drift in the machine's load affects both alike; keep each one's best round.
    let relay = Number.POSITIVE_INFINITY
    let bare = Number.POSITIVE_INFINITY
    for (let round = 0; round < ROUNDS; round++) {
      relay = Math.min(relay, await timeRelay(nats, service, events))
      bare = Math.min(bare, await timeBareLoop(nats, events))
    }
    const rows: BenchRow[] = [
      {
        name: `relayToJetStream, ${events.length.toLocaleString('en-US')} events of ${TICKETS} tickets, ${IN_FLIGHT} in flight (file storage, best of ${ROUNDS})`,
        value: events.length / relay,
        unit: 'events/s',
        baseline: { name: `bare js.publish loop, same messages, ${IN_FLIGHT} in flight`, value: events.length / bare },
        target: '>= 0.7x baseline',
      },
    ]
    return rows
  } finally {
    await nats.close()
  }
}
