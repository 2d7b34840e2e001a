import * as z from 'zod/mini'

/** An unquoted-safe SQL identifier for table and schema names (checked, then double-quoted). @internal */
export const sqlIdentifierSchema = z
  .string()
  .check(z.regex(/^[A-Za-z_][A-Za-z0-9_]{0,62}$/, { error: 'Expected an identifier: letters, digits and _, at most 63 characters' }))

/** Quotes a checked identifier. @internal */
export function quoteIdentifier(name: string): string {
  return `"${name}"`
}

/** The default table name of the SQL dedupe stores. */
export const DEFAULT_DEDUPE_TABLE = 'ticket_events_webhook_deliveries'
