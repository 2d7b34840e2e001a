import { type StoredAuditRecord, upcastAudit } from '../../core/audit/upcast-audit.js'
import { parseWith } from '../../core/commands/parse-command.js'
import { storeClosedError, TicketError } from '../../core/errors/ticket-error.js'
import type { Audit } from '../../core/model/audit.js'
import type { TicketEvent } from '../../core/model/event.js'
import type { Ticket } from '../../core/model/ticket.js'
import type {
  AppendBatch,
  CommandResult,
  ListTicketsQuery,
  PrunableTicketStore,
  ReadEventsQuery,
  StoreCapabilities,
  StoredStream,
  TicketStore,
} from '../../store-contract/ticket-store.js'
import { cursorEventId, visibleCursor } from '../shared/event-cursor.js'
import { containsPattern, searchable } from '../shared/like-pattern.js'
import { pruneCutoff } from '../shared/prune-options.js'
import { DEFAULT_TABLE_PREFIX } from '../shared/sql-names.js'
import { commandRecordedError, unknownAuditCursorError, unknownCursorError, versionConflictError } from '../shared/store-errors.js'
import { type LostAnswer, type PostgresExecutor, poolExecutor, singleConnectionExecutor } from './postgres-executor.js'
import { migratePostgres } from './postgres-migrator.js'
import { postgresMigrationPlan, postgresTables } from './postgres-schema.js'
import { fixedStatements, type PostgresStatements, postgresStatements } from './postgres-statements.js'
import {
  DEFAULT_POSTGRES_SCHEMA,
  type PostgresPool,
  type PostgresQueryable,
  type PostgresStoreOptions,
  postgresStoreOptionsSchema,
} from './postgres-store-config.js'
import { type StatementNames, statementNames } from './prepared-statements.js'

/** A {@link TicketStore} kept in PostgreSQL, with the schema it lives in. */
export interface PostgresTicketStore extends PrunableTicketStore {
  readonly name: 'postgres'
  readonly capabilities: StoreCapabilities
  /** The PostgreSQL schema holding the store's tables. */
  readonly schema: string
  /** The start of the store's table names (`ticket_` unless told otherwise). */
  readonly tablePrefix: string
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i
const UNIQUE_VIOLATION = '23505'
const DEFAULT_MAX_CONNECTIONS = 10
/** How long the pool the store opens waits for a new connection before giving up (pg's default is forever). */
const CONNECT_TIMEOUT_MS = 5000
/** How many appends with an unsettled outcome the store remembers (see `hasEvent`). */
const MAX_UNSETTLED_APPENDS = 1000

/**
 * Creates a ticket store in PostgreSQL (or in-process PGlite): the store users scale out on.
 *
 * Connect with exactly one of:
 * - `connectionString` — the store imports `pg` (an optional peer dependency), opens its
 *   own pool on first use and ends it on `close()`;
 * - `pool` — a `pg.Pool`; each append checks out a connection for its transaction;
 * - `client` — one `pg.Client` (serverless functions hold one); the store runs one
 *   transaction at a time on it;
 * - `pglite` — an `@electric-sql/pglite` instance, serialised like a client.
 *
 * Every append is one statement, and one transaction: it checks the ticket's version
 * against `expectedVersion` and writes the events, the `list()` projection row, the
 * audit, the snapshot and the command record together. On node-postgres the store's
 * fixed statements are prepared once per connection (`preparedStatements: false` turns
 * that off, for PgBouncer before 1.21 in transaction mode). With a `pool` or
 * `connectionString` straight to the server the statement commits on its own, one round
 * trip; through a pooler, with a `client` and on PGlite it runs in a transaction whose
 * `BEGIN` travels with it, two round trips. Either way an append whose answer was lost
 * is settled before the service retries it (see `docs/postgres.md`, *Round trips*).
 *
 * A dropped connection never ends the process: the store listens for `error` on every
 * connection it holds. Refused, reset, terminated or timed-out connections, serialization
 * failures and deadlocks surface as `TicketError('UNAVAILABLE')` (the driver's error as
 * `cause`), which the ticket service retries; a lost `client` stays lost, so its errors
 * are not retryable (see `docs/reliability.md`). The global log is ordered by
 * `(transaction_id, position)` and readers see only transactions older than the oldest
 * one still in flight, so a reader paging with `afterId` never skips a late commit
 * (see `docs/postgres.md`).
 *
 * @throws {TicketError} `VALIDATION` when the options are malformed
 *
 * @example
 * ```ts
 * import { createTicketService } from 'ticket-events'
 * import { postgresStore } from 'ticket-events/postgres'
 *
 * const store = postgresStore({ connectionString: process.env.DATABASE_URL! })
 * const tickets = createTicketService({ store })
 * await tickets.execute(ticketId, { type: 'create', workspaceId, chatId, ticketingTeamId: null, assigneeId: null, status: 'pending' })
 * await tickets.close() // ends the pool the store opened
 * ```
 */
export function postgresStore(options: PostgresStoreOptions): PostgresTicketStore {
  const parsed = parseWith(postgresStoreOptionsSchema, options, 'postgresStore options')
  const schemaName = parsed.schema ?? DEFAULT_POSTGRES_SCHEMA
  const tables = postgresTables(schemaName, parsed.tablePrefix ?? DEFAULT_TABLE_PREFIX)
  const plan = postgresMigrationPlan(tables)
  const sql = postgresStatements(tables)
  const names = parsed.preparedStatements === false ? null : statementNames(fixedStatements(sql))
  const executor = createExecutor(options, parsed.maxConnections ?? DEFAULT_MAX_CONNECTIONS, names, sql.backendIdentity)
  let closed: Promise<void> | undefined
  // Appends whose connection was lost with the outcome unknown (the statement sent on its
  // own, or COMMIT sent after its answer): first event id → what settles it, so hasEvent
  // can wait for a commit still in flight.
  const unsettled = new Map<string, LostAnswer>()

  const run = (text: string, params?: unknown[]): Promise<readonly unknown[]> => {
    if (closed) return Promise.reject(storeClosedError('postgres', `The postgres store (schema "${schemaName}") is closed.`))
    return executor.query(text, params)
  }

  return {
    name: 'postgres',
    capabilities: { supportsSnapshots: true, supportsListCursor: true },
    schema: schemaName,
    tablePrefix: tables.prefix,

    async migrate() {
      if (closed) throw storeClosedError('postgres', `The postgres store (schema "${schemaName}") is closed.`)
      await migratePostgres(executor, plan, tables.qualified.migrations, parsed.migrate ?? true)
    },

    async loadStream(ticketId, { snapshotSchemaVersion }) {
      if (!UUID.test(ticketId)) return null
      return streamOf(await run(sql.loadStream, [ticketId, snapshotSchemaVersion]))
    },

    async loadStreamAt(ticketId, { snapshotSchemaVersion, version }) {
      if (!UUID.test(ticketId)) return null
      return streamOf(await run(sql.loadStreamAt, [ticketId, snapshotSchemaVersion, version]))
    },

    async append(batch) {
      if (closed) throw storeClosedError('postgres', `The postgres store (schema "${schemaName}") is closed.`)
      try {
        await executor.commitStatement(
          sql.append,
          appendParameters(batch),
          (rows, session) => checkedAppend(rows, session, sql, batch),
          (lost) => {
            const firstEventId = batch.events[0]?.id
            if (firstEventId === undefined) return
            // The statement or its COMMIT may have reached the server: remember what settles it.
            unsettled.set(firstEventId, lost)
            if (unsettled.size > MAX_UNSETTLED_APPENDS) unsettled.delete(unsettled.keys().next().value as string)
          },
        )
      } catch (error) {
        // The unique (ticket_id, version) is the backstop behind the projection check.
        if (isUniqueViolation(error, tables.streamVersionConstraint)) {
          const actual = await currentVersion(executor, sql, batch.ticketId)
          throw versionConflictError(batch.ticketId, batch.expectedVersion, actual, error)
        }
        throw error
      }
    },

    async readEvents(query) {
      return readEvents(run, sql, query)
    },

    async listTickets(query) {
      return listTickets(run, sql, query)
    },

    async readAudits(query) {
      if (!UUID.test(query.ticketId)) return null
      const cursor = query.afterId?.toUpperCase() ?? null
      const rows = (await run(sql.readAudits, [query.ticketId, cursor, query.limit])).map(row)
      const first = rows[0]
      if (first === undefined || first['workspaceId'] === null) return null
      if (query.workspaceId !== undefined && String(first['workspaceId']) !== query.workspaceId.toLowerCase()) return null
      if (cursor !== null && (first['cursorVersion'] === null || first['cursorVersion'] === undefined)) {
        throw unknownAuditCursorError(query.afterId as string, query.ticketId)
      }
      const audits: Audit[] = []
      for (const found of rows) {
        if (found['version'] === null || found['version'] === undefined) continue
        audits.push(upcastAudit(json<StoredAuditRecord>(found['record']), Number(found['version'])))
      }
      return audits
    },

    async currentVersion(ticketId) {
      if (!UUID.test(ticketId)) return 0
      const rows = await run(sql.currentVersion, [ticketId])
      return rows[0] === undefined ? 0 : Number(row(rows[0])['version'])
    },

    async hasEvent(eventId) {
      const lost = unsettled.get(eventId)
      if (lost !== undefined && 'transactionId' in lost) {
        // A connection can drop after COMMIT was sent and before the server acted on it;
        // until that transaction ends, "not stored" could still turn into "stored".
        const status = row((await run(sql.transactionStatus, [lost.transactionId]))[0])['status']
        if (status === 'in progress') {
          throw new TicketError(
            'UNAVAILABLE',
            `The append that wrote event ${eventId} lost its connection and its transaction (${lost.transactionId}) has not ended yet; ask again shortly.`,
            { details: { transactionId: lost.transactionId } },
          )
        }
        unsettled.delete(eventId)
      } else if (lost !== undefined) {
        // The statement went out on its own: while the server process that got it runs, it
        // may still commit it (the bytes may wait in its socket). Ended, it never will.
        const { pid, started } = lost.backend
        if ((await run(sql.endBackend, [pid, started])).length > 0) {
          throw new TicketError(
            'UNAVAILABLE',
            `The append that wrote event ${eventId} lost its connection and the server process that got it (pid ${pid}) was still running and has been told to end; ask again shortly.`,
            { details: { backendPid: pid } },
          )
        }
        unsettled.delete(eventId)
      }
      return (await run(sql.eventExists, [eventId])).length > 0
    },

    async prune(options) {
      const before = pruneCutoff(options)
      const [pruned] = await run(sql.pruneCommands, [before])
      return Number(row(pruned)['count'] ?? 0)
    },

    async findCommand(ticketId, commandId, notBefore) {
      if (!UUID.test(ticketId)) return null
      const rows = await run(sql.findCommand, [ticketId, commandId, notBefore])
      return rows[0] === undefined ? null : json<CommandResult>(row(rows[0])['result'])
    },

    close() {
      closed ??= executor.close()
      return closed
    },
  }
}

/** The executor for the way of connecting in `options`; `names` are the prepared statements, for node-postgres only. */
function createExecutor(
  options: PostgresStoreOptions,
  maxConnections: number,
  names: StatementNames | null,
  identifyBackend: string,
): PostgresExecutor {
  if ('pool' in options) return poolExecutor(async () => options.pool, null, names, identifyBackend)
  if ('client' in options) return singleConnectionExecutor(options.client, { names })
  if ('pglite' in options) return singleConnectionExecutor(options.pglite)
  let pool: Promise<PostgresPool> | undefined
  const open = () => {
    pool ??= openPool(options.connectionString, maxConnections)
    return pool
  }
  return poolExecutor(
    open,
    async () => {
      if (pool) await (await pool.catch(() => null))?.end()
    },
    names,
    identifyBackend,
  )
}

// A variable, not a literal: bundlers then leave the optional peer dependency alone.
const PG_MODULE = 'pg'

interface PgModule {
  readonly Pool: new (config: {
    connectionString: string
    max: number
    connectionTimeoutMillis: number
  }) => PostgresPool & {
    on(event: 'error', listener: (error: Error) => void): unknown
  }
}

async function openPool(connectionString: string, max: number): Promise<PostgresPool> {
  let loaded: { default?: PgModule } & Partial<PgModule>
  try {
    loaded = await import(PG_MODULE)
  } catch (cause) {
    throw new TicketError(
      'MISSING_DRIVER',
      'postgresStore({ connectionString }) needs the "pg" package, an optional peer dependency of ticket-events. ' +
        'Install it (npm install pg), or pass { pool }, { client } or { pglite } instead.',
      { cause, details: { driver: 'pg' } },
    )
  }
  const Pool = loaded.Pool ?? loaded.default?.Pool
  if (!Pool) throw new Error('The "pg" package does not export Pool; is it pg 8 or newer?')
  const pool = new Pool({ connectionString, max, connectionTimeoutMillis: CONNECT_TIMEOUT_MS })
  // An idle connection that drops (a server restart) is removed by the pool; without a
  // listener its 'error' event would crash the process.
  pool.on('error', () => {})
  return pool
}

/**
 * Reads the answer of the `append` statement for `batch`: returns the transaction's id
 * (`xid8`, as text), or throws the conflict that refused it (having written nothing).
 */
async function checkedAppend(
  rows: readonly unknown[],
  session: PostgresQueryable,
  sql: PostgresStatements,
  batch: AppendBatch,
): Promise<string> {
  const { ticketId, expectedVersion } = batch
  const answer = row(rows[0])
  if (batch.command && answer['refused'] === true) throw commandRecordedError(ticketId, batch.command.commandId, expectedVersion)
  if (answer['written'] !== true) {
    // A fresh snapshot (READ COMMITTED): the version the winning append committed.
    const actual = await session.query(sql.currentVersion, [ticketId])
    throw versionConflictError(ticketId, expectedVersion, actual.rows[0] === undefined ? 0 : Number(row(actual.rows[0])['version']))
  }
  // Cannot happen once no live record refused the statement (see the statement); kept as a
  // backstop, where a transaction's ROLLBACK still undoes the rest.
  if (batch.command && answer['recorded'] !== true) throw commandRecordedError(ticketId, batch.command.commandId, expectedVersion)
  return String(answer['transaction_id'])
}

/** The parameters of the `append` statement for `batch`, in its order. */
export function appendParameters(batch: AppendBatch): unknown[] {
  const { ticketId, state, events, audit, snapshot, command } = batch
  return [
    ticketId,
    state.workspaceId,
    state.chatId,
    state.status,
    state.assigneeId,
    [...state.tags],
    state.summary === null ? null : searchable(state.summary),
    state.archived,
    state.deleted,
    state.createdAt,
    state.updatedAt,
    state.version,
    JSON.stringify(state),
    batch.expectedVersion,
    events.map((event) => event.id),
    events.map((event) => event.workspaceId),
    events.map((event) => event.version),
    events.map((event) => event.type),
    events.map((event) => event.occurredAt),
    JSON.stringify(events),
    audit?.id ?? null,
    audit?.createdAt ?? null,
    audit?.version ?? null,
    audit ? JSON.stringify(audit) : null,
    snapshot?.schemaVersion ?? null,
    snapshot?.state.version ?? null,
    snapshot ? JSON.stringify(snapshot.state) : null,
    command?.commandId ?? null,
    command?.recordedAt ?? null,
    command ? JSON.stringify(command.result) : null,
    command?.notBefore ?? null,
  ]
}

async function readEvents(
  run: (text: string, params?: unknown[]) => Promise<readonly unknown[]>,
  sql: PostgresStatements,
  query: ReadEventsQuery,
): Promise<TicketEvent[]> {
  const params: unknown[] = []
  const param = (value: unknown): string => {
    params.push(value)
    return `$${params.length}`
  }
  const conditions: string[] = []
  if (query.workspaceId !== undefined) {
    if (!UUID.test(query.workspaceId)) {
      if (query.afterId !== undefined) throw unknownCursorError(query.afterId)
      return []
    }
    conditions.push(`workspace_id = ${param(query.workspaceId)}`)
  }
  if (query.afterId !== undefined) {
    const found = (await run(sql.resolveCursor, [cursorEventId(query.afterId)])) as CursorRow[]
    const cursor = visibleCursor(query.afterId, found[0], query.workspaceId)
    conditions.push(`(transaction_id, position) > (${param(cursor.transactionId)}::xid8, ${param(cursor.position)}::bigint)`)
  }
  if (query.type !== undefined) conditions.push(`type = ${param(query.type)}`)
  if (query.occurredAfter !== undefined) conditions.push(`occurred_at > ${param(query.occurredAfter)}::timestamptz`)
  const rows = await run(sql.readEvents(conditions, param(query.limit)), params)
  return rows.map((found) => json<TicketEvent>(row(found)['event']))
}

async function listTickets(
  run: (text: string, params?: unknown[]) => Promise<readonly unknown[]>,
  sql: PostgresStatements,
  query: ListTicketsQuery,
): Promise<Ticket[]> {
  // Ids are UUIDs by contract; anything else matches nothing rather than failing a cast.
  if (!UUID.test(query.workspaceId)) return []
  const params: unknown[] = []
  const param = (value: unknown): string => {
    params.push(value)
    return `$${params.length}`
  }
  const conditions = [`workspace_id = ${param(query.workspaceId)}`]
  if (query.status !== undefined) conditions.push(`status = ${param(query.status)}`)
  if (query.assigneeIds.length > 0) conditions.push(`assignee_id = ANY(${param(uuids(query.assigneeIds))}::uuid[])`)
  if (query.chatIds.length > 0) conditions.push(`chat_id = ANY(${param(uuids(query.chatIds))}::uuid[])`)
  if (query.tagIds.length > 0) conditions.push(`tag_ids && ${param(uuids(query.tagIds))}::uuid[]`)
  if (query.search !== undefined && query.search !== '') {
    conditions.push(`summary_lower LIKE ${param(containsPattern(query.search))} ESCAPE '\\'`)
  }
  if (!query.includeRemoved) conditions.push('NOT archived AND NOT deleted')
  if (query.after !== undefined) {
    // The keyset cursor. The first half is a range on the (workspace_id, created_at DESC,
    // ticket_id) index, so a deep page starts with a seek, not by skipping rows.
    const createdAt = param(query.after.createdAt)
    conditions.push(`created_at <= ${createdAt}::timestamptz`)
    conditions.push(`(created_at < ${createdAt}::timestamptz OR ticket_id > ${param(query.after.ticketId)}::uuid)`)
  }
  const limit = param(query.pageSize)
  const offset = param(query.after === undefined ? (query.pageNumber - 1) * query.pageSize : 0)
  const rows = await run(sql.listTickets(conditions, limit, offset), params)
  return rows.map((found) => json<Ticket>(row(found)['state']))
}

async function currentVersion(executor: PostgresExecutor, sql: PostgresStatements, ticketId: string): Promise<number> {
  const rows = await executor.query(sql.currentVersion, [ticketId])
  return rows[0] === undefined ? 0 : Number(row(rows[0])['version'])
}

/** The cursor event, as `resolveCursor` reads it. */
interface CursorRow {
  readonly transactionId: string
  readonly position: string
  readonly workspaceId: string
}

function inVersionOrder(events: readonly TicketEvent[]): boolean {
  for (let index = 1; index < events.length; index++) if (events[index - 1]!.version >= events[index]!.version) return false
  return true
}

function row(value: unknown): Record<string, unknown> {
  return value as Record<string, unknown>
}

/** Drivers parse `json` columns unless told not to; accept both forms. */
function json<T>(value: unknown): T {
  return (typeof value === 'string' ? JSON.parse(value) : value) as T
}

/** Drops values that are not UUIDs: they could match nothing, and would fail the cast. */
function uuids(values: readonly string[]): string[] {
  return values.filter((value) => UUID.test(value))
}

function isUniqueViolation(error: unknown, constraint: string): boolean {
  if (typeof error !== 'object' || error === null) return false
  const { code, constraint: violated } = error as { code?: unknown; constraint?: unknown }
  return code === UNIQUE_VIOLATION && violated === constraint
}

/** The snapshot (sent on one row) and the events of a `loadStream` / `loadStreamAt` answer, in version order. */
function streamOf(rows: readonly unknown[]): StoredStream | null {
  let snapshot: Ticket | null = null
  const events: TicketEvent[] = []
  for (const found of rows) {
    const { snapshot: state, event } = row(found)
    if (state !== null && state !== undefined) snapshot = json<Ticket>(state)
    if (event !== null && event !== undefined) events.push(json<TicketEvent>(event))
  }
  if (snapshot === null && events.length === 0) return null
  if (!inVersionOrder(events)) events.sort((left, right) => left.version - right.version)
  return { snapshot, events }
}
