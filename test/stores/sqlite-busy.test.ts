/**
 * Two processes writing one SQLite file with `busyTimeoutMs: 0`: every lock a writer
 * meets must surface as a typed, retryable error, nothing may be lost or applied twice,
 * and the file must pass `PRAGMA integrity_check`.
 */
import { spawn } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import Database from 'better-sqlite3'
import { afterAll, describe, expect, it } from 'vitest'
import { type Command, replay, type TicketEvent } from '../../src/index.js'
import { createTicketService } from '../../src/service/index.js'
import { sqliteStore } from '../../src/stores/sqlite/index.js'
import { type BusyWriterLine, type DescribedError, runBusyWriter } from '../fixtures/sqlite-busy-loop.js'

const WRITER = fileURLToPath(new URL('../fixtures/sqlite-busy-writer.ts', import.meta.url))
const WORKSPACE = '0a000000-0000-4000-8000-000000000001'
const CHAT = '0c000000-0000-4000-8000-000000000001'
const TICKETS = ['07100000-0000-4000-8000-000000000001', '07100000-0000-4000-8000-000000000002']
const COMMANDS_PER_PROCESS = 150
/** The parent holds the write lock until the child has met it this many times. */
const LOCKED_OUT_AT_LEAST = 3

const directory = mkdtempSync(join(tmpdir(), 'ticket-events-sqlite-busy-'))
afterAll(() => rmSync(directory, { recursive: true, force: true }))

const create: Command = {
  type: 'create',
  workspaceId: WORKSPACE,
  chatId: CHAT,
  ticketingTeamId: null,
  assigneeId: null,
  status: 'pending',
}
const pause = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms))

/** Runs the writer in a child process and collects its lines. */
function startChild(filename: string) {
  const child = spawn(process.execPath, ['--import', 'tsx', WRITER, filename, 'child', String(COMMANDS_PER_PROCESS), ...TICKETS], {
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  const lines: BusyWriterLine[] = []
  let pending = ''
  let stderr = ''
  child.stdout.on('data', (chunk: Buffer) => {
    pending += chunk.toString()
    const complete = pending.split('\n')
    pending = complete.pop() ?? ''
    for (const line of complete) if (line.trim() !== '') lines.push(JSON.parse(line) as BusyWriterLine)
  })
  child.stderr.on('data', (chunk: Buffer) => {
    stderr += chunk.toString()
  })
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)))
  return { lines, exited, stderr: () => stderr, running: () => child.exitCode === null }
}

const errorsIn = (lines: readonly BusyWriterLine[]): DescribedError[] => lines.flatMap((line) => ('error' in line ? [line.error] : []))
const acksIn = (lines: readonly BusyWriterLine[]) => lines.flatMap((line) => ('ack' in line ? [line] : []))

describe('sqliteStore with two processes and busyTimeoutMs: 0', () => {
  it('types every lock as a retryable error, loses and doubles nothing, and leaves a file that passes integrity_check', async () => {
    const started = performance.now()
    const filename = join(directory, 'two-processes.db')
    const setup = createTicketService({ store: sqliteStore({ filename }) })
    for (const ticketId of TICKETS) await setup.execute(ticketId, create)
    await setup.close()

    const child = startChild(filename)
    // Start writing here once the child writes too (its TypeScript loader takes a moment).
    while (acksIn(child.lines).length === 0 && child.running()) await pause(5)
    const parentLines: BusyWriterLine[] = []
    const parent = runBusyWriter({
      filename,
      label: 'parent',
      count: COMMANDS_PER_PROCESS,
      ticketIds: TICKETS,
      report: (line) => parentLines.push(line),
      // Yield after each command, so the child gets its turns at the lock.
      onAck: () => pause(0),
    })
    // Meanwhile hold the write lock from a third connection until the child has been turned
    // away a few times, so the test never depends on the two writers happening to collide.
    const lockOut = (async () => {
      const holder = new Database(filename)
      holder.exec('BEGIN IMMEDIATE')
      while (errorsIn(child.lines).length < LOCKED_OUT_AT_LEAST && child.running()) await pause(5)
      holder.exec('COMMIT')
      holder.close()
    })()

    const [code] = await Promise.all([child.exited, parent, lockOut])
    expect(code, child.stderr()).toBe(0)

    const childErrors = errorsIn(child.lines)
    const parentErrors = errorsIn(parentLines)
    expect(childErrors.length).toBeGreaterThanOrEqual(LOCKED_OUT_AT_LEAST)
    for (const error of [...childErrors, ...parentErrors]) {
      expect(error.ticketError, error.message).toBe(true)
      expect(error.retryable, error.message).toBe(true)
      if (error.code === 'UNAVAILABLE') expect(error.causeCode).toMatch(/^SQLITE_(BUSY|LOCKED)/)
      else expect(error.code).toBe('CONCURRENCY')
    }
    const busy = [...childErrors, ...parentErrors].filter((error) => error.code === 'UNAVAILABLE')
    expect(busy.length).toBeGreaterThanOrEqual(LOCKED_OUT_AT_LEAST)

    const check = new Database(filename, { readonly: true })
    expect(check.pragma('integrity_check', { simple: true })).toBe('ok')
    check.close()

    const acks = [...acksIn(child.lines), ...acksIn(parentLines)]
    expect(new Set(acks.map((ack) => ack.ack)).size).toBe(2 * COMMANDS_PER_PROCESS)
    const store = sqliteStore({ filename })
    const reader = createTicketService({ store })
    const log: TicketEvent[] = (await reader.events({ limit: 1000 })).result.slice()
    for (let page = log; page.length === 1000; log.push(...page)) {
      page = (await reader.events({ limit: 1000, afterId: log.at(-1)?.id as string })).result.slice()
    }
    const bodies = new Map<string, number>()
    for (const ticketId of TICKETS) {
      const stream = log.filter((event) => event.ticketId === ticketId)
      expect(stream.map((event) => event.version)).toEqual(stream.map((_, index) => index + 1))
      const ticket = await reader.load(ticketId)
      expect(ticket).toEqual(replay(stream))
      for (const { body } of Object.values(ticket?.comments ?? {})) bodies.set(body, (bodies.get(body) ?? 0) + 1)
    }
    for (const ticket of (await reader.list({ workspaceId: WORKSPACE })).result) expect(ticket).toEqual(await reader.load(ticket.id))
    // Every acknowledged command is stored exactly once, and nothing else is.
    expect(bodies.size).toBe(acks.length)
    for (const ack of acks) expect(bodies.get(ack.body), ack.body).toBe(1)
    await reader.close()

    const byCode = (errors: readonly DescribedError[]): Record<string, number> => {
      const counts: Record<string, number> = {}
      for (const error of errors) {
        const key = error.causeCode ?? error.code ?? 'untyped'
        counts[key] = (counts[key] ?? 0) + 1
      }
      return counts
    }
    console.info(
      `sqlite busy: ${JSON.stringify({
        commands: acks.length,
        child: byCode(childErrors),
        parent: byCode(parentErrors),
        seconds: Math.round((performance.now() - started) / 100) / 10,
      })}`,
    )
  }, 60_000)

  it('the service waits out a lock held by another connection, with busyTimeoutMs: 0', async () => {
    const filename = join(directory, 'waits.db')
    const tickets = createTicketService({ store: sqliteStore({ filename, busyTimeoutMs: 0 }) })
    const [ticketId] = TICKETS as [string]
    await tickets.execute(ticketId, create)

    const holder = new Database(filename)
    holder.exec('BEGIN IMMEDIATE')
    let locked = true
    let resolvedWhileLocked = false
    const tagged = tickets.execute(ticketId, { type: 'tag', tagId: CHAT }).then((result) => {
      resolvedWhileLocked = locked
      return result
    })
    await pause(200)
    locked = false
    holder.exec('COMMIT')
    holder.close()

    const result = await tagged
    expect(resolvedWhileLocked).toBe(false)
    expect(result.state.tags).toEqual([CHAT])
    expect(await tickets.load(ticketId)).toEqual(result.state)
    await tickets.close()
  })
})
