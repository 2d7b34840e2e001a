/**
 * The SQLite files and PostgreSQL schemas a store conformance test file runs its stores
 * on, cleaned up when the file ends: the webhook delivery and dedupe store contract tests
 * share this plumbing so the two stay run the same way.
 */
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { PGlite } from '@electric-sql/pglite'
import Database from 'better-sqlite3'
import type pg from 'pg'
import { afterAll } from 'vitest'
import { connectTestServer, freshSchemaName, PG_URL } from './postgres.js'

/** Where a PostgreSQL store under test lives: a connection plus a schema of its own. */
export type FreshPostgresTarget = { readonly pool: pg.Pool; readonly schema: string } | { readonly pglite: PGlite; readonly schema: string }

/** Fresh databases for one test file's stores. */
export interface ContractBackends {
  /** `server` (TICKET_EVENTS_PG_URL) or `pglite` (in-process), for suite names. */
  readonly postgresKind: 'server' | 'pglite'
  /** A new SQLite file in WAL mode, closed and deleted when the file ends. */
  freshSqliteDatabase(): Database.Database
  /**
   * The server in TICKET_EVENTS_PG_URL when set, otherwise one shared PGlite, with a new
   * schema dropped when the file ends.
   */
  freshPostgres(): Promise<FreshPostgresTarget>
}

/**
 * Backends for this test file; `name` labels the temporary directory and database files.
 * Call it at module level: it registers an `afterAll` that cleans everything up.
 */
export function contractBackends(name: string): ContractBackends {
  const directory = mkdtempSync(join(tmpdir(), `ticket-events-${name}-contract-`))
  const connections: Database.Database[] = []
  const schemas: string[] = []
  let pool: Promise<pg.Pool> | undefined
  let pglite: Promise<PGlite> | undefined
  let files = 0

  afterAll(async () => {
    for (const connection of connections) connection.close()
    rmSync(directory, { recursive: true, force: true })
    const server = await pool?.catch(() => undefined)
    if (server !== undefined) {
      for (const schema of schemas) await server.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`)
      await server.end()
    }
    await (await pglite?.catch(() => undefined))?.close()
  })

  return {
    postgresKind: PG_URL === undefined ? 'pglite' : 'server',
    freshSqliteDatabase() {
      const database = new Database(join(directory, `${name}-${++files}.db`))
      database.pragma('journal_mode = WAL')
      connections.push(database)
      return database
    },
    async freshPostgres() {
      const schema = freshSchemaName()
      schemas.push(schema)
      if (PG_URL !== undefined) {
        pool ??= connectTestServer(PG_URL, 8)
        return { pool: await pool, schema }
      }
      pglite ??= PGlite.create()
      return { pglite: await pglite, schema }
    },
  }
}
