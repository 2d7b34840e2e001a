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
import { isTicketError } from '../../core/errors/ticket-error.js'
import { ConnectionMutex } from './connection-mutex.js'
import { type PipelinedBegin, pipelinedBegin } from './pipelined-begin.js'
import { isLostConnection, losesConnection, lostClientError, toPostgresStoreError } from './postgres-errors.js'
import type { PostgresClient, PostgresPool, PostgresPoolClient, PostgresQueryable } from './postgres-store-config.js'
import { naming, type StatementNames } from './prepared-statements.js'

/** A server process, as `pg_stat_activity` names it: its pid and when it started (a pid alone may be reused). */
export interface BackendIdentity {
  readonly pid: number
  readonly started: string
}

/**
 * What can settle, later, whether a statement whose answer was lost committed:
 * - `transactionId`: the statement ran inside a transaction and answered with this id
 *   before `COMMIT` was sent, so `pg_xact_status` tells (once the transaction ends);
 * - `backend`: the statement committed on its own on this server process, so once that
 *   process has ended (the store ends it) whatever it wrote is there or never will be.
 */
export type LostAnswer = { readonly transactionId: string } | { readonly backend: BackendIdentity }

/**
 * Reads a committing statement's answer: returns the transaction id it reported, or
 * throws to refuse it (a refused statement must have written nothing). `session` runs
 * follow-up reads on the same connection.
 */
export type AnswerCheck = (rows: readonly unknown[], session: PostgresQueryable) => Promise<string>

/** Runs statements alone (autocommit) or together in one transaction. */
export interface PostgresExecutor {
  /** Runs one statement in its own implicit transaction and returns its rows. */
  query(text: string, params?: unknown[]): Promise<readonly unknown[]>
  /** Runs `work` between `BEGIN` and `COMMIT` on one connection; rolls back if it throws. */
  transaction<T>(work: (session: PostgresQueryable) => Promise<T>): Promise<T>
  /**
   * Runs one statement that commits as a whole, in as few round trips as still let a lost
   * answer be settled: on its own (one round trip) on a pooled connection whose server
   * process is known (straight to the server, not through a pooler), otherwise between a
   * pipelined `BEGIN` and `COMMIT` (two). When the connection is lost with the outcome
   * unknown, `onLost` hears what can settle it before the error is thrown.
   */
  commitStatement(text: string, params: unknown[], check: AnswerCheck, onLost: (lost: LostAnswer) => void): Promise<void>
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
 * @param identifyBackend - the query naming a connection's server process (`pid`, `started`),
 *   which lets {@link PostgresExecutor.commitStatement} commit a statement on its own; `null`
 *   keeps every such statement in a transaction
 */
export function poolExecutor(
  getPool: () => Promise<PostgresPool>,
  endPool: (() => Promise<void>) | null,
  names: StatementNames | null = null,
  identifyBackend: string | null = null,
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
    async transaction(work) {
      return onPooledConnection(await getPool(), async (client, broke) => {
        try {
          return await inTransaction(naming(client, names), work, broke, null)
        } catch (error) {
          if (losesConnection(error)) broke(lostConnectionCause(error))
          throw toPostgresStoreError(error)
        }
      })
    },
    async commitStatement(text, params, check, onLost) {
      return onPooledConnection(await getPool(), async (client, broke) => {
        // Set once the outcome could be unknown: when the statement goes out on its own, or
        // when its answer came back inside a transaction that COMMIT is about to end.
        let settling: LostAnswer | undefined
        try {
          const backend = identifyBackend === null ? null : await backendOf(client, identifyBackend)
          const session = naming(client, names)
          if (backend !== null) {
            settling = { backend }
            await check((await session.query(text, params)).rows, session)
            return
          }
          await inTransaction(
            session,
            async (inner) => {
              settling = { transactionId: await check((await inner.query(text, params)).rows, inner) }
            },
            broke,
            pipelined(client, names),
          )
        } catch (error) {
          const lost = losesConnection(error)
          if (lost) broke(lostConnectionCause(error))
          const failure = toPostgresStoreError(error)
          // On its own, only a lost connection leaves the outcome open (any other failure
          // aborted the statement). In a transaction, a failed COMMIT after the answer
          // does, whatever failed it.
          if (settling !== undefined && ('backend' in settling ? lost : isTicketError(failure, 'UNAVAILABLE'))) onLost(settling)
          throw failure
        }
      })
    },
    async close() {
      await endPool?.()
    },
  }
}

/** Each pooled connection's server process, or `null` where it cannot be known; learnt once per connection. */
const backends = new WeakMap<object, BackendIdentity | null>()

/**
 * The server process behind `client`, when the driver talks to it directly: node-postgres
 * keeps the pid the server announced at start-up (`processID`), and a pooler (PgBouncer,
 * RDS Proxy, …) announces one of its own, which no server process of the session has.
 * `null` for a connection through a pooler or a driver that does not say.
 */
async function backendOf(client: PostgresPoolClient, identify: string): Promise<BackendIdentity | null> {
  const known = backends.get(client)
  if (known !== undefined) return known
  const announced = (client as { processID?: unknown }).processID
  let identity: BackendIdentity | null = null
  if (typeof announced === 'number') {
    let found: { pid?: unknown; started?: unknown } | undefined
    try {
      found = (await client.query(identify)).rows[0] as typeof found
    } catch (error) {
      // A server that cannot say (a PostgreSQL-compatible one without pg_stat_activity)
      // gets transactions; a lost connection is lost for the append too.
      if (losesConnection(error)) throw error
    }
    if (found !== undefined && Number(found.pid) === announced && typeof found.started === 'string') {
      identity = { pid: announced, started: found.started }
    }
  }
  backends.set(client, identity)
  return identity
}

/**
 * Checks out a connection, runs `use` on it and gives it back; `use` reports a connection
 * it found lost through `broke`, and a connection lost either way goes back with its error,
 * so the pool discards it instead of handing it to the next caller.
 */
async function onPooledConnection<T>(
  pool: PostgresPool,
  use: (client: PostgresPoolClient, broke: (error: Error) => void) => Promise<T>,
): Promise<T> {
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
    return await use(client, onError)
  } finally {
    client.removeListener?.('error', onError)
    client.release(broken)
  }
}

/** The driver error that says a connection is gone, `error` itself or the `cause` a `TicketError` carries. */
function lostConnectionCause(error: unknown): Error {
  return asError(isLostConnection(error) ? error : (error as Error).cause)
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
    transaction(work) {
      return guarded(() => inTransaction(session, work, onError, null))
    },
    // Always in a transaction: a lost single connection is gone for good (every later call
    // fails), and PGlite runs in this process, so nothing is won by committing alone.
    async commitStatement(text, params, check, onLost) {
      let transactionId: string | undefined
      try {
        await guarded(() =>
          inTransaction(
            session,
            async (inner) => {
              transactionId = await check((await inner.query(text, params)).rows, inner)
            },
            onError,
            pipelined(connection, names),
          ),
        )
      } catch (error) {
        if (transactionId !== undefined && isTicketError(error, 'UNAVAILABLE')) onLost({ transactionId })
        throw error
      }
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
