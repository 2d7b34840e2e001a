import { type ChildProcess, spawn } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { createRequire } from 'node:module'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { build } from 'esbuild'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { deriveChangeEvents, replay, TICKET_SCHEMA_VERSION, type TicketEvent } from '../../src/index.js'
import { sqliteStore } from '../../src/stores/sqlite/index.js'

const WRITER_SOURCE = fileURLToPath(new URL('../fixtures/sqlite-crash-writer.ts', import.meta.url))
const WORKSPACE = '0a000000-0000-4000-8000-000000000001'
const RUNS = 20
const EPOCH = '1970-01-01T00:00:00.000Z'

const directory = mkdtempSync(join(tmpdir(), 'ticket-events-sqlite-crash-'))
const filename = join(directory, 'tickets.db')
const writer = join(directory, 'writer.mjs')
afterAll(() => rmSync(directory, { recursive: true, force: true }))

// The writer is bundled once into plain JavaScript, so each of the 20 child processes
// starts in a fraction of the time a TypeScript loader would take. better-sqlite3 stays
// external, imported by absolute path because the bundle lives outside the project.
beforeAll(async () => {
  const driver = createRequire(import.meta.url).resolve('better-sqlite3')
  await build({
    entryPoints: [WRITER_SOURCE],
    outfile: writer,
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    logLevel: 'silent',
    plugins: [
      {
        name: 'better-sqlite3-by-path',
        setup(builder) {
          builder.onResolve({ filter: /^better-sqlite3$/ }, () => ({ path: driver, external: true }))
        },
      },
    ],
  })
})

interface Acknowledged {
  readonly ticketId: string
  readonly commandId: string
}

/**
 * Starts the writer, waits for its first acknowledged command, lets it run a random
 * while longer and kills it with SIGKILL. Returns the commands it acknowledged.
 */
async function runAndKill(run: number): Promise<Acknowledged[]> {
  const child: ChildProcess = spawn(process.execPath, [writer, filename, String(run)], {
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  const acknowledged: Acknowledged[] = []
  let pending = ''
  let errors = ''
  child.stderr?.on('data', (chunk: Buffer) => {
    errors += chunk.toString()
  })
  const exited = new Promise<NodeJS.Signals | null>((resolve) => child.on('exit', (_code, signal) => resolve(signal)))
  const firstAck = new Promise<void>((resolve) => {
    child.stdout?.on('data', (chunk: Buffer) => {
      pending += chunk.toString()
      const lines = pending.split('\n')
      pending = lines.pop() ?? ''
      for (const line of lines) {
        const [ticketId, commandId] = line.split(' ')
        if (ticketId && commandId) acknowledged.push({ ticketId, commandId })
      }
      if (acknowledged.length > 0) resolve()
    })
  })
  await Promise.race([firstAck, exited])
  await new Promise((resolve) => setTimeout(resolve, Math.random() * 150))
  child.kill('SIGKILL')
  const signal = await exited
  expect(signal, `the writer stopped on its own: ${errors}`).toBe('SIGKILL')
  return acknowledged
}

/** Checks the file after a kill: acknowledged commands kept, batches whole, projection = replay. */
async function verify(acknowledged: readonly Acknowledged[]): Promise<void> {
  const store = sqliteStore({ filename })
  try {
    await store.migrate()
    const log: TicketEvent[] = []
    for (;;) {
      const after = log.at(-1)?.id
      const page = await store.readEvents({ limit: 1000, ...(after === undefined ? {} : { afterId: after }) })
      if (page.length === 0) break
      log.push(...page)
    }
    const byId = new Set(log.map((event) => event.id))

    const streams = new Map<string, TicketEvent[]>()
    for (const event of log) streams.set(event.ticketId, [...(streams.get(event.ticketId) ?? []), event])
    for (const [ticketId, stream] of streams) {
      // Versions contiguous from 1, in log order.
      expect(stream.map((event) => event.version)).toEqual(stream.map((_, index) => index + 1))
      // Every ticket:updated is followed by exactly the derived events it implies.
      stream.forEach((event, index) => {
        if (event.type !== 'ticket:updated') return
        const expected = deriveChangeEvents(event.payload).map((draft) => draft.type)
        const following = stream.slice(index + 1, index + 1 + expected.length)
        expect(
          following.map((next) => next.type),
          `${ticketId} v${event.version}`,
        ).toEqual(expected)
        for (const next of following) expect(next.meta.causationId).toBe(event.id)
      })
      // Every stored batch is whole: its command record lists exactly the events stored for it.
      const commandIds = new Set(stream.map((event) => event.meta.commandId))
      for (const commandId of commandIds) {
        expect(commandId).toBeDefined()
        const record = await store.findCommand(ticketId, commandId as string, EPOCH)
        const stored = stream.filter((event) => event.meta.commandId === commandId)
        expect(record?.events.map((event) => event.id)).toEqual(stored.map((event) => event.id))
      }
      // The projection row is the replay of the whole stream, and so is snapshot + tail.
      const whole = await store.loadStream(ticketId, { snapshotSchemaVersion: -1 })
      const fromSnapshot = await store.loadStream(ticketId, { snapshotSchemaVersion: TICKET_SCHEMA_VERSION })
      const replayed = replay(whole?.events ?? [])
      expect(whole?.snapshot).toBeNull()
      expect(replay(fromSnapshot?.events ?? [], fromSnapshot?.snapshot ?? null)).toEqual(replayed)
      const listed = await store.listTickets({
        workspaceId: WORKSPACE,
        assigneeIds: [],
        chatIds: [],
        tagIds: [],
        includeRemoved: true,
        pageNumber: 1,
        pageSize: 100,
      })
      expect(listed.find((ticket) => ticket.id === ticketId)).toEqual(replayed)
      expect(listed).toHaveLength(streams.size)
    }

    // Every acknowledged command is stored, with all of its events.
    for (const { ticketId, commandId } of acknowledged) {
      const record = await store.findCommand(ticketId, commandId, EPOCH)
      expect(record, `acknowledged ${commandId} is missing`).not.toBeNull()
      expect(record?.events.length).toBeGreaterThan(0)
      for (const event of record?.events ?? []) expect(byId.has(event.id), `event of ${commandId}`).toBe(true)
    }
  } finally {
    await store.close()
  }
}

describe('sqliteStore crash safety', () => {
  it('keeps every acknowledged command and no partial batch when the writer is killed with SIGKILL', async () => {
    const everAcknowledged: Acknowledged[] = []
    for (let run = 0; run < RUNS; run++) {
      everAcknowledged.push(...(await runAndKill(run)))
      await verify(everAcknowledged)
    }
    expect(everAcknowledged.length).toBeGreaterThanOrEqual(RUNS)
  })
})
