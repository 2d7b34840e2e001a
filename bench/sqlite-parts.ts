/**
 * What a SQLite command costs, part by part, in numbers a busy machine cannot blur:
 * CPU instructions (valgrind's callgrind counts the same total for the same run, however
 * loaded the machine is) and WAL pages written per command (each a frame of one page,
 * 4 KiB by default, that the checkpoint later syncs and copies into the database file).
 *
 *   TSX_TSCONFIG_PATH=bench/tsconfig.json NODE_ENV=production node --import tsx bench/sqlite-parts.ts
 *
 * runs every variant under callgrind for `SMALL` and `LARGE` commands and prints a
 * Markdown table; instructions per command = (count at LARGE − count at SMALL) /
 * (LARGE − SMALL), which cancels Node's start-up and the file's creation. Every variant
 * is counted inside SQLite (`sqlite3_step`: the statements and the commit); the whole
 * paths are also counted in all. The counted runs start from a bundle of this file under
 * `node --predictable` (`callgrind-bundle.ts`), so both counts are steady: two runs of the
 * service path gave 617,063 and 617,049 instructions per command in all.
 * It takes about 45 minutes on a busy two-core machine; a first argument runs only the variants whose names match it as a
 * regular expression (`^service`, `^raw`, `minimal`). The other modes are the runs it makes:
 *
 *   … bench/sqlite-parts.ts record <commands> <batches.json>   the mix's batches, through the service
 *   … bench/sqlite-parts.ts run <variant> <batches.json> <db>  one variant (under callgrind)
 *   … bench/sqlite-parts.ts pages <variant> <batches.json> <db> WAL pages per command
 *
 * `service` is the whole path (`execute` through `sqliteStore`, the same command mix);
 * `raw` is the store's statements on better-sqlite3 for the batches that run appended;
 * the others are `raw` with one part left out or changed, and `minimal` is the minimal
 * event store of `bench/sqlite.ts`.
 */
import { execFileSync, spawnSync } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { AppendBatch } from 'ticket-events'
import { createIdFactory, createTicketService } from 'ticket-events'
import { sqliteStore } from 'ticket-events/sqlite'
import { bundleForCallgrind, COUNTED_RUN_FLAGS } from './callgrind-bundle.js'
import { migrateFile, openMinimalWriter, openRawWriter, type RawVariant } from './sqlite.js'
import { costVariants } from './sqlite-costs.js'
import { recording, runCommandMix } from './store-workload.js'

const SMALL = 300
const LARGE = 900
const TICKETS = 50

/** Every variant the table shows, by name: `raw` options, or the service and minimal paths. */
const VARIANTS: Record<string, RawVariant | 'service' | 'minimal'> = {
  'service: execute through sqliteStore (the whole path)': 'service',
  'raw: the store statements on better-sqlite3': {},
  ...costVariants,
  'raw, without the version check': { versionCheck: false },
  'raw, without foreign_keys': { pragmas: ['foreign_keys = OFF'] },
  'raw, without the snapshots': { snapshots: false },
  'minimal event store (event rows + one projection upsert)': 'minimal',
}

const mode = process.argv[2]
if (mode === 'record') await record(Number(process.argv[3]), process.argv[4] as string)
else if (mode === 'run') await run(process.argv[3] as string, process.argv[4] as string, process.argv[5] as string)
else if (mode === 'pages') await pages(process.argv[3] as string, process.argv[4] as string, process.argv[5] as string)
else await table(mode)

/** Runs the mix through the service and writes the batches it appended (with the command count). */
async function record(commands: number, file: string): Promise<void> {
  const batches: AppendBatch[] = []
  const directory = mkdtempSync(join(tmpdir(), 'ticket-events-sqlite-parts-'))
  const tickets = createTicketService({
    store: recording(sqliteStore({ filename: join(directory, 'record.db') }), batches),
    ctx: { newId: createIdFactory() },
  })
  await runCommandMix(tickets, commands, TICKETS)
  await tickets.close()
  rmSync(directory, { recursive: true, force: true })
  writeFileSync(file, JSON.stringify({ commands, batches }))
}

/** One variant's run: the service runs the mix itself; the others write the recorded batches. */
async function run(name: string, batchesFile: string, filename: string): Promise<void> {
  const variant = VARIANTS[name]
  if (variant === undefined) throw new Error(`no variant ${name}`)
  const { commands, batches } = JSON.parse(readFileSync(batchesFile, 'utf8')) as { commands: number; batches: AppendBatch[] }
  if (variant === 'service') {
    await migrateFile(filename)
    const tickets = createTicketService({ store: sqliteStore({ filename }), ctx: { newId: createIdFactory() } })
    await runCommandMix(tickets, commands, TICKETS)
    await tickets.close()
    return
  }
  if (variant !== 'minimal') await migrateFile(filename, variant.pageSize)
  const { write, database } = variant === 'minimal' ? openMinimalWriter(filename) : openRawWriter(filename, variant)
  for (const batch of batches) write(batch)
  database.close()
}

/** WAL pages written per command: the WAL is never checkpointed, so its size counts every frame. */
async function pages(name: string, batchesFile: string, filename: string): Promise<void> {
  const variant = VARIANTS[name]
  if (variant === undefined || variant === 'service') throw new Error(`no page count for ${name}`)
  const { commands, batches } = JSON.parse(readFileSync(batchesFile, 'utf8')) as { commands: number; batches: AppendBatch[] }
  if (variant !== 'minimal') await migrateFile(filename, variant.pageSize)
  const { write, database } = variant === 'minimal' ? openMinimalWriter(filename) : openRawWriter(filename, variant)
  database.pragma('wal_checkpoint(TRUNCATE)')
  database.pragma('wal_autocheckpoint = 0')
  for (const batch of batches) write(batch)
  const pageSize = database.pragma('page_size', { simple: true }) as number
  const walBytes = statSync(`${filename}-wal`).size - 32
  const frames = walBytes / (24 + pageSize)
  database.close()
  console.log(`${(frames / commands).toFixed(2)} | ${(walBytes / 1024 / commands).toFixed(1)}`)
}

/** Every variant (or those whose names match `only`) under callgrind at two sizes, and its WAL pages: a Markdown table. */
async function table(only: string | undefined): Promise<void> {
  const directory = mkdtempSync(join(tmpdir(), 'ticket-events-sqlite-parts-'))
  const self = [await bundleForCallgrind(import.meta.url, 'sqlite-parts')]
  const files: Record<number, string> = { [SMALL]: join(directory, 'small.json'), [LARGE]: join(directory, 'large.json') }
  try {
    for (const [size, file] of Object.entries(files)) execFileSync(process.execPath, [...self, 'record', size, file])
    const rows: string[] = [
      '| variant | instructions per command, all | in SQLite (`sqlite3_step`) | WAL pages per command | WAL KiB per command |',
      '| --- | ---: | ---: | ---: | ---: |',
    ]
    let round = 0
    const perCommand = (name: string, inSqlite: boolean): number => {
      const [small, large] = [SMALL, LARGE].map((size) =>
        instructions(self, name, files[size] as string, join(directory, `${++round}.db`), inSqlite),
      ) as [number, number]
      return (large - small) / (LARGE - SMALL)
    }
    const format = (count: number) => Math.round(count).toLocaleString('en-US')
    for (const name of Object.keys(VARIANTS).filter((variant) => only === undefined || new RegExp(only).test(variant))) {
      // The totals are for the whole paths only: for one part, the noise of JavaScript is larger than the part.
      const whole = name.startsWith('service') || name.startsWith('raw:')
      const all = whole ? format(perCommand(name, false)) : ''
      const inSqlite = format(perCommand(name, true))
      const walPages =
        VARIANTS[name] === 'service'
          ? ' | '
          : execFileSync(process.execPath, [...self, 'pages', name, files[LARGE] as string, join(directory, `${++round}.db`)], {
              encoding: 'utf8',
            }).trim()
      const row = `| ${name} | ${all} | ${inSqlite} | ${walPages} |`
      console.log(row)
      rows.push(row)
    }
    console.log(`\n${rows.join('\n')}`)
  } finally {
    rmSync(directory, { recursive: true, force: true })
  }
}

/**
 * The instructions callgrind counts for one run of `name` (its `I refs` line, on stderr):
 * all of them, or with `inSqlite` only those inside `sqlite3_step` — every statement and
 * commit, without JavaScript.
 */
function instructions(self: readonly string[], name: string, batchesFile: string, filename: string, inSqlite: boolean): number {
  const result = spawnSync(
    'valgrind',
    [
      '--tool=callgrind',
      '--callgrind-out-file=/dev/null',
      ...(inSqlite ? ['--toggle-collect=sqlite3_step'] : []),
      process.execPath,
      ...COUNTED_RUN_FLAGS,
      ...self,
      'run',
      name,
      batchesFile,
      filename,
    ],
    { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 },
  )
  const refs = /I\s+refs:\s+([\d,]+)/.exec(result.stderr)?.[1]
  if (result.status !== 0 || refs === undefined) throw new Error(`callgrind run of ${name} failed:\n${result.stderr.slice(-2000)}`)
  return Number(refs.replaceAll(',', ''))
}
