import type { NatsConnection } from '@nats-io/nats-core'
import { memoryCheckpoint, type TicketEvent } from '../../src/index.js'
import { relayToJetStream } from '../../src/nats/index.js'
import type { TicketService } from '../../src/service/index.js'
import { ALICE, BOB, CHAT, uuid } from '../service/service-fixtures.js'
import { eventually, type NatsTestServer } from '../support/nats.js'

export const WORKSPACES = ['0b5c2f4e-3c1a-4d7e-9f10-1a2b3c4d5e6f', '0c5c2f4e-3c1a-4d7e-9f10-1a2b3c4d5e6f'] as const

/** The id of the `n`th ticket of the fixtures. */
export const fixtureTicket = (n: number): string => uuid(0x7e, n)

/**
 * Fills the log: `tickets` tickets over two workspaces, round-robin, so tickets
 * interleave in the log. Each ticket gets `create` (1 event), `takeover` (3 events:
 * updated, status changed, assigned) and `comments` comments (1 event each).
 */
export async function fillLog(service: Pick<TicketService, 'execute'>, tickets: number, comments: number): Promise<void> {
  for (let step = 0; step < comments + 2; step++) {
    for (let n = 0; n < tickets; n++) {
      const ticketId = fixtureTicket(n)
      if (step === 0) {
        const workspaceId = WORKSPACES[n % 2] as string
        await service.execute(ticketId, {
          type: 'create',
          workspaceId,
          chatId: CHAT,
          ticketingTeamId: null,
          assigneeId: null,
          status: 'pending',
        })
      } else if (step === 1) {
        await service.execute(ticketId, { type: 'takeover', assigneeId: n % 3 === 0 ? BOB : ALICE })
      } else {
        await service.execute(ticketId, { type: 'addComment', body: `comment ${step} on ticket ${n}`, public: true, authorId: ALICE })
      }
    }
  }
}

/** Every event of the log, in log order. */
export async function readLog(service: Pick<TicketService, 'events'>): Promise<TicketEvent[]> {
  const events: TicketEvent[] = []
  for (;;) {
    const last = events.at(-1)
    const page = await service.events({ limit: 1000, ...(last === undefined ? {} : { afterId: last.id }) })
    if (page.result.length === 0) return events
    events.push(...page.result)
  }
}

/** Groups events by ticket, keeping their order. */
export function byTicket<T extends Pick<TicketEvent, 'ticketId'>>(events: readonly T[]): Map<string, T[]> {
  const groups = new Map<string, T[]>()
  for (const event of events) {
    const group = groups.get(event.ticketId) ?? []
    group.push(event)
    groups.set(event.ticketId, group)
  }
  return groups
}

/**
 * Fills `service`'s log (see {@link fillLog}) and relays all of it to a fresh stream of
 * `server` (optionally partitioned), stopping the relay once the whole log is published.
 */
export async function relayFilledLog(
  server: Pick<NatsTestServer, 'createStream'>,
  nats: NatsConnection,
  service: Pick<TicketService, 'execute' | 'events'>,
  shape: { readonly tickets: number; readonly comments: number; readonly partitions?: number | undefined },
): Promise<{ stream: string; subjectPrefix: string; log: TicketEvent[] }> {
  const { stream, subjectPrefix } = await server.createStream()
  await fillLog(service, shape.tickets, shape.comments)
  const log = await readLog(service)
  const checkpoint = memoryCheckpoint()
  const controller = new AbortController()
  const running = relayToJetStream({
    service,
    nats,
    stream,
    subjectPrefix,
    checkpoint,
    pollIntervalMs: 20,
    ...(shape.partitions === undefined ? {} : { partitions: shape.partitions }),
  }).run(controller.signal)
  await eventually(() => checkpoint.position === log.at(-1)?.id, 'the relay to publish the log')
  controller.abort()
  await running
  return { stream, subjectPrefix, log }
}
