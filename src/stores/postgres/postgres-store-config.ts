/**
 * The options of {@link postgresStore} and the structural driver interfaces it needs.
 *
 * The store never imports `pg` or `@electric-sql/pglite` types: it declares the smallest
 * shapes it calls (`query(text, params)`, `connect()`, `release()`, `end()`, `close()`),
 * which `pg.Pool`, `pg.Client` and `PGlite` all satisfy.
 *
 * @module
 */
import * as z from 'zod/mini'
import { lowercaseIdentifierSchema } from '../shared/sql-names.js'
import { sqlStoreOptionShape } from '../shared/store-options.js'

/** What the store reads from a query result: the rows, as the driver parsed them. */
export interface PostgresQueryResult {
  readonly rows: readonly unknown[]
}

/** Anything that runs a parameterised SQL statement (`$1`, `$2`, …). */
export interface PostgresQueryable {
  query(text: string, params?: unknown[]): Promise<PostgresQueryResult>
}

/**
 * A connection's `error` event, as node-postgres emits it when the connection drops. An
 * `error` event nobody listens to ends a Node process, so the store listens on every
 * connection it holds. Optional: a connection without events (PGlite) has nothing to drop.
 */
export interface PostgresErrorEvents {
  on?(event: 'error', listener: (error: Error) => void): unknown
  removeListener?(event: 'error', listener: (error: Error) => void): unknown
}

/** A connection checked out of a pool (`pg.PoolClient`). */
export interface PostgresPoolClient extends PostgresQueryable, PostgresErrorEvents {
  /** Returns the connection; an argument destroys it instead (a broken connection never goes back to the pool). */
  release(destroy?: Error | boolean): void
}

/** A connection pool (`pg.Pool`): every append checks out its own connection. */
export interface PostgresPool extends PostgresQueryable {
  connect(): Promise<PostgresPoolClient>
  end(): Promise<void>
}

/**
 * A single connection (`pg.Client`), as serverless functions hold. The store runs one
 * transaction at a time on it, so concurrent calls never interleave their statements.
 * While the store is open it listens for the client's `error` event; once the connection
 * is lost, every call fails with `UNAVAILABLE` (not retryable).
 */
export interface PostgresClient extends PostgresQueryable, PostgresErrorEvents {}

/** An in-process PGlite instance (`@electric-sql/pglite`): one connection, serialised like a client. */
export type PGliteDatabase = PostgresQueryable

/** Settings shared by every way of connecting. */
export interface PostgresStoreCommonOptions {
  /**
   * The PostgreSQL schema holding the store's tables (default `public`). Lowercase
   * letters, digits and `_`, starting with a letter or `_`, at most 63 characters.
   * Tests use a fresh schema each to isolate themselves.
   */
  readonly schema?: string
  /**
   * The start of every table name (default `ticket_`: `ticket_events`,
   * `ticket_projections`, …): up to 24 lowercase letters, digits and `_`, or `''`.
   * Another prefix means other tables — a database made with one is not found under another.
   */
  readonly tablePrefix?: string
  /**
   * Whether the store creates and upgrades its tables on first use (default `true`).
   * With `false` it only checks that the schema is at the version this library needs,
   * and fails with `TicketError('UNAVAILABLE')` (`details.reason: 'schema_behind'`) when
   * it is not: apply the migrations yourself (`npx ticket-events sql postgres`), for
   * example to run the store as a role that may only read and write data.
   */
  readonly migrate?: boolean
  /**
   * Whether the store sends its fixed statements as prepared statements (default `true`
   * with `connectionString`, `pool` and `client`): node-postgres then parses and plans
   * each once per connection, and later runs send only the parameters. Set `false`
   * behind a pooler that hands one client's statements to different server connections
   * without tracking prepared statements — PgBouncer in transaction or statement mode
   * before 1.21, or with `max_prepared_statements = 0` (the default before 1.24) — or with a `client` that
   * is not node-postgres and does not take `query({ name, text, values })`. Not
   * accepted with `pglite`, which runs every statement as it comes.
   */
  readonly preparedStatements?: boolean
}

/**
 * How {@link postgresStore} reaches the database: exactly one of a connection string
 * (the store opens and closes its own `pg.Pool`), a pool, a single client, or PGlite.
 * Connections the caller passes in are never closed by the store.
 */
export type PostgresStoreOptions = PostgresStoreCommonOptions &
  (
    | {
        /** A `postgres://` URL; the store imports `pg` (an optional peer dependency) and owns the pool. */
        readonly connectionString: string
        /** Size of the pool the store opens (default 10). */
        readonly maxConnections?: number
      }
    | { readonly pool: PostgresPool }
    | { readonly client: PostgresClient }
    | { readonly pglite: PGliteDatabase }
  )

/** The default schema. */
export const DEFAULT_POSTGRES_SCHEMA = 'public'

const queryable = (what: string, methods: readonly string[]) =>
  z.custom<unknown>(
    (value: unknown) =>
      typeof value === 'object' &&
      value !== null &&
      methods.every((method) => typeof (value as Record<string, unknown>)[method] === 'function'),
    { error: `Expected ${what} with ${methods.map((method) => `${method}()`).join(' and ')}` },
  )

/**
 * Validators of the connections a caller passes in (`pool`, `client`, `pglite`), shared
 * with the webhook dedupe store, which takes the same ones.
 *
 * @internal
 */
export const postgresConnectionShape = {
  pool: z.optional(queryable('a pool', ['query', 'connect', 'end'])),
  client: z.optional(queryable('a client', ['query'])),
  pglite: z.optional(queryable('a PGlite instance', ['query'])),
}

const CONNECTION_KEYS = ['connectionString', 'pool', 'client', 'pglite'] as const

/** Validates {@link PostgresStoreOptions}: exactly one way of connecting, and a safe schema name. */
export const postgresStoreOptionsSchema = z
  .strictObject({
    schema: z.optional(lowercaseIdentifierSchema),
    ...sqlStoreOptionShape,
    connectionString: z.optional(
      z.string().check(z.regex(/^postgres(ql)?:\/\//, { error: 'Expected a postgres:// or postgresql:// URL' })),
    ),
    maxConnections: z.optional(z.int().check(z.minimum(1), z.maximum(1000))),
    preparedStatements: z.optional(z.boolean()),
    ...postgresConnectionShape,
  })
  .check(
    z.superRefine((options, ctx) => {
      const given = CONNECTION_KEYS.filter((key) => options[key] !== undefined)
      if (given.length !== 1) {
        ctx.addIssue({
          code: 'custom',
          path: given.length ? [given[1] ?? given[0]!] : [],
          message: `Pass exactly one of ${CONNECTION_KEYS.join(', ')} (got ${given.length ? given.join(', ') : 'none'})`,
        })
      }
      if (options.maxConnections !== undefined && options.connectionString === undefined) {
        ctx.addIssue({ code: 'custom', path: ['maxConnections'], message: 'maxConnections applies only with connectionString' })
      }
      if (options.preparedStatements !== undefined && options.pglite !== undefined) {
        ctx.addIssue({
          code: 'custom',
          path: ['preparedStatements'],
          message: 'preparedStatements applies only with connectionString, pool or client (node-postgres)',
        })
      }
    }),
  )
