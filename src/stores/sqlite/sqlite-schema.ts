/**
 * The SQLite tables of `ticket-events` and their numbered migrations, for one table
 * prefix. With the default prefix `ticket_`:
 *
 * - `ticket_events`: the log. `position` (INTEGER PRIMARY KEY, the rowid) is the one
 *   global order: SQLite serialises writers, so commit order is position order, and an
 *   append-only log never hands out a position twice (a new row takes the largest plus
 *   one; until migration 6 it was AUTOINCREMENT). `(ticket_id, version)` is unique.
 * - `ticket_projections`: the `list()` projection, one row per ticket, written in the
 *   same transaction as its events: a column per filter plus the whole state as JSON.
 *   `summary_folded` is the lower-cased summary (`''` when there is none) that `search`
 *   matches against.
 * - `ticket_tags`: the projection's tags, one row per (ticket, tag), for the tag filter.
 * - `ticket_audits`: one Zendesk-style audit record per accepted command, with the ticket
 *   `version` it ends at (the order `readAudits` pages in).
 * - `ticket_snapshots`: ticket states every so many events, keyed by the
 *   `TICKET_SCHEMA_VERSION` they were written under.
 * - `ticket_commands`: the idempotency records, unique per (ticket, command id); a record
 *   older than the dedupe window is replaced when the command runs again.
 * - `ticket_schema_migrations`: which numbered migrations ran.
 *
 * @module
 */
import * as z from 'zod/mini'
import { parseWith } from '../../core/commands/parse-command.js'
import type { Migration, MigrationPlan } from '../../migrations/migration.js'
import { type MigrationSql, migrationSql } from '../../migrations/migration-sql.js'
import {
  DEFAULT_TABLE_PREFIX,
  quoteIdentifier,
  quoteLiteral,
  type TicketTableNames,
  tablePrefixSchema,
  ticketTableNames,
} from '../shared/sql-names.js'

/** A store's tables: the prefix and every name derived from it. */
export interface SqliteTables {
  readonly prefix: string
  /** Unquoted table names. */
  readonly names: TicketTableNames
  /** Quoted table names, ready for SQL text. */
  readonly quoted: TicketTableNames
}

/** The names of the tables with `prefix`. */
export function sqliteTables(prefix: string): SqliteTables {
  const names = ticketTableNames(prefix)
  const quoted = Object.fromEntries(
    Object.entries(names).map(([role, table]) => [role, quoteIdentifier(table)]),
  ) as unknown as TicketTableNames
  return { prefix, names, quoted }
}

/**
 * The tables of ticket-events 0.1, which took no prefix: the projection was `tickets`
 * (a name apps often use themselves) and the migrations were recorded in
 * `ticket_events_schema`. Migration 2 renames them; a database made since has the new names.
 */
const LEGACY = { projections: 'tickets', migrations: 'ticket_events_schema' } as const

/** The store's steps, oldest first. Never edit a released one: add a step. */
function sqliteMigrations({ prefix, names: n, quoted: t }: SqliteTables): readonly Migration[] {
  const i = quoteIdentifier
  const projectionIndexes = [
    `CREATE INDEX ${i(`${n.projections}_by_workspace`)} ON ${t.projections} (workspace_id, created_at DESC, id)`,
    `CREATE INDEX ${i(`${n.projections}_by_assignee`)} ON ${t.projections} (workspace_id, assignee_id)`,
    `CREATE INDEX ${i(`${n.projections}_by_chat`)} ON ${t.projections} (workspace_id, chat_id)`,
  ]
  return [
    {
      version: 1,
      description: 'events, projections, tags, audits, snapshots, command records',
      statements: [
        `CREATE TABLE ${t.events} (
  position     INTEGER PRIMARY KEY AUTOINCREMENT,
  id           TEXT NOT NULL UNIQUE,
  ticket_id    TEXT NOT NULL,
  workspace_id TEXT NOT NULL,
  version      INTEGER NOT NULL,
  type         TEXT NOT NULL,
  occurred_at  TEXT NOT NULL,
  payload      TEXT NOT NULL,
  meta         TEXT NOT NULL,
  UNIQUE (ticket_id, version)
)`,
        `CREATE INDEX ${i(`${n.events}_by_workspace`)} ON ${t.events} (workspace_id, position)`,
        `CREATE INDEX ${i(`${n.events}_by_type`)} ON ${t.events} (type, position)`,
        `CREATE TABLE ${t.projections} (
  id             TEXT PRIMARY KEY,
  workspace_id   TEXT NOT NULL,
  chat_id        TEXT NOT NULL,
  status         TEXT NOT NULL,
  assignee_id    TEXT,
  summary_folded TEXT NOT NULL,
  archived       INTEGER NOT NULL,
  deleted        INTEGER NOT NULL,
  created_at     TEXT NOT NULL,
  updated_at     TEXT NOT NULL,
  version        INTEGER NOT NULL,
  state          TEXT NOT NULL
)`,
        ...projectionIndexes,
        `CREATE TABLE ${t.tags} (
  ticket_id TEXT NOT NULL REFERENCES ${t.projections} (id) ON DELETE CASCADE,
  tag_id    TEXT NOT NULL,
  PRIMARY KEY (ticket_id, tag_id)
) WITHOUT ROWID`,
        `CREATE INDEX ${i(`${n.tags}_by_tag`)} ON ${t.tags} (tag_id, ticket_id)`,
        `CREATE TABLE ${t.audits} (
  id         TEXT PRIMARY KEY,
  ticket_id  TEXT NOT NULL,
  created_at TEXT NOT NULL,
  record     TEXT NOT NULL
)`,
        `CREATE INDEX ${i(`${n.audits}_by_ticket`)} ON ${t.audits} (ticket_id, created_at)`,
        `CREATE TABLE ${t.snapshots} (
  ticket_id      TEXT NOT NULL,
  schema_version INTEGER NOT NULL,
  version        INTEGER NOT NULL,
  state          TEXT NOT NULL,
  PRIMARY KEY (ticket_id, schema_version, version)
) WITHOUT ROWID`,
        `CREATE TABLE ${t.commands} (
  ticket_id   TEXT NOT NULL,
  command_id  TEXT NOT NULL,
  recorded_at TEXT NOT NULL,
  result      TEXT NOT NULL,
  PRIMARY KEY (ticket_id, command_id)
) WITHOUT ROWID`,
      ],
    },
    {
      version: 2,
      description: 'the projection renamed from tickets, the migrations table from ticket_events_schema',
      // 0.1's tables are only ever found under the default prefix: a store with another
      // prefix never had them, and this step has nothing to do there.
      ...(prefix === DEFAULT_TABLE_PREFIX
        ? {
            onlyIf: {
              query: `SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ${quoteLiteral(LEGACY.migrations)}`,
              reason: `for a database created by ticket-events 0.1 (it has the table ${LEGACY.migrations}; print the script for it with --after 1)`,
            },
            statements: [
              // Renaming also rewrites the tag table's reference to the projection.
              `ALTER TABLE ${i(LEGACY.projections)} RENAME TO ${t.projections}`,
              `DROP INDEX ${i(`${LEGACY.projections}_by_workspace`)}`,
              `DROP INDEX ${i(`${LEGACY.projections}_by_assignee`)}`,
              `DROP INDEX ${i(`${LEGACY.projections}_by_chat`)}`,
              ...projectionIndexes,
              `INSERT INTO ${t.migrations} (version, description, applied_at) SELECT version, description, applied_at FROM ${i(LEGACY.migrations)}`,
              `DROP TABLE ${i(LEGACY.migrations)}`,
            ],
          }
        : { statements: [] }),
    },
    {
      version: 3,
      description: 'command records indexed by recorded_at, for prune()',
      statements: [`CREATE INDEX ${i(`${n.commands}_by_recorded_at`)} ON ${t.commands} (recorded_at)`],
    },
    {
      version: 4,
      description: 'audits keyed by the ticket version they end at, for readAudits()',
      statements: [
        `ALTER TABLE ${t.audits} ADD COLUMN version INTEGER NOT NULL DEFAULT 0`,
        // An audit ends at the version of the last event it describes.
        `UPDATE ${t.audits} SET version = coalesce((SELECT max(event.version) FROM ${t.events} AS event
  WHERE event.id IN (SELECT value FROM json_each(${t.audits}.record, '$.eventIds'))), 0)`,
        `DROP INDEX ${i(`${n.audits}_by_ticket`)}`,
        `CREATE INDEX ${i(`${n.audits}_by_ticket_version`)} ON ${t.audits} (ticket_id, version)`,
      ],
    },
    {
      version: 5,
      description: 'an FTS5 trigram index of the summaries, for list() search, where SQLite has FTS5 with trigrams',
      onlyIf: {
        // FTS5 compiled in (better-sqlite3 and Bun ship it), and its trigram tokenizer,
        // which came with SQLite 3.34.0 (source dated 2020-12-01). Elsewhere search scans.
        query: `SELECT 1 FROM pragma_compile_options WHERE compile_options = 'ENABLE_FTS5' AND substr(sqlite_source_id(), 1, 10) >= '2020-12-01'`,
        reason: 'where SQLite has FTS5 and its trigram tokenizer (3.34.0 or newer); without it list() search scans',
      },
      statements: summarySearchStatements({ names: n, quoted: t }),
    },
    {
      version: 6,
      description: 'the log rebuilt without AUTOINCREMENT, which wrote sqlite_sequence on every append',
      statements: logWithoutAutoincrement({ names: n, quoted: t }),
    },
  ]
}

/**
 * The log rebuilt with `position INTEGER PRIMARY KEY` (a plain rowid alias): SQLite can
 * only drop `AUTOINCREMENT` by copying the table. A new row takes the largest position
 * plus one, which is the same order as before: the log is append-only, so its largest
 * position is never deleted and never handed out again. Positions are copied as they
 * are, so every `afterId` a reader holds stays valid. Dropping the old table also drops
 * its indexes and its `sqlite_sequence` row.
 */
function logWithoutAutoincrement({ names: n, quoted: t }: Pick<SqliteTables, 'names' | 'quoted'>): string[] {
  const i = quoteIdentifier
  const rebuilt = i(`${n.events}_rebuilt`)
  const columns = 'position, id, ticket_id, workspace_id, version, type, occurred_at, payload, meta'
  return [
    `CREATE TABLE ${rebuilt} (
  position     INTEGER PRIMARY KEY,
  id           TEXT NOT NULL UNIQUE,
  ticket_id    TEXT NOT NULL,
  workspace_id TEXT NOT NULL,
  version      INTEGER NOT NULL,
  type         TEXT NOT NULL,
  occurred_at  TEXT NOT NULL,
  payload      TEXT NOT NULL,
  meta         TEXT NOT NULL,
  UNIQUE (ticket_id, version)
)`,
    `INSERT INTO ${rebuilt} (${columns}) SELECT ${columns} FROM ${t.events} ORDER BY position`,
    `DROP TABLE ${t.events}`,
    `ALTER TABLE ${rebuilt} RENAME TO ${t.events}`,
    `CREATE INDEX ${i(`${n.events}_by_workspace`)} ON ${t.events} (workspace_id, position)`,
    `CREATE INDEX ${i(`${n.events}_by_type`)} ON ${t.events} (type, position)`,
  ]
}

/** The FTS5 table that indexes the projection's summaries by trigram. */
export function summarySearchTable(tables: Pick<SqliteTables, 'names'>): string {
  return `${tables.names.projections}_search`
}

/**
 * An external-content FTS5 table over the projection's `summary_folded`, tokenized into
 * trigrams, so a `search` of three characters or more is an index lookup (a `MATCH` on a
 * quoted phrase) instead of a `LIKE` over every row of the workspace. Triggers keep it
 * in step with the projection in the append's transaction; the update trigger fires
 * only when the summary changed, so most appends pay nothing for it.
 */
function summarySearchStatements({ names: n, quoted: t }: Pick<SqliteTables, 'names' | 'quoted'>): string[] {
  const i = quoteIdentifier
  const search = i(summarySearchTable({ names: n }))
  return [
    `CREATE VIRTUAL TABLE ${search} USING fts5(summary_folded, content=${quoteLiteral(n.projections)}, content_rowid='rowid', tokenize='trigram')`,
    `INSERT INTO ${search} (${search}) VALUES ('rebuild')`,
    `CREATE TRIGGER ${i(`${n.projections}_search_insert`)} AFTER INSERT ON ${t.projections} BEGIN
  INSERT INTO ${search} (rowid, summary_folded) VALUES (new.rowid, new.summary_folded);
END`,
    `CREATE TRIGGER ${i(`${n.projections}_search_delete`)} AFTER DELETE ON ${t.projections} BEGIN
  INSERT INTO ${search} (${search}, rowid, summary_folded) VALUES ('delete', old.rowid, old.summary_folded);
END`,
    `CREATE TRIGGER ${i(`${n.projections}_search_update`)} AFTER UPDATE OF summary_folded ON ${t.projections}
  WHEN old.summary_folded IS NOT new.summary_folded BEGIN
  INSERT INTO ${search} (${search}, rowid, summary_folded) VALUES ('delete', old.rowid, old.summary_folded);
  INSERT INTO ${search} (rowid, summary_folded) VALUES (new.rowid, new.summary_folded);
END`,
  ]
}

/** The newest schema version of the SQLite ticket store. */
export const SQLITE_SCHEMA_VERSION = 6

/** The setup and record statements of a migrations table, shared by the ticket store and the webhook dedupe store. */
export function sqliteMigrationBookkeeping(migrationsTable: string): Pick<MigrationPlan, 'lock' | 'setup' | 'record'> {
  const table = quoteIdentifier(migrationsTable)
  return {
    // The migration's transaction is BEGIN IMMEDIATE: it holds the write lock from the start.
    lock: [],
    setup: [
      `CREATE TABLE IF NOT EXISTS ${table} (
  version     INTEGER PRIMARY KEY,
  description TEXT NOT NULL,
  applied_at  TEXT NOT NULL
)`,
    ],
    record: (step) =>
      `INSERT INTO ${table} (version, description, applied_at) VALUES (${step.version}, ${quoteLiteral(step.description)}, strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))`,
  }
}

/** What the migration runner needs of the ticket store's tables. */
export function sqliteMigrationPlan(tables: SqliteTables): MigrationPlan {
  return {
    store: `the SQLite ticket store (table prefix "${tables.prefix}")`,
    migrations: sqliteMigrations(tables),
    ...sqliteMigrationBookkeeping(tables.names.migrations),
    printCommand: (after) =>
      `npx ticket-events sql sqlite${tables.prefix === DEFAULT_TABLE_PREFIX ? '' : ` --table-prefix ${tables.prefix || "''"}`}${after > 0 ? ` --after ${after}` : ''}`,
  }
}

/**
 * Where the applied version is recorded: the migrations table, and under the default
 * prefix also 0.1's, until migration 2 moves its rows over.
 */
export function sqliteVersionTables(tables: SqliteTables): readonly string[] {
  return tables.prefix === DEFAULT_TABLE_PREFIX ? [tables.names.migrations, LEGACY.migrations] : [tables.names.migrations]
}

/** Options of {@link sqliteMigrationSql}. */
export interface SqliteMigrationSqlOptions {
  /** The prefix of the store's table names (default `ticket_`), as in `sqliteStore({ tablePrefix })`. */
  readonly tablePrefix?: string
  /** Leave out the migrations up to this version, which the database has already. */
  readonly after?: number
}

const migrationSqlOptionsSchema = z.optional(
  z.strictObject({ tablePrefix: z.optional(tablePrefixSchema), after: z.optional(z.int().check(z.nonnegative())) }),
)

/**
 * The SQLite ticket store's migrations as SQL — each step's statements and the insert
 * that records it — to apply with your own tools before running the store with
 * `migrate: false`. The same as `npx ticket-events sql sqlite`.
 *
 * @throws {TicketError} `VALIDATION` when the options are malformed
 *
 * @example
 * ```ts
 * import { sqliteMigrationSql } from 'ticket-events/sqlite'
 *
 * database.exec(sqliteMigrationSql().script) // or: npx ticket-events sql sqlite | sqlite3 tickets.db
 * ```
 */
export function sqliteMigrationSql(options?: SqliteMigrationSqlOptions): MigrationSql {
  parseWith(migrationSqlOptionsSchema, options, 'sqliteMigrationSql options')
  const tables = sqliteTables(options?.tablePrefix ?? DEFAULT_TABLE_PREFIX)
  return migrationSql(sqliteMigrationPlan(tables), { after: options?.after ?? 0, begin: 'BEGIN IMMEDIATE' })
}
