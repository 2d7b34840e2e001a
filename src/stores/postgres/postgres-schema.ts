/**
 * The PostgreSQL store's tables and their numbered migrations, for one schema and table
 * prefix (with the defaults, `public` and `ticket_`):
 *
 * | table | one row per | what it is for |
 * | --- | --- | --- |
 * | `ticket_events` | stored event | the log: every ticket's stream and the one global order `(transaction_id, position)` |
 * | `ticket_projections` | ticket | the `list()` projection, written in the append's transaction |
 * | `ticket_snapshots` | ticket and ticket schema version | the newest snapshot, so a load reads only the events after it |
 * | `ticket_audits` | accepted command that emitted events | the Zendesk-style audit record, with the ticket `version` it ends at (the order `readAudits` pages in) |
 * | `ticket_commands` | ticket and command id | the idempotency record: the first result of a command id |
 * | `ticket_schema_migrations` | applied migration | which numbered migrations ran |
 *
 * Documents (`event`, `state`, `record`, `result`) are `json`, not `jsonb`:
 * the store never queries inside them (every filter has its own column), `json` keeps
 * them byte for byte (key order included) and accepts every string JavaScript can hold.
 *
 * @module
 */
import * as z from 'zod/mini'
import { parseWith } from '../../core/commands/parse-command.js'
import type { Migration, MigrationPlan } from '../../migrations/migration.js'
import { type MigrationSql, migrationSql } from '../../migrations/migration-sql.js'
import {
  DEFAULT_TABLE_PREFIX,
  lowercaseIdentifierSchema,
  quoteIdentifier,
  quoteLiteral,
  type TicketTableNames,
  tablePrefixSchema,
  ticketTableNames,
} from '../shared/sql-names.js'
import { DEFAULT_POSTGRES_SCHEMA } from './postgres-store-config.js'

/** Where a store's tables are: the schema, the prefix, and every name derived from them. */
export interface PostgresTables {
  readonly schema: string
  readonly prefix: string
  /** Unquoted table names. */
  readonly names: TicketTableNames
  /** `"schema"."table"` for each table, ready for SQL text. */
  readonly qualified: TicketTableNames
  /** The log's unique `(ticket_id, version)`: the backstop of the version check. */
  readonly streamVersionConstraint: string
}

/** The names of the tables in `schema` with `prefix`. */
export function postgresTables(schema: string, prefix: string): PostgresTables {
  const names = ticketTableNames(prefix)
  const qualify = (table: string): string => `${quoteIdentifier(schema)}.${quoteIdentifier(table)}`
  const qualified = Object.fromEntries(Object.entries(names).map(([role, table]) => [role, qualify(table)])) as unknown as TicketTableNames
  return { schema, prefix, names, qualified, streamVersionConstraint: `${names.events}_stream_version_key` }
}

/** The store's steps, oldest first. Never edit a released one: add a step. */
function postgresMigrations({ schema, names: n, qualified: t }: PostgresTables): readonly Migration[] {
  const i = quoteIdentifier
  return [
    {
      version: 1,
      description: 'events, projections, snapshots, audits, commands',
      statements: [
        // The log. `transaction_id` and `position` give the global order; a reader only
        // sees rows whose transaction is older than every transaction still in flight.
        `CREATE TABLE ${t.events} (
  position bigserial PRIMARY KEY,
  transaction_id xid8 NOT NULL DEFAULT pg_current_xact_id(),
  id text NOT NULL,
  ticket_id uuid NOT NULL,
  workspace_id uuid NOT NULL,
  version integer NOT NULL CHECK (version >= 1),
  type varchar(255) NOT NULL,
  occurred_at timestamptz NOT NULL,
  event json NOT NULL,
  CONSTRAINT ${i(`${n.events}_id_key`)} UNIQUE (id),
  CONSTRAINT ${i(`${n.events}_stream_version_key`)} UNIQUE (ticket_id, version)
)`,
        `CREATE INDEX ${i(`${n.events}_log_order_idx`)} ON ${t.events} (transaction_id, position)`,
        `CREATE INDEX ${i(`${n.events}_workspace_log_order_idx`)} ON ${t.events} (workspace_id, transaction_id, position)`,
        // The projection behind list(): a column for every filter, the ticket itself in `state`.
        `CREATE TABLE ${t.projections} (
  ticket_id uuid PRIMARY KEY,
  workspace_id uuid NOT NULL,
  chat_id uuid NOT NULL,
  status text NOT NULL,
  assignee_id uuid,
  tag_ids uuid[] NOT NULL,
  summary_lower text,
  archived boolean NOT NULL,
  deleted boolean NOT NULL,
  created_at timestamptz NOT NULL,
  updated_at timestamptz NOT NULL,
  version integer NOT NULL,
  state json NOT NULL
)`,
        `CREATE INDEX ${i(`${n.projections}_workspace_created_idx`)} ON ${t.projections} (workspace_id, created_at DESC, ticket_id)`,
        `CREATE INDEX ${i(`${n.projections}_workspace_assignee_idx`)} ON ${t.projections} (workspace_id, assignee_id)`,
        `CREATE INDEX ${i(`${n.projections}_workspace_chat_idx`)} ON ${t.projections} (workspace_id, chat_id)`,
        `CREATE INDEX ${i(`${n.projections}_tag_ids_idx`)} ON ${t.projections} USING gin (tag_ids)`,
        `CREATE TABLE ${t.snapshots} (
  ticket_id uuid NOT NULL,
  schema_version integer NOT NULL,
  version integer NOT NULL,
  state json NOT NULL,
  PRIMARY KEY (ticket_id, schema_version)
)`,
        `CREATE TABLE ${t.audits} (
  id text PRIMARY KEY,
  ticket_id uuid NOT NULL,
  created_at timestamptz NOT NULL,
  record json NOT NULL
)`,
        `CREATE INDEX ${i(`${n.audits}_ticket_idx`)} ON ${t.audits} (ticket_id, created_at)`,
        `CREATE TABLE ${t.commands} (
  ticket_id uuid NOT NULL,
  command_id text NOT NULL,
  recorded_at timestamptz NOT NULL,
  result json NOT NULL,
  PRIMARY KEY (ticket_id, command_id)
)`,
        // prune() deletes by recorded_at.
        `CREATE INDEX ${i(`${n.commands}_recorded_at_idx`)} ON ${t.commands} (recorded_at)`,
      ],
    },
    {
      version: 2,
      description: 'audits keyed by the ticket version they end at, for readAudits()',
      statements: [
        `ALTER TABLE ${t.audits} ADD COLUMN version integer`,
        // An audit ends at the version of the last event it describes.
        `UPDATE ${t.audits} AS audit SET version = coalesce((SELECT max(event.version) FROM ${t.events} AS event
  WHERE event.id IN (SELECT json_array_elements_text(audit.record -> 'eventIds'))), 0)`,
        `ALTER TABLE ${t.audits} ALTER COLUMN version SET NOT NULL`,
        `DROP INDEX ${i(schema)}.${i(`${n.audits}_ticket_idx`)}`,
        `CREATE INDEX ${i(`${n.audits}_ticket_version_idx`)} ON ${t.audits} (ticket_id, version)`,
      ],
    },
  ]
}

/** The newest schema version of the PostgreSQL ticket store. */
export const POSTGRES_SCHEMA_VERSION = 2

/**
 * The lock, setup and record statements of a migrations table, shared by the ticket store
 * and the webhook dedupe store.
 *
 * @param schema - the schema to create when missing (`undefined`: the connection's search path)
 * @param migrationsTable - the migrations table, qualified and quoted as SQL text
 */
export function postgresMigrationBookkeeping(
  schema: string | undefined,
  migrationsTable: string,
): Pick<MigrationPlan, 'lock' | 'setup' | 'record'> {
  // Stores starting together queue here instead of racing on CREATE (which fails with
  // `duplicate key … pg_type_typname_nsp_index`). The lock is per schema and held until
  // the migration's transaction ends.
  const lockKey =
    schema === undefined ? `'ticket-events:migrate:' || coalesce(current_schema(), '')` : quoteLiteral(`ticket-events:migrate:${schema}`)
  return {
    lock: [`SELECT pg_advisory_xact_lock(hashtext(${lockKey}))`],
    setup: [
      // Only when missing: CREATE SCHEMA IF NOT EXISTS would still need the CREATE privilege
      // on the database, which a role using an existing schema may lack.
      ...(schema === undefined
        ? []
        : [
            `DO $$ BEGIN IF to_regnamespace(${quoteLiteral(quoteIdentifier(schema))}) IS NULL THEN CREATE SCHEMA ${quoteIdentifier(schema)}; END IF; END $$`,
          ]),
      `CREATE TABLE IF NOT EXISTS ${migrationsTable} (
  version integer PRIMARY KEY,
  description text NOT NULL,
  applied_at timestamptz NOT NULL DEFAULT now()
)`,
    ],
    record: (step) => `INSERT INTO ${migrationsTable} (version, description) VALUES (${step.version}, ${quoteLiteral(step.description)})`,
  }
}

/** The query that reads a migrations table's newest version, once the table is known to exist. */
export function postgresAppliedVersionSql(migrationsTable: string): string {
  return `SELECT coalesce(max(version), 0)::int AS version FROM ${migrationsTable}`
}

/** What the migration runner needs of the ticket store's schema in `tables`. */
export function postgresMigrationPlan(tables: PostgresTables): MigrationPlan {
  const defaults = tables.schema === DEFAULT_POSTGRES_SCHEMA && tables.prefix === DEFAULT_TABLE_PREFIX
  return {
    store: `the PostgreSQL ticket store (schema "${tables.schema}", table prefix "${tables.prefix}")`,
    migrations: postgresMigrations(tables),
    ...postgresMigrationBookkeeping(tables.schema, tables.qualified.migrations),
    printCommand: (after) =>
      `npx ticket-events sql postgres${defaults ? '' : ` --schema ${tables.schema} --table-prefix ${tables.prefix || "''"}`}${after > 0 ? ` --after ${after}` : ''}`,
  }
}

/** Options of {@link postgresMigrationSql}. */
export interface PostgresMigrationSqlOptions {
  /** The schema of the store's tables (default `public`), as in `postgresStore({ schema })`. */
  readonly schema?: string
  /** The prefix of the store's table names (default `ticket_`), as in `postgresStore({ tablePrefix })`. */
  readonly tablePrefix?: string
  /** Leave out the migrations up to this version, which the database has already. */
  readonly after?: number
}

const migrationSqlOptionsSchema = z.optional(
  z.strictObject({
    schema: z.optional(lowercaseIdentifierSchema),
    tablePrefix: z.optional(tablePrefixSchema),
    after: z.optional(z.int().check(z.nonnegative())),
  }),
)

/**
 * The PostgreSQL ticket store's migrations as SQL — each step's statements and the insert
 * that records it — to apply with your own tools before running the store with
 * `migrate: false`. The same as `npx ticket-events sql postgres`.
 *
 * @throws {TicketError} `VALIDATION` when the options are malformed
 *
 * @example
 * ```ts
 * import { writeFileSync } from 'node:fs'
 * import { postgresMigrationSql } from 'ticket-events/postgres'
 *
 * writeFileSync('migrations/ticket-events.sql', postgresMigrationSql({ schema: 'support' }).script)
 * // psql -v ON_ERROR_STOP=1 -f migrations/ticket-events.sql
 * ```
 */
export function postgresMigrationSql(options?: PostgresMigrationSqlOptions): MigrationSql {
  parseWith(migrationSqlOptionsSchema, options, 'postgresMigrationSql options')
  const tables = postgresTables(options?.schema ?? DEFAULT_POSTGRES_SCHEMA, options?.tablePrefix ?? DEFAULT_TABLE_PREFIX)
  return migrationSql(postgresMigrationPlan(tables), { after: options?.after ?? 0 })
}
