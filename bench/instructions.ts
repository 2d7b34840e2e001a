/**
 * What a command costs in JavaScript, in numbers a busy machine cannot blur: CPU
 * instructions counted by valgrind's callgrind, with Node started as `node --predictable`
 * (JIT compilation and garbage collection on the main thread, fixed seeds), so two runs
 * of the same path count the same total to within 0.01 %, where wall-clock and CPU time
 * on a shared two-core machine move by ±30 % between runs.
 *
 *   npm run bench:instructions             every path (about 12 minutes)
 *   npm run bench:instructions -- service  the paths whose names match a regular expression
 *
 * The command mix (`bench/command-mix.ts`, round-robin over 50 tickets, ids from a fixed
 * clock and a fixed random source) is recorded once outside callgrind, with the batches
 * the service appended for it (the SQLite paths write them); each path then
 * runs the first `SMALL` and the first `LARGE` commands of it under callgrind, and
 * instructions per command = (count at LARGE − count at SMALL) / (LARGE − SMALL), which
 * cancels Node's start-up. `read only` reads the recording and does nothing else: the
 * other rows are shown with it subtracted, so each is what its path adds per command.
 *
 *   … bench/instructions.ts record <file>               the recording (the mix through the service)
 *   … bench/instructions.ts run <path> <file> <count>   one path (what callgrind counts)
 *
 * Both run from a bundle of this file (see `callgrind-bundle.ts`), not through tsx.
 */
import { spawn, spawnSync } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import Database from 'better-sqlite3'
import { type AppendBatch, type Command, createTicketService, handle, parseCommand, type Ticket, type TicketStore } from 'ticket-events'
import { memoryStore } from 'ticket-events/memory'
import { commandSchema } from 'ticket-events/schemas'
import { sqliteStore } from 'ticket-events/sqlite'
import { safeParse } from 'zod/mini'
import { bundleForCallgrind, COUNTED_RUN_FLAGS } from './callgrind-bundle.js'
import { createCommand, nextCommand } from './command-mix.js'
import { openRawWriter } from './sqlite.js'
import { benchTicketId, recording, reproducibleIds } from './store-workload.js'

const SMALL = 2_000
const LARGE = 12_000
const TICKETS = 50

/** One recorded step: the ticket and the command as a caller would send it. */
interface Step {
  readonly ticketId: string
  readonly command: Command
}

/**
 * The recording a path runs: its steps, and the batches the service appended for them
 * (read from their own file only by the paths that write them, so the other paths' heap,
 * which the counts include the garbage collection of, is the same as without them).
 */
interface Recorded {
  readonly steps: readonly Step[]
  readonly batches: () => readonly AppendBatch[]
}

/** Reproducible ids and a fixed clock: the same commands get the same ids and times in every run, so recorded comment ids exist when replayed. */
function fixedIds(): { newId: () => string; now: () => Date } {
  const base = Date.parse('2026-01-01T00:00:00Z')
  return { newId: reproducibleIds(), now: () => new Date(base) }
}

/** The paths counted, each running `steps` from the recording. */
const PATHS: Record<string, (recorded: Recorded) => Promise<void> | void> = {
  'read only': () => {},
  parseCommand: ({ steps }) => {
    for (const { command } of steps) parseCommand(command)
  },
  'the command schema alone (zod safeParse)': ({ steps }) => {
    for (const { command } of steps) safeParse(commandSchema, command)
  },
  'parseCommand, then handle on the parsed commands': ({ steps }) => {
    const parsed = steps.map(({ ticketId, command }) => ({ ticketId, command: parseCommand(command) }))
    runHandle(parsed)
  },
  'handle, commands as sent (validated by handle)': ({ steps }) => runHandle(steps),
  'service execute, a store that keeps nothing (the service alone)': async ({ steps }) => {
    const tickets = createTicketService({ store: storeKeepingNothing(), ctx: fixedIds() })
    for (const { ticketId, command } of steps) await tickets.execute(ticketId, command)
    await tickets.close()
  },
  'service execute, memory store': async ({ steps }) => {
    const tickets = createTicketService({ store: memoryStore(), ctx: fixedIds() })
    for (const { ticketId, command } of steps) await tickets.execute(ticketId, command)
    await tickets.close()
  },
  // The SQLite paths run on one in-memory database each (SQLite's own work is the same for
  // both, statement for statement), so their difference is JavaScript alone.
  'SQLite (in memory): the store statements on better-sqlite3, recorded batches': async ({ batches }) => {
    const { write, database } = openRawWriter(await migratedMemoryDatabase())
    for (const batch of batches()) write(batch)
    database.close()
  },
  'SQLite (in memory): the store append alone, recorded batches': async ({ batches }) => {
    const database = await migratedMemoryDatabase()
    const store = sqliteStore({ database, migrate: false })
    for (const batch of batches()) await store.append(batch)
    database.close()
  },
  'SQLite (in memory): service execute through sqliteStore': async ({ steps }) => {
    const database = await migratedMemoryDatabase()
    const tickets = createTicketService({ store: sqliteStore({ database, migrate: false }), ctx: fixedIds() })
    for (const { ticketId, command } of steps) await tickets.execute(ticketId, command)
    await tickets.close()
    database.close()
  },
}

/** A new in-memory SQLite database with the store's tables and the pragmas it sets on a file it opens. */
async function migratedMemoryDatabase(): Promise<Database.Database> {
  const database = new Database(':memory:')
  database.pragma('foreign_keys = ON')
  await sqliteStore({ database }).migrate()
  return database
}

/**
 * A store that stores nothing and knows only each ticket's version: the service's cache
 * holds every ticket of the mix, so `execute` never loads, and what it costs is the
 * service's own work around `handle`.
 */
function storeKeepingNothing(): TicketStore {
  const versions = new Map<string, number>()
  return {
    name: 'nothing',
    migrate: async () => {},
    loadStream: async () => null,
    append: async (batch) => {
      versions.set(batch.ticketId, batch.state.version)
    },
    readEvents: async () => [],
    listTickets: async () => [],
    findCommand: async () => null,
    currentVersion: async (ticketId) => versions.get(ticketId) ?? 0,
    close: async () => {},
  }
}

function runHandle(steps: readonly Step[]): void {
  const ctx = fixedIds()
  const states = new Map<string, Ticket>()
  for (const { ticketId, command } of steps) states.set(ticketId, handle(states.get(ticketId) ?? null, command, ctx).state)
}

/**
 * Runs the mix through the service on a memory store and writes its steps to `file`, and
 * beside them (`<file>.batches`) the batch each step appended, `null` for a no-op.
 */
async function record(file: string): Promise<void> {
  const appended: AppendBatch[] = []
  const tickets = createTicketService({ store: recording(memoryStore(), appended), ctx: fixedIds() })
  const states = new Map<string, Ticket>()
  const steps: Step[] = []
  const batches: (AppendBatch | null)[] = []
  for (let step = 0; step < LARGE; step++) {
    const ticketId = benchTicketId(step % TICKETS)
    const state = states.get(ticketId)
    const command = state === undefined ? { ...createCommand, ticketId } : nextCommand(state, step)
    const before = appended.length
    states.set(ticketId, (await tickets.execute(ticketId, command)).state)
    steps.push({ ticketId, command })
    batches.push(appended[before] ?? null)
  }
  await tickets.close()
  writeFileSync(file, JSON.stringify(steps))
  writeFileSync(`${file}.batches`, JSON.stringify(batches))
}

/** The instructions callgrind counts for `path` over the first `count` steps (its `I refs` line, on stderr). */
function instructions(self: readonly string[], path: string, file: string, count: number): Promise<number> {
  return new Promise((resolve, reject) => {
    const child = spawn(
      'valgrind',
      [
        '--tool=callgrind',
        '--callgrind-out-file=/dev/null',
        process.execPath,
        ...COUNTED_RUN_FLAGS,
        ...self,
        'run',
        path,
        file,
        String(count),
      ],
      { stdio: ['ignore', 'ignore', 'pipe'] },
    )
    let stderr = ''
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
      stderr += chunk
    })
    child.on('error', reject)
    child.on('close', (code) => {
      const refs = /I\s+refs:\s+([\d,]+)/.exec(stderr)?.[1]
      if (code !== 0 || refs === undefined) reject(new Error(`callgrind run of ${path} failed:\n${stderr.slice(-2000)}`))
      else resolve(Number(refs.replaceAll(',', '')))
    })
  })
}

/** Every path (or those matching `only`) at both sizes, two callgrind runs at a time: a Markdown table. */
async function table(only: string | undefined): Promise<void> {
  if (spawnSync('valgrind', ['--version']).status !== 0) {
    console.log('bench:instructions skipped: valgrind is not installed (Debian/Ubuntu: apt-get install valgrind).')
    return
  }
  const directory = mkdtempSync(join(tmpdir(), 'ticket-events-instructions-'))
  const file = join(directory, 'steps.json')
  try {
    const self = [await bundleForCallgrind(import.meta.url, 'instructions')]
    const recorded = spawnSync(process.execPath, [...self, 'record', file], { stdio: 'inherit' })
    if (recorded.status !== 0) throw new Error('recording the command mix failed')
    const names = Object.keys(PATHS).filter((name) => name === 'read only' || only === undefined || new RegExp(only).test(name))
    const perCommand = new Map<string, number>()
    for (const name of names) {
      const [small, large] = await Promise.all([instructions(self, name, file, SMALL), instructions(self, name, file, LARGE)])
      perCommand.set(name, (large - small) / (LARGE - SMALL))
    }
    const baseline = perCommand.get('read only') ?? 0
    const format = (count: number) => Math.round(count).toLocaleString('en-US')
    console.log(`\n| path (${LARGE - SMALL} commands of the mix, ${TICKETS} tickets) | instructions per command | minus \`read only\` |`)
    console.log('| --- | ---: | ---: |')
    for (const [name, count] of perCommand)
      console.log(`| ${name} | ${format(count)} | ${name === 'read only' ? '' : format(count - baseline)} |`)
  } finally {
    rmSync(directory, { recursive: true, force: true })
  }
}

const [mode, ...rest] = process.argv.slice(2)
if (mode === 'record') await record(rest[0] as string)
else if (mode === 'run') {
  const [path, file, count] = rest as [string, string, string]
  const steps = (JSON.parse(readFileSync(file, 'utf8')) as Step[]).slice(0, Number(count))
  const batches = () =>
    (JSON.parse(readFileSync(`${file}.batches`, 'utf8')) as (AppendBatch | null)[])
      .slice(0, Number(count))
      .filter((batch) => batch !== null)
  const run = PATHS[path]
  if (run === undefined) throw new Error(`no path named ${path}`)
  await run({ steps, batches })
} else await table(mode)
