/**
 * How the SQL stores name what they create: the table prefix, schema and table names
 * users may choose, checked once, and the one table name per role that both SQL ticket
 * stores share.
 *
 * @internal
 * @module
 */
import * as z from 'zod/mini'

/** The default `tablePrefix` of the SQL ticket stores. */
export const DEFAULT_TABLE_PREFIX = 'ticket_'

/**
 * The longest prefix: PostgreSQL cuts names at 63 bytes, and the longest name the stores
 * derive from the prefix (`…projections_workspace_assignee_idx`) has 34 more characters.
 */
export const MAX_TABLE_PREFIX_LENGTH = 24

/** A table prefix: lowercase letters, digits and `_`, starting with a letter or `_`, or empty. */
export const tablePrefixSchema = z.string().check(
  z.regex(new RegExp(`^([a-z_][a-z0-9_]{0,${MAX_TABLE_PREFIX_LENGTH - 1}})?$`), {
    error: `Expected a table prefix: up to ${MAX_TABLE_PREFIX_LENGTH} lowercase letters, digits and _, starting with a letter or _`,
  }),
)

/** A PostgreSQL schema name for the ticket store: lowercase, so hand-written SQL needs no quotes. */
export const lowercaseIdentifierSchema = z
  .string()
  .check(
    z.regex(/^[a-z_][a-z0-9_]{0,62}$/, { error: 'Expected a schema name: lowercase letters, digits and _, starting with a letter or _' }),
  )

/** A table or schema name of the webhook dedupe stores, which have always allowed upper case (it is quoted). */
export const identifierSchema = z
  .string()
  .check(z.regex(/^[A-Za-z_][A-Za-z0-9_]{0,51}$/, { error: 'Expected an identifier: letters, digits and _, at most 52 characters' }))

/** Quotes an identifier the schemas above already checked (the doubling keeps any other name safe too). */
export function quoteIdentifier(name: string): string {
  return `"${name.replaceAll('"', '""')}"`
}

/** Quotes a string for SQL text (migration records written out in a printed script). */
export function quoteLiteral(text: string): string {
  return `'${text.replaceAll("'", "''")}'`
}

/** The SQL ticket stores' tables, unquoted, one per role. */
export interface TicketTableNames {
  /** The log: one row per event. */
  readonly events: string
  /** The `list()` projection: one row per ticket. */
  readonly projections: string
  /** SQLite only: the projection's tags, one row per (ticket, tag). */
  readonly tags: string
  readonly audits: string
  readonly snapshots: string
  /** The idempotency records. */
  readonly commands: string
  /** Which numbered migrations ran. */
  readonly migrations: string
}

/** The table names for a prefix: with the default `ticket_`, `ticket_events`, `ticket_projections`, … */
export function ticketTableNames(prefix: string): TicketTableNames {
  return {
    events: `${prefix}events`,
    projections: `${prefix}projections`,
    tags: `${prefix}tags`,
    audits: `${prefix}audits`,
    snapshots: `${prefix}snapshots`,
    commands: `${prefix}commands`,
    migrations: `${prefix}schema_migrations`,
  }
}
