/**
 * `ticket-events`, the command line: `ticket-events sql postgres|sqlite [options]` prints
 * a store's migrations as one SQL script, to apply with `psql`, `sqlite3` or a migration tool.
 *
 * @internal
 * @module
 */
import { isTicketError } from '../core/errors/ticket-error.js'
import type { MigrationSql } from '../migrations/migration-sql.js'
import { postgresMigrationSql } from '../stores/postgres/postgres-schema.js'
import { sqliteMigrationSql } from '../stores/sqlite/sqlite-schema.js'
import { postgresDedupeMigrationSql, sqliteDedupeMigrationSql } from '../webhooks/consumer/dedupe-schema.js'
import { postgresDeliveryMigrationSql, sqliteDeliveryMigrationSql } from '../webhooks/dispatcher/delivery-schema.js'

/** Where the command writes. */
export interface CliOutput {
  out(text: string): void
  err(text: string): void
}

export const USAGE = `Usage: ticket-events sql <postgres|sqlite> [options]

Prints the migrations of a ticket-events store as one SQL script (one transaction), to
apply yourself before running the store with migrate: false:

  npx ticket-events sql postgres --schema support | psql "$DATABASE_URL" -v ON_ERROR_STOP=1
  npx ticket-events sql sqlite | sqlite3 tickets.db

Options:
  --store <tickets|webhook-deliveries|webhook-dispatch>
                           the ticket store (default), the webhook dedupe store, or the
                           webhook dispatcher's delivery store
  --schema <name>          PostgreSQL schema, as the store's schema option (default: public;
                           for the webhook stores the connection's search path)
  --table-prefix <prefix>  as the store's tablePrefix option (default: ticket_, or
                           ticket_events_ for the webhook stores)
  --table-name <name>      webhook-deliveries only: the table's whole name
  --after <version>        only the migrations after this version (the database has it)
  -h, --help               this text
`

const FLAGS = {
  '--store': 'store',
  '--schema': 'schema',
  '--table-prefix': 'tablePrefix',
  '--table-name': 'tableName',
  '--after': 'after',
} as const

type Flag = (typeof FLAGS)[keyof typeof FLAGS]

/** Runs the command with `args` (without `node` and the script); returns the exit code. */
export function runCli(args: readonly string[], output: CliOutput): number {
  if (args.length === 0 || args.includes('-h') || args.includes('--help')) {
    output[args.length === 0 ? 'err' : 'out'](USAGE)
    return args.length === 0 ? 2 : 0
  }
  const [command, dialect, ...rest] = args
  if (command !== 'sql') return usageError(output, `Unknown command ${JSON.stringify(command)}: the only command is sql.`)
  if (dialect !== 'postgres' && dialect !== 'sqlite') {
    return usageError(output, `Expected postgres or sqlite after sql, got ${dialect === undefined ? 'nothing' : JSON.stringify(dialect)}.`)
  }
  const values: Partial<Record<Flag, string>> = {}
  for (let index = 0; index < rest.length; index += 2) {
    const flag = rest[index] as string
    const value = rest[index + 1]
    const name = (FLAGS as Record<string, Flag>)[flag]
    if (name === undefined) return usageError(output, `Unknown option ${JSON.stringify(flag)}.`)
    if (value === undefined || (value.startsWith('--') && value.length > 2)) return usageError(output, `Option ${flag} needs a value.`)
    values[name] = value
  }
  const store = values.store ?? 'tickets'
  if (store !== 'tickets' && store !== 'webhook-deliveries' && store !== 'webhook-dispatch') {
    return usageError(output, `Expected --store tickets, webhook-deliveries or webhook-dispatch, got ${JSON.stringify(store)}.`)
  }
  if (values.after !== undefined && !/^\d+$/.test(values.after))
    return usageError(output, `Expected --after to be a version number, got ${JSON.stringify(values.after)}.`)
  if (store !== 'webhook-deliveries' && values.tableName !== undefined)
    return usageError(output, '--table-name applies only to --store webhook-deliveries.')
  if (dialect === 'sqlite' && values.schema !== undefined)
    return usageError(output, '--schema applies only to postgres: SQLite has no schemas.')

  const options = {
    ...(values.schema === undefined ? {} : { schema: values.schema }),
    ...(values.tablePrefix === undefined ? {} : { tablePrefix: values.tablePrefix }),
    ...(values.tableName === undefined ? {} : { tableName: values.tableName }),
    ...(values.after === undefined ? {} : { after: Number(values.after) }),
  }
  let sql: MigrationSql
  try {
    if (store === 'tickets') sql = dialect === 'postgres' ? postgresMigrationSql(options) : sqliteMigrationSql(options)
    else if (store === 'webhook-deliveries')
      sql = dialect === 'postgres' ? postgresDedupeMigrationSql(options) : sqliteDedupeMigrationSql(options)
    else sql = dialect === 'postgres' ? postgresDeliveryMigrationSql(options) : sqliteDeliveryMigrationSql(options)
  } catch (error) {
    if (!isTicketError(error)) throw error
    return usageError(output, error.message)
  }
  output.out(sql.script)
  return 0
}

function usageError(output: CliOutput, message: string): number {
  output.err(`ticket-events: ${message}\nRun ticket-events --help for the options.\n`)
  return 2
}
