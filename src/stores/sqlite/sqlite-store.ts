import * as z from 'zod/mini'
import { type StoredAuditRecord, upcastAudit } from '../../core/audit/upcast-audit.js'
import { parseWith } from '../../core/commands/parse-command.js'
import { storeClosedError } from '../../core/errors/ticket-error.js'
import type { Audit } from '../../core/model/audit.js'
import type { TicketEvent } from '../../core/model/event.js'
import type { Ticket } from '../../core/model/ticket.js'
import type {
  AppendBatch,
  CommandResult,
  ListTicketsQuery,
  LoadStreamAtOptions,
  PrunableTicketStore,
  PruneOptions,
  ReadAuditsQuery,
  ReadEventsQuery,
  StoredStream,
  TicketStore,
} from '../../store-contract/ticket-store.js'
import { canonicalTime } from '../shared/canonical-time.js'
import { cursorEventId, visibleCursor } from '../shared/event-cursor.js'
import { containsPattern, searchable } from '../shared/like-pattern.js'
import { pruneCutoff } from '../shared/prune-options.js'
import { DEFAULT_TABLE_PREFIX } from '../shared/sql-names.js'
import { commandRecordedError, unknownAuditCursorError, versionConflictError } from '../shared/store-errors.js'
import { sqlStoreOptionShape } from '../shared/store-options.js'
import { toSqliteStoreError } from './sqlite-errors.js'
import { immediate, migrateSqlite } from './sqlite-migrator.js'
import { type OwnedSqliteDatabase, openSqliteFile } from './sqlite-open.js'
import { sqliteMigrationPlan, sqliteTables, sqliteVersionTables, summarySearchTable } from './sqlite-schema.js'
import { type SqliteStatements, sqliteStatements } from './sqlite-statements.js'
import type { SqliteDatabase, SqliteStatement, SqliteStoreOptions, SqliteSynchronous } from './sqlite-store-config.js'

/** The trigram index finds a search text of this many characters or more (FTS5's trigram tokenizer needs three). */
const MIN_TRIGRAM_SEARCH = 3

/** How long a writer waits for the write lock unless told otherwise, in ms. */
export const DEFAULT_SQLITE_BUSY_TIMEOUT_MS = 5000
/** The `synchronous` pragma unless told otherwise. */
export const DEFAULT_SQLITE_SYNCHRONOUS: SqliteSynchronous = 'NORMAL'

const databaseShape = z.custom<SqliteDatabase>(
  (value: unknown) =>
    typeof value === 'object' &&
    value !== null &&
    ['prepare', 'exec', 'transaction'].every((method) => typeof (value as Record<string, unknown>)[method] === 'function'),
  { error: 'Expected an open SQLite connection with prepare(), exec() and transaction() (a better-sqlite3 Database)' },
)

const CONNECTION_KEYS = ['filename', 'database'] as const

// One object with every option, rather than a union of the two ways to open a store:
// a union can only say "(root): Invalid input", while this names the option and the reason.
const optionsSchema = z
  .strictObject({
    filename: z.optional(
      z.string().check(
        z.minLength(1, { error: 'Expected a file name, or ":memory:"' }),
        z.refine((name: string) => !name.includes('\u0000'), { error: 'Must not contain the NUL character (U+0000)' }),
      ),
    ),
    database: z.optional(databaseShape),
    busyTimeoutMs: z.optional(z.int().check(z.minimum(0), z.maximum(2_147_483_647))),
    synchronous: z.optional(z.enum(['NORMAL', 'FULL'])),
    ...sqlStoreOptionShape,
  })
  .check(
    z.superRefine((options, ctx) => {
      const given = CONNECTION_KEYS.filter((key) => options[key] !== undefined)
      if (given.length !== 1) {
        ctx.addIssue({
          code: 'custom',
          path: given.length ? ['database'] : [],
          message: `Pass exactly one of filename (a file to open) or database (an open connection); got ${given.length ? 'both' : 'neither'}`,
        })
      }
    }),
  )

/**
 * Creates a {@link TicketStore} on SQLite, through `better-sqlite3` or any connection
 * with the same synchronous API.
 *
 * - `{ filename }` opens the file with `better-sqlite3` (an optional peer dependency:
 *   `npm install better-sqlite3`) on first use, in WAL mode with `synchronous = NORMAL`,
 *   a busy timeout and foreign keys on; `close()` closes it.
 * - `{ database }` uses a connection you opened; `close()` leaves it open and the store
 *   changes none of its settings.
 *
 * Every append is one `BEGIN IMMEDIATE` transaction: the version check, the events,
 * the `list()` projection row and its tags, the audit, the snapshot and the command
 * record commit together or not at all. The log's global order is the events'
 * `position` (`INTEGER PRIMARY KEY`, the largest plus one): SQLite has one writer at a
 * time, so positions are handed out in commit order and a reader paging with `afterId` never
 * skips a late commit.
 *
 * Durability: with `synchronous = NORMAL` (the default) an acknowledged command survives
 * the process being killed at any moment; the last commits before a power loss or OS
 * crash can be lost (the database stays consistent). Pass `synchronous: 'FULL'` to keep
 * them through power loss too, at the cost of an fsync per command.
 *
 * @throws {TicketError} `VALIDATION` when the options are malformed
 *
 * @example
 * ```ts
 * import { createTicketService } from 'ticket-events'
 * import { sqliteStore } from 'ticket-events/sqlite'
 *
 * const tickets = createTicketService({ store: sqliteStore({ filename: 'tickets.db' }) })
 * await tickets.execute(ticketId, {
 *   type: 'create', workspaceId, chatId, ticketingTeamId: null, assigneeId: null, status: 'pending',
 * })
 * const { result } = await tickets.events({ workspaceId, limit: 100 })
 * await tickets.close()
 * ```
 */
export function sqliteStore(options: SqliteStoreOptions): PrunableTicketStore {
  parseWith(optionsSchema, options, 'sqliteStore options')
  const schema = { tables: sqliteTables(options.tablePrefix ?? DEFAULT_TABLE_PREFIX), migrate: options.migrate ?? true }
  if (options.database !== undefined) return withTypedDriverErrors(new SqliteTicketStore(async () => options.database, false, schema))
  const settings = {
    busyTimeoutMs: options.busyTimeoutMs ?? DEFAULT_SQLITE_BUSY_TIMEOUT_MS,
    synchronous: options.synchronous ?? DEFAULT_SQLITE_SYNCHRONOUS,
  }
  return withTypedDriverErrors(new SqliteTicketStore(() => openSqliteFile(options.filename, settings), true, schema))
}

/**
 * The store as callers see it: every method's busy or locked database becomes a retryable
 * `UNAVAILABLE` (see {@link toSqliteStoreError}), in this one place rather than in each method.
 */
function withTypedDriverErrors(store: SqliteTicketStore): PrunableTicketStore {
  const typed =
    <Args extends unknown[], Result>(method: (...args: Args) => Promise<Result>) =>
    async (...args: Args): Promise<Result> => {
      try {
        return await method.apply(store, args)
      } catch (error) {
        throw toSqliteStoreError(error)
      }
    }
  return {
    name: store.name,
    capabilities: store.capabilities,
    migrate: typed(store.migrate),
    loadStream: typed(store.loadStream),
    loadStreamAt: typed(store.loadStreamAt),
    append: typed(store.append),
    readEvents: typed(store.readEvents),
    listTickets: typed(store.listTickets),
    readAudits: typed(store.readAudits),
    currentVersion: typed(store.currentVersion),
    hasEvent: typed(store.hasEvent),
    prune: typed(store.prune),
    findCommand: typed(store.findCommand),
    close: typed(store.close),
  }
}

interface EventRow {
  readonly id: string
  readonly ticket_id: string
  readonly workspace_id: string
  readonly version: number
  readonly type: string
  readonly occurred_at: string
  readonly payload: string
  readonly meta: string
}

type StreamRow = Omit<EventRow, 'ticket_id' | 'workspace_id'>

/** How a store names its tables, and whether it migrates them. */
interface SqliteStoreSchema {
  readonly tables: ReturnType<typeof sqliteTables>
  readonly migrate: boolean
}

/** The SQLite implementation of {@link TicketStore}; built by {@link sqliteStore}. */
class SqliteTicketStore implements TicketStore {
  readonly name = 'sqlite'
  readonly capabilities = { supportsSnapshots: true, supportsListCursor: true }

  #opening: Promise<SqliteDatabase> | undefined
  #closed = false
  readonly #statements = new Map<string, SqliteStatement>()
  readonly #sql: SqliteStatements
  #appendTransaction: ((batch: AppendBatch) => void) | undefined
  #connection: SqliteDatabase | undefined
  #summarySearch: boolean | undefined

  constructor(
    private readonly open: () => Promise<SqliteDatabase>,
    private readonly owned: boolean,
    private readonly schema: SqliteStoreSchema,
  ) {
    this.#sql = sqliteStatements(schema.tables)
  }

  async migrate(): Promise<void> {
    const database = await this.#database()
    const { tables, migrate } = this.schema
    migrateSqlite(database, sqliteMigrationPlan(tables), sqliteVersionTables(tables), migrate)
  }

  async loadStream(ticketId: string, options: { readonly snapshotSchemaVersion: number }): Promise<StoredStream | null> {
    await this.#database()
    const snapshotRow = this.#row<{ version: number; state: string }>(this.#sql.newestSnapshot, ticketId, options.snapshotSchemaVersion)
    const snapshot = snapshotRow === undefined ? null : (JSON.parse(snapshotRow.state) as Ticket)
    const rows = this.#prepare(this.#sql.streamAfter).all(ticketId, snapshotRow?.version ?? 0) as StreamRow[]
    if (snapshot === null && rows.length === 0) return null
    if (rows.length === 0) return { snapshot, events: [] }
    const workspaceId =
      // The stream has rows here, so this query finds one.
      snapshot?.workspaceId ?? this.#row<{ workspace_id: string }>(this.#sql.streamWorkspace, ticketId)!.workspace_id
    return { snapshot, events: rows.map((row) => toEvent(row, ticketId, workspaceId)) }
  }

  /** Every snapshot is kept (keyed by version), so the one at or before `version` is found by the primary key. */
  async loadStreamAt(ticketId: string, options: LoadStreamAtOptions): Promise<StoredStream | null> {
    await this.#database()
    const { snapshotSchemaVersion, version } = options
    const snapshotRow = this.#row<{ version: number; state: string }>(this.#sql.newestSnapshotAt, ticketId, snapshotSchemaVersion, version)
    const snapshot = snapshotRow === undefined ? null : (JSON.parse(snapshotRow.state) as Ticket)
    const rows = this.#prepare(this.#sql.streamBetween).all(ticketId, snapshotRow?.version ?? 0, version) as StreamRow[]
    if (snapshot === null && rows.length === 0) return null
    if (rows.length === 0) return { snapshot, events: [] }
    const workspaceId =
      // The stream has rows here, so this query finds one.
      snapshot?.workspaceId ?? this.#row<{ workspace_id: string }>(this.#sql.streamWorkspace, ticketId)!.workspace_id
    return { snapshot, events: rows.map((row) => toEvent(row, ticketId, workspaceId)) }
  }

  async append(batch: AppendBatch): Promise<void> {
    const database = await this.#database()
    this.#appendTransaction ??= immediate(database, (next: AppendBatch) => this.#write(next))
    this.#appendTransaction(batch)
  }

  async readEvents(query: ReadEventsQuery): Promise<TicketEvent[]> {
    await this.#database()
    let after = 0
    if (query.afterId !== undefined) {
      const found = this.#row<{ position: number; workspaceId: string }>(this.#sql.eventPosition, cursorEventId(query.afterId))
      after = visibleCursor(query.afterId, found, query.workspaceId).position
    }
    if (query.limit <= 0) return []
    // Only fixed fragments are joined here; every value travels as a parameter.
    const where = ['position > ?']
    const params: (string | number)[] = [after]
    if (query.workspaceId !== undefined) {
      where.push('workspace_id = ?')
      params.push(query.workspaceId)
    }
    if (query.type !== undefined) {
      where.push('type = ?')
      params.push(query.type)
    }
    if (query.occurredAfter !== undefined) {
      where.push('occurred_at > ?')
      params.push(canonicalTime(query.occurredAfter))
    }
    const rows = this.#prepare(this.#sql.readEvents(where)).all(...params, query.limit) as EventRow[]
    return rows.map((row) => toEvent(row, row.ticket_id, row.workspace_id))
  }

  /** Whether migration 4 made the trigram index of summaries (it needs FTS5 with trigrams); asked once. */
  #hasSummarySearch(): boolean {
    this.#summarySearch ??=
      this.#row(`SELECT 1 AS found FROM sqlite_master WHERE type = 'table' AND name = ?`, summarySearchTable(this.schema.tables)) !==
      undefined
    return this.#summarySearch
  }

  async listTickets(query: ListTicketsQuery): Promise<Ticket[]> {
    await this.#database()
    const where = ['workspace_id = ?']
    const params: (string | number)[] = [query.workspaceId]
    if (query.status !== undefined) {
      where.push('status = ?')
      params.push(query.status)
    }
    // Id lists travel as one JSON parameter, so the SQL text (and its cached statement)
    // does not depend on how many ids were given.
    if (query.assigneeIds.length > 0) {
      where.push('assignee_id IN (SELECT value FROM json_each(?))')
      params.push(JSON.stringify(query.assigneeIds))
    }
    if (query.chatIds.length > 0) {
      where.push('chat_id IN (SELECT value FROM json_each(?))')
      params.push(JSON.stringify(query.chatIds))
    }
    if (query.tagIds.length > 0) {
      where.push(this.#sql.hasAnyTag)
      params.push(JSON.stringify(query.tagIds))
    }
    if (query.search !== undefined) {
      const folded = searchable(query.search)
      // A trigram index finds three characters or more; the LIKE then checks each hit
      // exactly, and alone is the search where there is no index or the text is shorter.
      if ([...folded].length >= MIN_TRIGRAM_SEARCH && this.#hasSummarySearch()) {
        where.push(this.#sql.summaryMatches)
        params.push(`"${folded.replaceAll('"', '""')}"`)
      }
      where.push("summary_folded LIKE ? ESCAPE '\\'")
      params.push(containsPattern(query.search))
    }
    if (!query.includeRemoved) where.push('archived = 0 AND deleted = 0')
    if (query.after !== undefined) {
      // The keyset cursor: the first half is a range on the (workspace_id, created_at DESC,
      // id) index, so a deep page starts with a seek instead of skipping rows.
      where.push('created_at <= ? AND (created_at < ? OR id > ?)')
      params.push(query.after.createdAt, query.after.createdAt, query.after.ticketId)
    }
    const offset = query.after === undefined ? (query.pageNumber - 1) * query.pageSize : 0
    const rows = this.#prepare(this.#sql.listTickets(where)).all(...params, query.pageSize, offset) as { state: string }[]
    return rows.map((row) => JSON.parse(row.state) as Ticket)
  }

  async readAudits(query: ReadAuditsQuery): Promise<Audit[] | null> {
    await this.#database()
    const ticket = this.#row<{ workspace_id: string }>(this.#sql.auditTicket, query.ticketId)
    if (ticket === undefined || (query.workspaceId !== undefined && ticket.workspace_id !== query.workspaceId)) return null
    let after = 0
    if (query.afterId !== undefined) {
      const cursor = this.#row<{ version: number }>(this.#sql.auditCursor, query.afterId.toUpperCase(), query.ticketId)
      if (cursor === undefined) throw unknownAuditCursorError(query.afterId, query.ticketId)
      after = cursor.version
    }
    const rows = this.#prepare(this.#sql.readAudits).all(query.ticketId, after, query.limit) as { version: number; record: string }[]
    return rows.map((row) => upcastAudit(JSON.parse(row.record) as StoredAuditRecord, row.version))
  }

  async currentVersion(ticketId: string): Promise<number> {
    await this.#database()
    return this.#version(ticketId)
  }

  async hasEvent(eventId: string): Promise<boolean> {
    await this.#database()
    // A transaction here ends before its call returns, so there is never a commit in flight to wait for.
    return this.#row(this.#sql.eventExists, eventId) !== undefined
  }

  async prune(options: PruneOptions): Promise<number> {
    const before = pruneCutoff(options)
    await this.#database()
    this.#prepare(this.#sql.pruneCommands).run(before)
    return this.#row<{ count: number }>(this.#sql.changes)!.count
  }

  async findCommand(ticketId: string, commandId: string, notBefore: string): Promise<CommandResult | null> {
    await this.#database()
    const row = this.#row<{ result: string }>(this.#sql.command, ticketId, commandId, canonicalTime(notBefore))
    return row === undefined ? null : (JSON.parse(row.result) as CommandResult)
  }

  async close(): Promise<void> {
    if (this.#closed) return
    this.#closed = true
    const opening = this.#opening
    this.#statements.clear()
    this.#connection = undefined
    if (opening === undefined || !this.owned) return
    const database = await opening.catch(() => undefined)
    ;(database as OwnedSqliteDatabase | undefined)?.close()
  }

  /** The whole append; runs inside one immediate transaction. */
  #write(batch: AppendBatch): void {
    const sql = this.#sql.append
    const actual = this.#version(batch.ticketId)
    if (actual !== batch.expectedVersion) throw versionConflictError(batch.ticketId, batch.expectedVersion, actual)
    const command = batch.command
    if (command !== undefined) {
      const recorded = this.#row<{ recorded_at: string }>(sql.recordedCommand, batch.ticketId, command.commandId)
      const expired = recorded !== undefined && command.notBefore !== undefined && recorded.recorded_at < canonicalTime(command.notBefore)
      if (recorded !== undefined && !expired) throw commandRecordedError(batch.ticketId, command.commandId, actual)
    }

    const insertEvent = this.#prepare(sql.insertEvent)
    for (const event of batch.events) {
      insertEvent.run(
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
    const stateJson = JSON.stringify(state)
    this.#prepare(sql.upsertProjection).run(
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
      stateJson,
    )
    const keys = [state.workspaceId, state.chatId, state.assigneeId, state.createdAt] as const
    this.#prepare(sql.updateProjectionKeys).run(...keys, state.id, ...keys)
    // Starts as every tag of the state; each one already stored is taken out, so what is left is new.
    const toInsert = new Set(state.tags)
    for (const { tag_id } of this.#prepare(sql.storedTags).all(state.id) as { tag_id: string }[]) {
      if (!toInsert.delete(tag_id)) this.#prepare(sql.deleteTag).run(state.id, tag_id)
    }
    for (const tag of toInsert) this.#prepare(sql.insertTag).run(state.id, tag)

    const audit = batch.audit
    if (audit !== null) this.#prepare(sql.insertAudit).run(audit.id, audit.ticketId, audit.createdAt, audit.version, JSON.stringify(audit))
    if (batch.snapshot !== undefined) {
      const snapshot = batch.snapshot
      // The service snapshots the state it appends: the projection's JSON is the same text.
      const snapshotJson = snapshot.state === state ? stateJson : JSON.stringify(snapshot.state)
      this.#prepare(sql.insertSnapshot).run(state.id, snapshot.schemaVersion, snapshot.state.version, snapshotJson)
    }
    if (command !== undefined) {
      this.#prepare(sql.insertCommand).run(
        batch.ticketId,
        command.commandId,
        canonicalTime(command.recordedAt),
        JSON.stringify(command.result),
      )
    }
  }

  /** Opens the database on first use (again after a failed open); refuses every call after `close()`. */
  #database(): Promise<SqliteDatabase> {
    if (this.#closed) return Promise.reject(storeClosedError('sqlite', 'This SQLite ticket store is closed.'))
    this.#opening ??= this.open().then(
      (database) => {
        this.#connection = database
        return database
      },
      (error: unknown) => {
        this.#opening = undefined
        throw error
      },
    )
    return this.#opening
  }

  /**
   * The first row of a query, or `undefined` when there is none: better-sqlite3's
   * `get()` returns `undefined` for no row, bun:sqlite's returns `null`.
   */
  #row<Row>(sql: string, ...params: unknown[]): Row | undefined {
    return (this.#prepare(sql).get(...params) ?? undefined) as Row | undefined
  }

  /** The ticket's last stored version, 0 before any (the query always returns one row). */
  #version(ticketId: string): number {
    return this.#row<{ version: number }>(this.#sql.append.currentVersion, ticketId)!.version
  }

  /** Prepares each SQL text once per store. Only called after {@link #database} resolved. */
  #prepare(sql: string): SqliteStatement {
    let statement = this.#statements.get(sql)
    if (statement === undefined) {
      if (this.#connection === undefined) throw new Error('This SQLite ticket store is not open.')
      statement = this.#connection.prepare(sql)
      this.#statements.set(sql, statement)
    }
    return statement
  }
}

function toEvent(row: StreamRow, ticketId: string, workspaceId: string): TicketEvent {
  return {
    id: row.id,
    ticketId,
    workspaceId,
    version: row.version,
    occurredAt: row.occurred_at,
    type: row.type,
    payload: JSON.parse(row.payload),
    meta: JSON.parse(row.meta),
  } as TicketEvent
}
