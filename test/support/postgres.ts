/**
 * Where PostgreSQL tests run: the server named by `TICKET_EVENTS_PG_URL` when it is set
 * (CI sets it), otherwise an in-process PGlite so `npm test` passes on any machine.
 *
 * Every store gets a fresh schema, dropped by `dispose()`. When the variable is set but
 * the server cannot be reached, creating a store throws: the tests fail, they never skip.
 */
import { PGlite } from '@electric-sql/pglite'
import pg from 'pg'
import {
  type PostgresQueryable,
  type PostgresStoreCommonOptions,
  type PostgresTicketStore,
  postgresStore,
} from '../../src/stores/postgres/index.js'

/** The server the PostgreSQL tests use, or `undefined` to use PGlite. */
export const PG_URL: string | undefined = process.env['TICKET_EVENTS_PG_URL'] || undefined

/** Why server-only tests skip when there is no server. */
export const NO_SERVER_REASON = 'TICKET_EVENTS_PG_URL is not set: these tests need a real PostgreSQL server (PGlite has one connection)'

/** A database for one test file: stores in fresh schemas, cleaned up at the end. */
export interface PostgresTestDatabase {
  /** `server` (TICKET_EVENTS_PG_URL) or `pglite` (in-process). */
  readonly kind: 'server' | 'pglite'
  /**
   * A fresh store in a new schema (migrate it yourself, or let a service do it), or in
   * `options.schema` (dropped at the end too), with the other options given.
   */
  createStore(options?: Pick<PostgresStoreCommonOptions, 'schema' | 'tablePrefix' | 'migrate'>): Promise<PostgresTicketStore>
  /** The connection its stores use: `{ pool }` on the server, `{ pglite }` otherwise. */
  connection(): Promise<{ readonly pool: pg.Pool } | { readonly pglite: PGlite }>
  /** Runs SQL on the same database (for assertions that look at the tables). */
  query(text: string, params?: unknown[]): Promise<readonly Record<string, unknown>[]>
  /** Drops every schema this database created, and closes its connections. */
  dispose(): Promise<void>
}

let schemaCounter = 0

/** A schema name no other test uses: the process id, a counter and some randomness. */
export function freshSchemaName(): string {
  schemaCounter += 1
  return `te_test_${process.pid}_${schemaCounter}_${Math.random().toString(36).slice(2, 8)}`
}

/**
 * Opens a `pg.Pool` on the test server and checks it answers, with a message that says
 * which variable to fix when it does not.
 */
export async function connectTestServer(url: string, max = 4): Promise<pg.Pool> {
  const pool = new pg.Pool({ connectionString: url, max, connectionTimeoutMillis: 10_000 })
  pool.on('error', () => {})
  try {
    await pool.query('SELECT 1')
  } catch (error) {
    await pool.end().catch(() => {})
    throw new Error(`TICKET_EVENTS_PG_URL is set to ${url}, but that PostgreSQL server cannot be reached: ${String(error)}`, {
      cause: error,
    })
  }
  return pool
}

/**
 * The test database for this file: the server when `TICKET_EVENTS_PG_URL` is set,
 * otherwise one PGlite instance (started on first use; starting one takes seconds, so
 * the file's stores share it, each in its own schema).
 */
export function createPostgresTestDatabase(): PostgresTestDatabase {
  const schemas: string[] = []
  let pool: Promise<pg.Pool> | undefined
  let pglite: Promise<PGlite> | undefined

  const connection = async (): Promise<{ readonly pool: pg.Pool } | { readonly pglite: PGlite }> => {
    if (PG_URL !== undefined) {
      pool ??= connectTestServer(PG_URL)
      return { pool: await pool }
    }
    pglite ??= PGlite.create()
    return { pglite: await pglite }
  }

  const query = async (text: string, params?: unknown[]): Promise<readonly Record<string, unknown>[]> => {
    const options = await connection()
    const target: PostgresQueryable = 'pool' in options ? options.pool : options.pglite
    return (await target.query(text, params)).rows as Record<string, unknown>[]
  }

  return {
    kind: PG_URL === undefined ? 'pglite' : 'server',
    connection,
    async createStore(options = {}) {
      const schema = options.schema ?? freshSchemaName()
      if (!schemas.includes(schema)) schemas.push(schema)
      return postgresStore({ ...(await connection()), ...options, schema })
    },
    query,
    async dispose() {
      if (pool === undefined && pglite === undefined) return
      for (const schema of schemas.splice(0)) await query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`)
      await (await pool?.catch(() => undefined))?.end()
      await (await pglite?.catch(() => undefined))?.close()
    },
  }
}
