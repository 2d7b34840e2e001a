/**
 * SQLite store benchmarks: commands/s through the service next to the raw driver
 * writing the same rows, and loading a 100,000-event ticket with and without snapshots.
 */
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import Database from 'better-sqlite3'
import type { AppendBatch } from 'ticket-events'
import { createIdFactory, createTicketService, replay, TICKET_SCHEMA_VERSION, type Ticket } from 'ticket-events'
import { sqliteStore } from 'ticket-events/sqlite'
import { searchable } from '../src/stores/shared/like-pattern.js'
import { sqliteTables } from '../src/stores/sqlite/sqlite-schema.js'
import { sqliteStatements } from '../src/stores/sqlite/sqlite-statements.js'
import { buildStream } from './core.js'
import type { BenchRow, BenchSection } from './report.js'
import { type RecordedMix, recordCommandMix, recording, replayCommandMix, reproducibleIds, runCommandMix } from './store-workload.js'
import { bestOfAsync } from './timing.js'

const TICKETS = 50
const COMMANDS = 5_000
const LONG_STREAM = 100_000
const LOAD_TAIL = 50
/** Rounds of every `execute` path, taking turns; each path's fastest round is kept. */
const ROUNDS = 5

/** Runs `COMMANDS` commands round-robin over `TICKETS` tickets through the service; returns seconds and the batches. */
export async function executeThroughService(filename: string): Promise<{ seconds: number; batches: AppendBatch[] }> {
  const batches: AppendBatch[] = []
  // The tables are made before the clock starts, as for the raw baselines.
  await migrateFile(filename)
  const tickets = createTicketService({ store: recording(sqliteStore({ filename }), batches), ctx: { newId: createIdFactory() } })
  const seconds = await runCommandMix(tickets, COMMANDS, TICKETS)
  await tickets.close()
  return { seconds, batches }
}

/**
 * The recorded mix through the service on `sqliteStore({ filename })` itself (no wrapper
 * around the store): seconds of the `execute` calls alone. Throws unless the file then
 * holds the recording's events, so the run did what the baselines are compared with.
 */
async function replayThroughService(filename: string, mix: RecordedMix): Promise<number> {
  await migrateFile(filename)
  const tickets = createTicketService({ store: sqliteStore({ filename }), ctx: { newId: reproducibleIds() } })
  const seconds = await replayCommandMix(tickets, mix.steps)
  await tickets.close()
  const database = new Database(filename, { readonly: true })
  const stored = database.prepare(`SELECT count(*) AS count FROM ${sqliteTables('ticket_').quoted.events}`).get() as { count: number }
  database.close()
  const recorded = mix.batches.reduce((events, batch) => events + batch.events.length, 0)
  if (stored.count !== recorded) throw new Error(`The service stored ${stored.count} events where the recording appended ${recorded}.`)
  return seconds
}

/** A change to the raw baseline, to measure what one table, index or column costs per command. */
export interface RawVariant {
  /** Statements run on the migrated schema first (drop an index, a trigger…). */
  readonly alter?: readonly string[]
  /** The database's page size in bytes, set on the new file before the store creates its tables (SQLite's default: 4096). */
  readonly pageSize?: number
  /** Pragmas set after the store's own (`wal_autocheckpoint = 10000`, `foreign_keys = OFF`…). */
  readonly pragmas?: readonly string[]
  /** Check the ticket's version first, as the store does (default `true`). */
  readonly versionCheck?: boolean
  /** Write the state JSON into the projection row (default `true`). */
  readonly projectionState?: boolean
  /** Write the tag rows (default `true`). */
  readonly tags?: boolean
  /** Write the audit row (default `true`). */
  readonly audits?: boolean
  /** Write the snapshots the batches carry (default `true`). */
  readonly snapshots?: boolean
  /**
   * Rewrite every projection column and every tag row on each append, as the store did
   * up to 0.2.0 (default `false`): SQLite then rewrites all three projection indexes and
   * the tag rows even when nothing in them changed.
   */
  readonly rewriteEverything?: boolean
}

/** The append of 0.2.0: every projection column set on conflict, the tag rows deleted and inserted again. */
const APPEND_0_2 = {
  upsertProjection: `INSERT INTO ticket_projections (id, workspace_id, chat_id, status, assignee_id, summary_folded, archived, deleted,
      created_at, updated_at, version, state)
    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
    ON CONFLICT (id) DO UPDATE SET
      workspace_id = excluded.workspace_id, chat_id = excluded.chat_id, status = excluded.status,
      assignee_id = excluded.assignee_id, summary_folded = excluded.summary_folded, archived = excluded.archived,
      deleted = excluded.deleted, created_at = excluded.created_at, updated_at = excluded.updated_at,
      version = excluded.version, state = excluded.state`,
  deleteTags: 'DELETE FROM ticket_tags WHERE ticket_id = ?',
  insertTag: 'INSERT OR IGNORE INTO ticket_tags (ticket_id, tag_id) VALUES (?, ?)',
}

/**
 * Opens `file` (migrated by the store beforehand) with better-sqlite3, or takes the open
 * connection given, sets the store's pragmas, and returns a function writing one batch
 * in one `BEGIN IMMEDIATE` transaction with the store's append statements, as `variant` says.
 */
export function openRawWriter(
  file: string | Database.Database,
  variant: RawVariant = {},
): { readonly write: (batch: AppendBatch) => void; readonly database: Database.Database } {
  const database = typeof file === 'string' ? new Database(file) : file
  // The pragmas the store sets on a file it opens.
  database.pragma('journal_mode = WAL')
  database.pragma('synchronous = NORMAL')
  database.pragma('foreign_keys = ON')
  for (const pragma of variant.pragmas ?? []) database.pragma(pragma)
  for (const sql of variant.alter ?? []) database.exec(sql)
  const projectionState = variant.projectionState ?? true
  const rewrite = variant.rewriteEverything ?? false
  const appendSql = sqliteStatements(sqliteTables('ticket_')).append
  const statement = Object.fromEntries(Object.entries(appendSql).map(([key, sql]) => [key, database.prepare(sql)])) as {
    [K in keyof typeof appendSql]: Database.Statement
  }
  const old = Object.fromEntries(Object.entries(APPEND_0_2).map(([key, sql]) => [key, database.prepare(sql)])) as {
    [K in keyof typeof APPEND_0_2]: Database.Statement
  }
  const write = database.transaction((batch: AppendBatch) => {
    if (variant.versionCheck ?? true) {
      const current = statement.currentVersion.get(batch.ticketId) as { version: number }
      if (current.version !== batch.expectedVersion) throw new Error('version mismatch in the raw baseline')
    }
    for (const event of batch.events) {
      statement.insertEvent.run(
        event.id,
        event.ticketId,
        event.workspaceId,
        event.version,
        event.type,
        event.occurredAt,
        JSON.stringify(event.payload),
        JSON.stringify(event.meta),
      )
    }
    const state = batch.state
    ;(rewrite ? old.upsertProjection : statement.upsertProjection).run(
      state.id,
      state.workspaceId,
      state.chatId,
      state.status,
      state.assigneeId,
      state.summary === null ? '' : searchable(state.summary),
      state.archived ? 1 : 0,
      state.deleted ? 1 : 0,
      state.createdAt,
      state.updatedAt,
      state.version,
      projectionState ? JSON.stringify(state) : '',
    )
    if (!rewrite) {
      const keys = [state.workspaceId, state.chatId, state.assigneeId, state.createdAt] as const
      statement.updateProjectionKeys.run(...keys, state.id, ...keys)
    }
    if ((variant.tags ?? true) && rewrite) {
      old.deleteTags.run(state.id)
      for (const tag of state.tags) old.insertTag.run(state.id, tag)
    } else if (variant.tags ?? true) {
      const added = new Set(state.tags)
      for (const { tag_id } of statement.storedTags.all(state.id) as { tag_id: string }[]) {
        if (!added.delete(tag_id)) statement.deleteTag.run(state.id, tag_id)
      }
      for (const tag of added) statement.insertTag.run(state.id, tag)
    }
    const audit = batch.audit
    if (audit !== null && (variant.audits ?? true))
      statement.insertAudit.run(audit.id, audit.ticketId, audit.createdAt, audit.version, JSON.stringify(audit))
    if (batch.snapshot && (variant.snapshots ?? true))
      statement.insertSnapshot.run(
        state.id,
        batch.snapshot.schemaVersion,
        batch.snapshot.state.version,
        JSON.stringify(batch.snapshot.state),
      )
  }).immediate
  return { write, database }
}

/** Creates the store's tables in `filename`, as `sqliteStore` would on first use (with `pageSize`, on a file made with that page size). */
export async function migrateFile(filename: string, pageSize?: number): Promise<void> {
  if (pageSize !== undefined) {
    // A page size holds from the file's first write on; switching to WAL writes the header.
    const database = new Database(filename)
    database.pragma(`page_size = ${pageSize}`)
    database.pragma('journal_mode = WAL')
    database.close()
  }
  const schema = sqliteStore({ filename })
  await schema.migrate()
  await schema.close()
}

/**
 * The baseline: better-sqlite3 on its own, with the store's pragmas, running the store's
 * append statements for the same batches, one transaction per command.
 */
export async function executeRaw(filename: string, batches: readonly AppendBatch[], variant: RawVariant = {}): Promise<number> {
  await migrateFile(filename, variant.pageSize)
  const { write, database } = openRawWriter(filename, variant)
  const start = performance.now()
  for (const batch of batches) write(batch)
  const seconds = (performance.now() - start) / 1000
  database.close()
  return seconds
}

/**
 * The store's part alone: `sqliteStore`'s `append` writing the same batches on a fresh
 * migrated file, without the service (no parse, no decision, no audit built): seconds.
 */
export async function executeStoreAppends(filename: string, batches: readonly AppendBatch[]): Promise<number> {
  const store = sqliteStore({ filename })
  // Creates the tables and opens the file before the clock starts, as the raw baseline does.
  await store.migrate()
  const start = performance.now()
  for (const batch of batches) await store.append(batch)
  const seconds = (performance.now() - start) / 1000
  await store.close()
  return seconds
}

/**
 * The minimal baseline's writer: an event store reduced to its core on better-sqlite3,
 * with SQLite's WAL defaults — event rows (a rowid log, unique per ticket and version)
 * and one projection upsert (the state as JSON) per command, in one transaction.
 */
export function openMinimalWriter(filename: string): {
  readonly write: (batch: AppendBatch) => void
  readonly database: Database.Database
} {
  const database = new Database(filename)
  database.pragma('journal_mode = WAL')
  database.pragma('synchronous = NORMAL')
  database.exec(`CREATE TABLE events (position INTEGER PRIMARY KEY, id TEXT NOT NULL, ticket_id TEXT NOT NULL,
  version INTEGER NOT NULL, type TEXT NOT NULL, data TEXT NOT NULL, UNIQUE (ticket_id, version));
CREATE TABLE projections (id TEXT PRIMARY KEY, version INTEGER NOT NULL, state TEXT NOT NULL)`)
  const insertEvent = database.prepare('INSERT INTO events (id, ticket_id, version, type, data) VALUES (?, ?, ?, ?, ?)')
  const upsert = database.prepare(
    'INSERT INTO projections (id, version, state) VALUES (?, ?, ?) ON CONFLICT (id) DO UPDATE SET version = excluded.version, state = excluded.state',
  )
  const write = database.transaction((batch: AppendBatch) => {
    for (const event of batch.events) insertEvent.run(event.id, event.ticketId, event.version, event.type, JSON.stringify(event))
    upsert.run(batch.state.id, batch.state.version, JSON.stringify(batch.state))
  }).immediate
  return { write, database }
}

/** The minimal baseline for the same batches: seconds. */
function executeMinimal(filename: string, batches: readonly AppendBatch[]): number {
  const { write, database } = openMinimalWriter(filename)
  const start = performance.now()
  for (const batch of batches) write(batch)
  const seconds = (performance.now() - start) / 1000
  database.close()
  return seconds
}

/** Stores one ticket's long stream, with a snapshot `LOAD_TAIL` events before its end when asked. */
async function storeLongTicket(
  filename: string,
  { events, state }: ReturnType<typeof buildStream>,
  withSnapshot: boolean,
): Promise<string> {
  const id = state.id
  const store = sqliteStore({ filename })
  await store.migrate()
  const split = withSnapshot ? LONG_STREAM - LOAD_TAIL : LONG_STREAM
  const head = events.slice(0, split)
  const headState = replay(head) as Ticket
  const base = { ticketId: id, workspaceId: state.workspaceId, audit: null }
  await store.append({
    ...base,
    expectedVersion: 0,
    events: head,
    state: headState,
    ...(withSnapshot ? { snapshot: { state: headState, schemaVersion: TICKET_SCHEMA_VERSION } } : {}),
  })
  if (split < LONG_STREAM) await store.append({ ...base, expectedVersion: split, events: events.slice(split), state })
  await store.close()
  return id
}

/** The fastest of 3 raw reads of a ticket's rows, parsing their JSON columns, in ms. */
function rawReadMs(filename: string, id: string): number {
  const database = new Database(filename, { readonly: true })
  const select = database.prepare(
    'SELECT id, version, type, occurred_at, payload, meta FROM ticket_events WHERE ticket_id = ? ORDER BY version',
  )
  let best = Number.POSITIVE_INFINITY
  for (let run = 0; run < 3; run++) {
    const start = performance.now()
    const rows = select.all(id) as { payload: string; meta: string }[]
    for (const row of rows) {
      JSON.parse(row.payload)
      JSON.parse(row.meta)
    }
    best = Math.min(best, performance.now() - start)
  }
  database.close()
  return best
}

/** `execute` through the service vs. the raw driver, and `load` of a 100,000-event ticket. */
export const benchSqlite: BenchSection = async () => {
  const directory = mkdtempSync(join(tmpdir(), 'ticket-events-bench-sqlite-'))
  try {
    // The mix is recorded once and replayed, so the service is timed on its `execute` calls
    // alone, not on making the commands (2–3 µs per command here), as the baselines are
    // timed on their writes of the recording's batches. Five rounds on fresh files, the
    // paths taking turns, best round of each: a path's first few thousand commands still
    // run partly unoptimized (the service's time per command fell by 15 % over its first
    // four rounds here), and the order alternates so that no path always runs first.
    const mix = await recordCommandMix(COMMANDS, TICKETS)
    const { batches } = mix
    let serviceSeconds = Number.POSITIVE_INFINITY
    let rawSeconds = Number.POSITIVE_INFINITY
    let minimalSeconds = Number.POSITIVE_INFINITY
    let storeSeconds = Number.POSITIVE_INFINITY
    const runBaselines = async (round: number) => {
      rawSeconds = Math.min(rawSeconds, await executeRaw(join(directory, `raw-${round}.db`), batches))
      storeSeconds = Math.min(storeSeconds, await executeStoreAppends(join(directory, `store-${round}.db`), batches))
      minimalSeconds = Math.min(minimalSeconds, executeMinimal(join(directory, `minimal-${round}.db`), batches))
    }
    for (let round = 0; round < ROUNDS; round++) {
      if (round % 2 === 1) await runBaselines(round)
      serviceSeconds = Math.min(serviceSeconds, await replayThroughService(join(directory, `service-${round}.db`), mix))
      if (round % 2 === 0) await runBaselines(round)
    }
    const appends = batches.length

    const rows: BenchRow[] = [
      {
        name: `sqlite execute, ${COMMANDS.toLocaleString('en-US')} commands over ${TICKETS} tickets (1 command / transaction)`,
        value: COMMANDS / serviceSeconds,
        unit: 'commands/s',
        baseline: { name: 'raw better-sqlite3, same rows and statements', value: COMMANDS / rawSeconds },
        target: '>= 0.8x baseline',
      },
      {
        name: `sqliteStore.append alone, the same ${appends.toLocaleString('en-US')} batches (no service)`,
        value: COMMANDS / storeSeconds,
        unit: 'commands/s',
        baseline: { name: 'the same raw better-sqlite3 baseline', value: COMMANDS / rawSeconds },
        target: "(the store's share)",
      },
      {
        name: `sqlite execute, ${COMMANDS.toLocaleString('en-US')} commands over ${TICKETS} tickets (1 command / transaction)`,
        value: COMMANDS / serviceSeconds,
        unit: 'commands/s',
        baseline: { name: 'minimal event store on better-sqlite3 (event rows + one projection upsert)', value: COMMANDS / minimalSeconds },
        target: '>= 0.4x baseline',
      },
    ]

    const stream = buildStream(LONG_STREAM)
    for (const withSnapshot of [false, true]) {
      const filename = join(directory, `long-${withSnapshot}.db`)
      const id = await storeLongTicket(filename, stream, withSnapshot)
      const tickets = createTicketService({ store: sqliteStore({ filename }) })
      const seconds = await bestOfAsync(3, async () => {
        const ticket = await tickets.load(id)
        if (ticket?.version !== LONG_STREAM) throw new Error('the long ticket did not load whole')
      })
      await tickets.close()
      rows.push({
        name: `sqlite load, ${LONG_STREAM.toLocaleString('en-US')}-event ticket ${withSnapshot ? `from a snapshot + ${LOAD_TAIL} events` : 'without snapshots'}`,
        value: seconds * 1000,
        unit: 'ms',
      })
      if (!withSnapshot) {
        rows.push({
          name: `raw better-sqlite3 SELECT + JSON.parse of the same ${LONG_STREAM.toLocaleString('en-US')} rows`,
          value: rawReadMs(filename, id),
          unit: 'ms',
        })
      }
    }
    return rows
  } finally {
    rmSync(directory, { recursive: true, force: true })
  }
}
