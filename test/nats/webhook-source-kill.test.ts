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

  it('delivers the rest after the restart: every event at least once, none skipped, in order per ticket up to the kill', async () => {
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
    const start = (): ChildProcess => {
      const child = spawn(process.execPath, ['--import', 'tsx', CHILD, ...args, generateWebhookSecret()], {
        stdio: ['ignore', 'pipe', 'inherit'],
      })
      return child
    }
    const exited = (child: ChildProcess) => new Promise<void>((resolve) => child.once('exit', () => resolve()))
    let deliveredBeforeTheKill = 0
    try {
      const first = start()
      await eventually(() => hooks.accepted.length >= log.length / 3, 'a third delivered by the first process', 60_000)
      first.kill('SIGKILL')
      await exited(first)
      deliveredBeforeTheKill = hooks.accepted.length
      expect(new Set(hooks.accepted.map((call) => call.headers['webhook-id'])).size).toBeLessThan(log.length)

      const second = start()
      const unique = () => new Set(hooks.accepted.map((call) => String(call.headers['webhook-id']))).size
      await eventually(() => unique() >= log.length, 'every event delivered after the restart', 60_000)
      second.kill('SIGTERM')
      await exited(second)
    } finally {
      await hooks.close()
    }

    const byId = new Map(log.map((event) => [event.id, event]))
    const delivered = hooks.accepted.map((call) => byId.get(String(call.headers['webhook-id'])) as TicketEvent)
    // Order per ticket holds up to the kill. After it, it can break for the events in flight at
    // the kill: a pull request the killed process left open on the server may still be filled
    // until the server notices the connection is gone, and those messages come back only after
    // ackWaitMs, possibly behind a later event of their ticket (docs/delivery.md says so).
    for (const [ticketId, events] of byTicket(delivered.slice(0, deliveredBeforeTheKill))) {
      let reached = 0
      for (const event of events) {
        expect(event.version, `ticket ${ticketId}: version ${event.version} after reaching ${reached}`).toBeLessThanOrEqual(reached + 1)
        reached = Math.max(reached, event.version)
      }
    }
    expect(new Set(delivered.map((event) => event.id))).toEqual(new Set(log.map((event) => event.id)))
  }, 120_000)
})
