import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { PGlite } from '@electric-sql/pglite'
import Database from 'better-sqlite3'
import pg from 'pg'
import { type DedupeStore, memoryDedupeStore, postgresDedupeStore, sqliteDedupeStore } from '../../../src/webhooks/index.js'
import { nullForNoRow } from '../../support/null-row-sqlite.js'

/** A dedupe store backend under test: `open()` gives a store on shared data; `close()` frees it all. */
export interface DedupeBackend {
  readonly name: string
  open(): DedupeStore
  close(): Promise<void>
}

/** Memory: every `open()` returns the same store, as two consumers in one process would share it. */
export function memoryBackend(): DedupeBackend {
  const store = memoryDedupeStore()
  return { name: 'memory', open: () => store, close: async () => {} }
}

/**
 * SQLite in a temporary file; each `open()` is a separate connection to it. With
 * `nullRows`, statements answer `null` for "no row", as Bun's bun:sqlite does.
 */
export function sqliteBackend({ nullRows = false } = {}): DedupeBackend {
  const directory = mkdtempSync(join(tmpdir(), 'ticket-events-webhooks-'))
  const file = join(directory, 'dedupe.db')
  const connections: Database.Database[] = []
  return {
    name: nullRows ? 'sqlite (null for no row)' : 'sqlite',
    open() {
      const database = new Database(file)
      database.pragma('journal_mode = WAL')
      database.pragma('busy_timeout = 5000')
      connections.push(database)
      return sqliteDedupeStore({ database: nullRows ? nullForNoRow(database) : database })
    },
    async close() {
      for (const connection of connections) connection.close()
      rmSync(directory, { recursive: true, force: true })
    },
  }
}

const runId = `${Date.now().toString(36)}_${Math.random().toString(36).slice(2, 8)}`

/**
 * PostgreSQL through `TICKET_EVENTS_PG_URL` when it is set (failing loudly when it is
 * unreachable), otherwise an embedded PGlite. Each backend gets a fresh schema.
 */
export async function postgresBackend(label: string): Promise<DedupeBackend> {
  const schema = `webhooks_${label}_${runId}`
  const url = process.env['TICKET_EVENTS_PG_URL']
  if (url) {
    const pool = new pg.Pool({ connectionString: url, max: 8 })
    // Surface a wrong URL now, with the reason, instead of as a timeout in the first test.
    await pool.query('SELECT 1').catch(async (error: unknown) => {
      await pool.end()
      throw new Error(`TICKET_EVENTS_PG_URL is set but PostgreSQL is unreachable: ${String(error)}`)
    })
    return {
      name: 'postgres',
      open: () => postgresDedupeStore({ pool, schema }),
      async close() {
        await pool.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`)
        await pool.end()
      },
    }
  }
  const pglite = new PGlite()
  return {
    name: 'pglite',
    open: () => postgresDedupeStore({ pglite, schema }),
    async close() {
      await pglite.close()
    },
  }
}
