/**
 * How the store runs SQL on each kind of connection: a pool (a connection per
 * transaction), or a single connection (a client or PGlite, one transaction at a time).
 *
 * Both own the connection's faults: they listen for its `error` event while they hold it
 * (node-postgres emits one when the connection drops, and an unheard `error` event ends
 * the process), and they turn transient driver errors into `TicketError('UNAVAILABLE')`
 * (see `postgres-errors.ts`).
 *
 * @internal
 * @module
 */
import { ConnectionMutex } from './connection-mutex.js'
import { type PipelinedBegin, pipelinedBegin } from './pipelined-begin.js'
import { isLostConnection, losesConnection, lostClientError, toPostgresStoreError } from './postgres-errors.js'
import type { PostgresClient, PostgresPool, PostgresPoolClient, PostgresQueryable } from './postgres-store-config.js'
import { naming, type StatementNames } from './prepared-statements.js'

/** How {@link PostgresExecutor.transaction} starts its transaction. */
export interface TransactionOptions {
  /** Send `BEGIN` with the first statement, in one round trip, where the driver allows (node-postgres). */
  readonly pipelineBegin?: boolean
}

/** Runs statements alone (autocommit) or together in one transaction. */
export interface PostgresExecutor {
  /** Runs one statement in its own implicit transaction and returns its rows. */
  query(text: string, params?: unknown[]): Promise<readonly unknown[]>
  /**
   * Runs `work` between `BEGIN` and `COMMIT` on one connection; rolls back if it throws.
   * With `pipelineBegin`, on node-postgres, `BEGIN` travels with `work`'s first statement
   * (see `pipelined-begin.ts`).
   */
  transaction<T>(work: (session: PostgresQueryable) => Promise<T>, options?: TransactionOptions): Promise<T>
  /** Ends what the executor opened itself, and stops listening to what it did not. */
  close(): Promise<void>
}

/**
 * An executor over a pool. Each transaction checks out its own connection, listens for
 * its `error` event until it gives it back, and gives back a broken one with the error,
 * so the pool discards it instead of handing it to the next caller.
 *
 * @param getPool - returns the pool (opened lazily when the store owns it)
 * @param endPool - ends the pool on `close()`, or `null` when the caller owns it
 * @param names - the statements to send as prepared statements (node-postgres only), or `null`
 */
export function poolExecutor(
  getPool: () => Promise<PostgresPool>,
  endPool: (() => Promise<void>) | null,
  names: StatementNames | null = null,
): PostgresExecutor {
  return {
    async query(text, params) {
      const pool = await getPool()
      try {
        // pg-pool listens on the connection it checks out for `pool.query` itself.
        return (await naming(pool, names).query(text, params)).rows
      } catch (error) {
        throw toPostgresStoreError(error)
      }
    },
    async transaction(work, options) {
      const pool = await getPool()
      let broken: Error | undefined
      const onError = (error: Error): void => {
        broken ??= error
      }
      let client: PostgresPoolClient
      try {
        client = await checkOut(pool, onError)
      } catch (error) {
        throw toPostgresStoreError(error)
      }
      try {
        return await inTransaction(naming(client, names), work, onError, options?.pipelineBegin ? pipelined(client, names) : null)
      } catch (error) {
        if (losesConnection(error)) onError(asError(isLostConnection(error) ? error : (error as Error).cause))
        throw toPostgresStoreError(error)
      } finally {
        client.removeListener?.('error', onError)
        client.release(broken)
      }
    },
    async close() {
      await endPool?.()
    },
  }
}

/** node-postgres's callback form of `pool.connect`. */
type ConnectCallback = (error: Error | undefined, client: PostgresPoolClient | undefined) => void

/**
 * Checks out a connection and listens for its `error` event from the moment it is handed
 * over. node-postgres hands a new connection over while it is still reading the packet
 * that made it ready; when the server ended the session at once (a terminated backend),
 * the same packet goes on with a `FATAL` that is emitted before an `await` would resume.
 * The callback form of `connect` runs inside that hand-over, so the listener is there in
 * time; a pool whose `connect` takes no callback is awaited instead.
 */
function checkOut(pool: PostgresPool, onError: (error: Error) => void): Promise<PostgresPoolClient> {
  const connect = pool.connect as (callback?: ConnectCallback) => Promise<PostgresPoolClient> | undefined
  if (connect.length === 0) {
    return pool.connect().then((client) => {
      client.on?.('error', onError)
      return client
    })
  }
  return new Promise((resolve, reject) => {
    connect.call(pool, (error, client) => {
      if (error !== undefined && error !== null) return reject(error)
      if (client === undefined) return reject(new Error('The pool handed over no connection.'))
      client.on?.('error', onError)
      resolve(client)
    })
  })
}

/**
 * An executor over one connection (a `pg.Client` or PGlite). Every statement, alone or
 * in a transaction, waits its turn, so a read never runs inside another call's open
 * transaction and two transactions never interleave.
 *
 * The connection belongs to the caller, and a lost one does not come back: from the
 * first sign of loss (its `error` event, or a statement failing for it) every call fails
 * with an `UNAVAILABLE` that is not retryable.
 *
 * @param listen - listen for the connection's `error` event from now until `close()`
 * (default `true`); an owner that never closes (the webhook dedupe store) leaves it to the
 * caller, and learns of a loss from the failing statement instead
 * @param names - the statements to send as prepared statements (node-postgres only), or
 * `null` (the default)
 */
export function singleConnectionExecutor(
  connection: PostgresClient,
  { listen = true, names = null }: { listen?: boolean; names?: StatementNames | null } = {},
): PostgresExecutor {
  const mutex = mutexFor(connection)
  const session = naming(connection, names)
  let lost: unknown
  const onError = (error: Error): void => {
    lost ??= error
  }
  if (listen) connection.on?.('error', onError)

  const guarded = <T>(work: () => Promise<T>): Promise<T> =>
    mutex.run(async () => {
      if (lost !== undefined) throw lostClientError(lost)
      try {
        return await work()
      } catch (error) {
        if (!losesConnection(error)) throw toPostgresStoreError(error)
        const cause = isLostConnection(error) ? error : (error as Error).cause
        lost ??= cause
        throw lostClientError(cause)
      }
    })

  return {
    query(text, params) {
      return guarded(async () => (await session.query(text, params)).rows)
    },
    transaction(work, options) {
      return guarded(() => inTransaction(session, work, onError, options?.pipelineBegin ? pipelined(connection, names) : null))
    },
    async close() {
      connection.removeListener?.('error', onError)
    },
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

/** The pipelined `BEGIN` for `connection` (node-postgres only), sending the statements in `names` by name. */
function pipelined(connection: PostgresQueryable, names: StatementNames | null): PipelinedBegin | null {
  return pipelinedBegin(connection, (text) => names?.get(text))
}

/**
 * Runs `work` in a transaction. A failed `ROLLBACK` leaves the connection in an unknown
 * state, so it is reported broken and never used again.
 *
 * With `begin` (a pipelined `BEGIN`), `BEGIN` is sent with `work`'s first statement; a
 * `work` that sends nothing then costs nothing, and ends nothing.
 */
async function inTransaction<T>(
  connection: PostgresQueryable,
  work: (session: PostgresQueryable) => Promise<T>,
  onBrokenConnection: (error: Error) => void,
  begin: PipelinedBegin | null,
): Promise<T> {
  let begun = begin === null
  if (begin === null) await connection.query('BEGIN')
  const session: PostgresQueryable =
    begin === null
      ? connection
      : {
          query(text, params) {
            if (begun) return connection.query(text, params)
            begun = true
            return begin(text, params)
          },
        }
  try {
    const result = await work(session)
    if (begun) await connection.query('COMMIT')
    return result
  } catch (error) {
    if (begun) {
      try {
        await connection.query('ROLLBACK')
      } catch (rollbackError) {
        onBrokenConnection(asError(rollbackError))
      }
    }
    throw error
  }
}

function asError(error: unknown): Error {
  return error instanceof Error ? error : new Error(String(error))
}
