/**
 * What a command costs in JavaScript, in numbers a busy machine cannot blur: CPU
 * instructions counted by valgrind's callgrind, with Node started as `node --predictable`
 * (JIT compilation and garbage collection on the main thread, fixed seeds), so two runs
 * of the same path count the same total to within 0.01 %, where wall-clock and CPU time
 * on a shared two-core machine move by ±30 % between runs.
 *
 *   npm run bench:instructions             every path (about 6 minutes)
 *   npm run bench:instructions -- service  the paths whose names match a regular expression
 *
 * The command mix (`bench/command-mix.ts`, round-robin over 50 tickets, ids from a fixed
 * clock and a fixed random source) is recorded once outside callgrind; each path then
 * runs the first `SMALL` and the first `LARGE` commands of it under callgrind, and
 * instructions per command = (count at LARGE − count at SMALL) / (LARGE − SMALL), which
 * cancels Node's start-up. `read only` reads the recording and does nothing else: the
 * other rows are shown with it subtracted, so each is what its path adds per command.
 *
 *   … bench/instructions.ts record <file>               the recording (the mix through `handle`)
 *   … bench/instructions.ts run <path> <file> <count>   one path (what callgrind counts)
 *
 * Both run from a bundle of this file (see `callgrind-bundle.ts`), not through tsx.
 */
import { spawn, spawnSync } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { type Command, createIdFactory, createTicketService, handle, parseCommand, type Ticket, type TicketStore } from 'ticket-events'
import { memoryStore } from 'ticket-events/memory'
import { commandSchema } from 'ticket-events/schemas'
import { safeParse } from 'zod/mini'
import { bundleForCallgrind, COUNTED_RUN_FLAGS } from './callgrind-bundle.js'
import { createCommand, nextCommand } from './command-mix.js'
import { benchTicketId } from './store-workload.js'

const SMALL = 2_000
const LARGE = 12_000
const TICKETS = 50

/** One recorded step: the ticket and the command as a caller would send it. */
interface Step {
  readonly ticketId: string
  readonly command: Command
}

/** Reproducible ids: the same commands get the same ids in every run, so recorded comment ids exist when replayed. */
function fixedIds(): { newId: () => string; now: () => Date } {
  let issued = 0
  const base = Date.parse('2026-01-01T00:00:00Z')
  return {
    newId: createIdFactory({ now: () => base + Math.floor(issued++ / 64), random: () => 0.5 }),
    now: () => new Date(base),
  }
}

/** The paths counted, each running `steps` from the recording. */
const PATHS: Record<string, (steps: readonly Step[]) => Promise<void> | void> = {
  'read only': () => {},
  parseCommand: (steps) => {
    for (const { command } of steps) parseCommand(command)
  },
  'the command schema alone (zod safeParse)': (steps) => {
    for (const { command } of steps) safeParse(commandSchema, command)
  },
  'parseCommand, then handle on the parsed commands': (steps) => {
    const parsed = steps.map(({ ticketId, command }) => ({ ticketId, command: parseCommand(command) }))
    runHandle(parsed)
  },
  'handle, commands as sent (validated by handle)': (steps) => runHandle(steps),
  'service execute, a store that keeps nothing (the service alone)': async (steps) => {
    const tickets = createTicketService({ store: storeKeepingNothing(), ctx: fixedIds() })
    for (const { ticketId, command } of steps) await tickets.execute(ticketId, command)
    await tickets.close()
  },
  'service execute, memory store': async (steps) => {
    const tickets = createTicketService({ store: memoryStore(), ctx: fixedIds() })
    for (const { ticketId, command } of steps) await tickets.execute(ticketId, command)
    await tickets.close()
  },
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

/** Runs the mix through `handle` and writes its steps to `file`. */
function record(file: string): void {
  const ctx = fixedIds()
  const states = new Map<string, Ticket>()
  const steps: Step[] = []
  for (let step = 0; step < LARGE; step++) {
    const ticketId = benchTicketId(step % TICKETS)
    const state = states.get(ticketId)
    const command = state === undefined ? { ...createCommand, ticketId } : nextCommand(state, step)
    steps.push({ ticketId, command })
    states.set(ticketId, handle(state ?? null, command, ctx).state)
  }
  writeFileSync(file, JSON.stringify(steps))
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
if (mode === 'record') record(rest[0] as string)
else if (mode === 'run') {
  const [path, file, count] = rest as [string, string, string]
  const steps = (JSON.parse(readFileSync(file, 'utf8')) as Step[]).slice(0, Number(count))
  const run = PATHS[path]
  if (run === undefined) throw new Error(`no path named ${path}`)
  await run(steps)
} else await table(mode)
