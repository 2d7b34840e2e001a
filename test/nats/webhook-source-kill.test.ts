import { type ChildProcess, spawn } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import type { NatsConnection } from '@nats-io/nats-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createTicketService, memoryCheckpoint, type TicketEvent } from '../../src/index.js'
import { relayToJetStream } from '../../src/nats/index.js'
import { sqliteStore } from '../../src/stores/sqlite/index.js'
import { generateWebhookSecret } from '../../src/webhooks/index.js'
import { createNatsTestServer, eventually, NATS_SKIP_REASON, uniqueName } from '../support/nats.js'
import { startTestReceiver } from '../webhooks/support/test-receiver.js'
import { byTicket, fillLog, readLog } from './nats-fixtures.js'

const CHILD = fileURLToPath(new URL('../fixtures/webhook-dispatcher-nats-child.ts', import.meta.url))

if (NATS_SKIP_REASON) console.warn(NATS_SKIP_REASON)

describe.skipIf(NATS_SKIP_REASON !== undefined)('jetStreamEventSource, a dispatcher process killed (SIGKILL) and restarted', () => {
  const server = createNatsTestServer()
  const directory = mkdtempSync(join(tmpdir(), 'ticket-events-webhook-kill-'))
  let nats: NatsConnection
  beforeAll(async () => {
    nats = await server.connect()
  })
  afterAll(async () => {
    await server.dispose()
    rmSync(directory, { recursive: true, force: true })
  })

  it('delivers every event after two crashes (SIGKILL) and restarts, at least once, none skipped, in order per ticket throughout', async () => {
    const { stream, subjectPrefix } = await server.createStream()
    const ticketsFile = join(directory, 'tickets.db')
    const tickets = createTicketService({ store: sqliteStore({ filename: ticketsFile }) })
    await fillLog(tickets, 12, 6)
    const log = await readLog(tickets)
    const checkpoint = memoryCheckpoint()
    const relaying = new AbortController()
    const relay = relayToJetStream({ service: tickets, nats, stream, subjectPrefix, checkpoint, pollIntervalMs: 20 }).run(relaying.signal)
    await eventually(() => checkpoint.position === log.at(-1)?.id, 'the relay to publish the log')
    relaying.abort()
    await relay
    await tickets.close()

    const hooks = await startTestReceiver()
    const args = [ticketsFile, join(directory, 'deliveries.db'), await server.url(), stream, subjectPrefix, uniqueName('kill'), hooks.url]
    const start = (): ChildProcess =>
      spawn(process.execPath, ['--import', 'tsx', CHILD, ...args, generateWebhookSecret()], { stdio: ['ignore', 'pipe', 'inherit'] })
    const exited = (child: ChildProcess) => new Promise<void>((resolve) => child.once('exit', () => resolve()))
    const unique = () => new Set(hooks.accepted.map((call) => String(call.headers['webhook-id']))).size
    try {
      // Each worker is killed mid-stream, with messages in its hands and in its prefetch
      // buffer; the next one must take those back before anything newer.
      for (const share of [1 / 3, 2 / 3]) {
        const worker = start()
        await eventually(() => unique() >= log.length * share, `${Math.round(share * 100)} % delivered before the kill`, 60_000)
        worker.kill('SIGKILL')
        await exited(worker)
        expect(unique()).toBeLessThan(log.length)
      }
      const last = start()
      await eventually(() => unique() >= log.length, 'every event delivered after the restarts', 60_000)
      last.kill('SIGTERM')
      await exited(last)
    } finally {
      await hooks.close()
    }

    const byId = new Map(log.map((event) => [event.id, event]))
    const delivered = hooks.accepted.map((call) => byId.get(String(call.headers['webhook-id'])) as TicketEvent)
    // A crash may repeat an event (at least once), never put a later one of its ticket first.
    for (const [ticketId, events] of byTicket(delivered)) {
      let reached = 0
      for (const event of events) {
        expect(event.version, `ticket ${ticketId}: version ${event.version} after reaching ${reached}`).toBeLessThanOrEqual(reached + 1)
        reached = Math.max(reached, event.version)
      }
    }
    expect(new Set(delivered.map((event) => event.id))).toEqual(new Set(log.map((event) => event.id)))
  }, 120_000)
})
