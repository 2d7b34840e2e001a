import { type ChildProcess, spawn } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import type { NatsConnection } from '@nats-io/nats-core'
import { connect } from '@nats-io/transport-node'
import { afterAll, describe, expect, it } from 'vitest'
import { createTicketService, type TicketEvent } from '../../src/index.js'
import { ensureTicketStream, type RelayStopped } from '../../src/nats/index.js'
import { sqliteStore } from '../../src/stores/sqlite/index.js'
import { ALICE, CHAT } from '../service/service-fixtures.js'
import { eventually, NATS_SERVER_BINARY, type OwnNatsServer, readStream, startNatsServer, streamCount } from '../support/nats.js'
import { byTicket, fixtureTicket, readLog, WORKSPACES } from './nats-fixtures.js'

const CHILD = fileURLToPath(new URL('../fixtures/nats-relay-child.ts', import.meta.url))
const TICKETS = 100
const EVENTS = 10_000
const SKIP_REASON =
  NATS_SERVER_BINARY === undefined
    ? 'relay restart test skipped: no nats-server binary on PATH (it starts and kills its own server)'
    : undefined
if (SKIP_REASON) console.warn(SKIP_REASON)

/**
 * Writes exactly 10,000 events: per ticket `create` (1 event), `takeover` (3), then 24
 * updates of priority, type and sentiment (4 each: updated and three derived), round
 * robin over 100 tickets so the tickets interleave in the log.
 */
async function writeLog(filename: string): Promise<TicketEvent[]> {
  const tickets = createTicketService({ store: sqliteStore({ filename }) })
  for (let step = 0; step < 26; step++) {
    for (let n = 0; n < TICKETS; n++) {
      const ticketId = fixtureTicket(n)
      if (step === 0) {
        await tickets.execute(ticketId, {
          type: 'create',
          workspaceId: WORKSPACES[n % 2] as string,
          chatId: CHAT,
          ticketingTeamId: null,
          assigneeId: null,
          status: 'pending',
        })
      } else if (step === 1) {
        await tickets.execute(ticketId, { type: 'takeover', assigneeId: ALICE })
      } else {
        const odd = step % 2 === 1
        await tickets.execute(ticketId, {
          type: 'update',
          priority: odd ? 'high' : 'low',
          ticketType: odd ? 'incident' : 'question',
          sentiment: odd ? 'negative' : 'positive',
        })
      }
    }
  }
  const log = await readLog(tickets)
  await tickets.close()
  return log
}

/** A relay child process: its exit, and what it printed. */
interface RelayChild {
  readonly process: ChildProcess
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>
  output(): string
}

function startRelay(args: readonly string[]): RelayChild {
  const child = spawn(process.execPath, ['--import', 'tsx', CHILD, ...args], { stdio: ['ignore', 'pipe', 'pipe'] })
  let output = ''
  child.stdout?.on('data', (chunk: Buffer) => {
    output += chunk.toString()
  })
  child.stderr?.on('data', (chunk: Buffer) => {
    output += chunk.toString()
  })
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.on('exit', (code, signal) => resolve({ code, signal })),
  )
  return { process: child, exited, output: () => output }
}

async function kill(child: RelayChild): Promise<void> {
  child.process.kill('SIGKILL')
  expect((await child.exited).signal).toBe('SIGKILL')
}

describe.skipIf(SKIP_REASON !== undefined)('relayToJetStream through crashes and a server restart', () => {
  const directory = mkdtempSync(join(tmpdir(), 'ticket-events-nats-restart-'))
  let server: OwnNatsServer | undefined
  let monitor: NatsConnection | undefined
  const children: RelayChild[] = []
  afterAll(async () => {
    for (const child of children) if (child.process.exitCode === null && child.process.signalCode === null) child.process.kill('SIGKILL')
    await monitor?.close().catch(() => undefined)
    await server?.dispose()
    rmSync(directory, { recursive: true, force: true })
  })

  it('stores each of 10,000 events exactly once, in log order per ticket, though the relay is killed twice and the server restarted once', async () => {
    const filename = join(directory, 'tickets.db')
    const checkpointFile = join(directory, 'checkpoint')
    const log = await writeLog(filename)
    expect(log).toHaveLength(EVENTS)

    server = await startNatsServer()
    const own = server
    monitor = await connect({ servers: own.url, maxReconnectAttempts: -1, reconnectTimeWait: 100 })
    const watcher = monitor
    const stream = 'TICKETS_RESTART'
    const subjectPrefix = 'tickets'
    // File storage, and a duplicate window far longer than the test.
    await ensureTicketStream({ nats: watcher, stream, subjectPrefix, storage: 'file', duplicateWindowMs: 30 * 60_000 })
    const args = [filename, own.url, stream, subjectPrefix, checkpointFile]
    /** The stream's count, or -1 while the server is down or recovering. */
    const stored = () => streamCount(watcher, stream).catch(() => -1)
    const reached = async (count: number) => {
      let seen = -1
      await eventually(
        async () => {
          seen = await stored()
          return seen >= count
        },
        `${count} events in the stream`,
        45_000,
      )
      return seen
    }

    const countsAtFaults: number[] = []
    let relay = startRelay(args)
    children.push(relay)
    countsAtFaults.push(await reached(1500))
    await kill(relay) // crash 1

    relay = startRelay(args)
    children.push(relay)
    countsAtFaults.push(await reached(4000))
    await own.kill() // the server dies under the running relay …
    await new Promise((resolve) => setTimeout(resolve, 300))
    await own.restart() // … and comes back on the same port and store

    countsAtFaults.push(await reached(6500))
    await kill(relay) // crash 2

    relay = startRelay(args)
    children.push(relay)
    await eventually(
      () => {
        try {
          return readFileSync(checkpointFile, 'utf8') === log.at(-1)?.id
        } catch {
          return false
        }
      },
      'the checkpoint to reach the last event',
      45_000,
    )
    await eventually(() => relay.output().includes('started'), 'the last relay to start')
    relay.process.kill('SIGTERM')
    expect(await relay.exited, relay.output()).toEqual({ code: 0, signal: null })
    const final = JSON.parse(relay.output().trim().split('\n').at(-1) ?? '{}') as RelayStopped
    expect(final.afterId).toBe(log.at(-1)?.id)

    console.log(`relay restart test: faults at ${countsAtFaults.join(', ')} events stored; last run ${JSON.stringify(final)}`)
    // Every fault hit a relay that was not done yet.
    for (const count of countsAtFaults) expect(count).toBeLessThan(EVENTS)

    const messages = await readStream(watcher, stream)
    expect(messages).toHaveLength(EVENTS)
    const events = messages.map((message) => JSON.parse(message.body) as TicketEvent)
    for (const [index, message] of messages.entries()) expect(message.headers['Nats-Msg-Id']).toBe(events[index]?.id)
    expect(new Set(events.map((event) => event.id)).size).toBe(EVENTS)
    expect(byTicket(events)).toEqual(byTicket(log))
  })
})
