/**
 * How the store runs SQL on each kind of connection: a pool (a connection per
 * transaction), or a single connection (a client or PGlite, one transaction at a time).
 *
 * @internal
 * @module
 */
import { ConnectionMutex } from './connection-mutex.js'
import type { PostgresPool, PostgresQueryable } from './postgres-store-config.js'

/** Runs statements alone (autocommit) or together in one transaction. */
export interface PostgresExecutor {
  /** Runs one statement in its own implicit transaction and returns its rows. */
  query(text: string, params?: unknown[]): Promise<readonly unknown[]>
  /** Runs `work` between `BEGIN` and `COMMIT` on one connection; rolls back if it throws. */
  transaction<T>(work: (session: PostgresQueryable) => Promise<T>): Promise<T>
  /** Ends what the executor opened itself. */
  close(): Promise<void>
}

/**
 * An executor over a pool. Each transaction checks out its own connection and releases
 * it afterwards (destroying it when the rollback itself failed, so a broken connection
 * never goes back to the pool).
 *
 * @param getPool - returns the pool (opened lazily when the store owns it)
 * @param endPool - ends the pool on `close()`, or `null` when the caller owns it
 */
export function poolExecutor(getPool: () => Promise<PostgresPool>, endPool: (() => Promise<void>) | null): PostgresExecutor {
  return {
    async query(text, params) {
      const pool = await getPool()
      return (await pool.query(text, params)).rows
    },
    async transaction(work) {
      const pool = await getPool()
      const client = await pool.connect()
      let broken: Error | undefined
      try {
        return await inTransaction(client, work, (error) => {
          broken = error
        })
      } finally {
        client.release(broken)
      }
    },
    async close() {
      await endPool?.()
    },
  }
}

/**
 * An executor over one connection (a `pg.Client` or PGlite). Every statement, alone or
 * in a transaction, waits its turn, so a read never runs inside another call's open
 * transaction and two transactions never interleave.
 */
export function singleConnectionExecutor(connection: PostgresQueryable): PostgresExecutor {
  const mutex = mutexFor(connection)
  return {
    query(text, params) {
      return mutex.run(async () => (await connection.query(text, params)).rows)
    },
    transaction(work) {
      return mutex.run(() => inTransaction(connection, work, () => {}))
    },
    async close() {},
  }
}

// One mutex per connection, not per store: two stores over one client (say, in two
// schemas) must not interleave their transactions either.
const mutexes = new WeakMap<object, ConnectionMutex>()

function mutexFor(connection: object): ConnectionMutex {
  const existing = mutexes.get(connection)
  if (existing !== undefined) return existing
  const mutex = new ConnectionMutex()
  mutexes.set(connection, mutex)
  return mutex
}

async function inTransaction<T>(
  connection: PostgresQueryable,
  work: (session: PostgresQueryable) => Promise<T>,
  onBrokenConnection: (error: Error) => void,
): Promise<T> {
  await connection.query('BEGIN')
  try {
    const result = await work(connection)
    await connection.query('COMMIT')
    return result
  } catch (error) {
    try {
      await connection.query('ROLLBACK')
    } catch (rollbackError) {
      onBrokenConnection(rollbackError instanceof Error ? rollbackError : new Error(String(rollbackError)))
    }
    throw error
  }
}
