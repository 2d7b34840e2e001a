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

const schemaNameSchema = z
  .string()
  .check(
    z.regex(/^[a-z_][a-z0-9_]{0,62}$/, { error: 'Expected a schema name: lowercase letters, digits and _, starting with a letter or _' }),
  )

const queryable = (what: string, methods: readonly string[]) =>
  z.custom<unknown>(
    (value: unknown) =>
      typeof value === 'object' &&
      value !== null &&
      methods.every((method) => typeof (value as Record<string, unknown>)[method] === 'function'),
    { error: `Expected ${what} with ${methods.map((method) => `${method}()`).join(' and ')}` },
  )

const CONNECTION_KEYS = ['connectionString', 'pool', 'client', 'pglite'] as const

/** Validates {@link PostgresStoreOptions}: exactly one way of connecting, and a safe schema name. */
export const postgresStoreOptionsSchema = z
  .strictObject({
    schema: z.optional(schemaNameSchema),
    connectionString: z.optional(
      z.string().check(z.regex(/^postgres(ql)?:\/\//, { error: 'Expected a postgres:// or postgresql:// URL' })),
    ),
    maxConnections: z.optional(z.int().check(z.minimum(1), z.maximum(1000))),
    pool: z.optional(queryable('a pool', ['query', 'connect', 'end'])),
    client: z.optional(queryable('a client', ['query'])),
    pglite: z.optional(queryable('a PGlite instance', ['query'])),
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
    }),
  )
