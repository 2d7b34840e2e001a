/**
 * How the PostgreSQL store types what the driver throws: real connection failures
 * (refused, a server that never answers, a terminated client), and the SQLSTATE table.
 */
import net from 'node:net'
import pg from 'pg'
import { afterAll, describe, expect, it } from 'vitest'
import { isTicketError, type TicketError } from '../../src/index.js'
import { createTicketService } from '../../src/service/index.js'
import { postgresStore } from '../../src/stores/postgres/index.js'
import { isLostConnection, isTransientPostgresError, toPostgresStoreError } from '../../src/stores/postgres/postgres-errors.js'
import { connectTestServer, freshSchemaName, NO_SERVER_REASON, PG_URL } from '../support/postgres.js'
import { faultApplicationName, terminateBackends, withApplicationName } from '../support/postgres-faults.js'

const TICKET = '2d5c2f4e-3c1a-4d7e-9f10-1a2b3c4d5e6f'

async function failureOf(promise: Promise<unknown>): Promise<TicketError> {
  const error = await promise.then(
    () => undefined,
    (thrown: unknown) => thrown,
  )
  expect(isTicketError(error), `expected a TicketError, got ${String(error)}`).toBe(true)
  return error as TicketError
}

/** A port on this machine that nothing listens on. */
async function closedPort(): Promise<number> {
  const server = net.createServer()
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as net.AddressInfo
  await new Promise<void>((resolve) => server.close(() => resolve()))
  return port
}

/** A server that accepts connections and never says a word: a host lost in a failover looks like this. */
async function silentServer(): Promise<{ port: number; close(): Promise<void> }> {
  const sockets = new Set<net.Socket>()
  const server = net.createServer((socket) => {
    sockets.add(socket)
    socket.on('error', () => {})
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  return {
    port: (server.address() as net.AddressInfo).port,
    async close() {
      for (const socket of sockets) socket.destroy()
      await new Promise<void>((resolve) => server.close(() => resolve()))
    },
  }
}

describe('driver errors as TicketErrors', () => {
  it('types a refused connection as UNAVAILABLE, retryable, with the driver error as cause', async () => {
    const port = await closedPort()
    const pool = new pg.Pool({ connectionString: `postgres://postgres@127.0.0.1:${port}/test` })
    pool.on('error', () => {})
    const tickets = createTicketService({ store: postgresStore({ pool }), unavailableRetry: { maxElapsedMs: 0 } })

    const error = await failureOf(tickets.load(TICKET))

    expect(error).toMatchObject({ code: 'UNAVAILABLE', retryable: true, details: { driverCode: 'ECONNREFUSED' } })
    expect(error.cause).toMatchObject({ code: 'ECONNREFUSED' })
    await pool.end()
  })

  it('types a connect timeout of the pool the store opens as UNAVAILABLE', async () => {
    const silent = await silentServer()
    try {
      const store = postgresStore({ connectionString: `postgres://postgres@127.0.0.1:${silent.port}/test` })
      const tickets = createTicketService({ store, unavailableRetry: { maxElapsedMs: 0 } })

      // The store's pool gives up after its connect timeout instead of waiting forever.
      const error = await failureOf(tickets.load(TICKET))

      expect(error).toMatchObject({ code: 'UNAVAILABLE', retryable: true })
      expect((error.cause as Error).message).toBe('Connection terminated due to connection timeout')
      await tickets.close()
    } finally {
      await silent.close()
    }
  }, 30_000)

  it('types the connect timeout of a caller’s pool as UNAVAILABLE, and a transaction on it too', async () => {
    const silent = await silentServer()
    const pool = new pg.Pool({ connectionString: `postgres://postgres@127.0.0.1:${silent.port}/test`, connectionTimeoutMillis: 200 })
    pool.on('error', () => {})
    try {
      const store = postgresStore({ pool })
      // migrate() runs in a transaction, so this goes through pool.connect() rather than pool.query().
      const error = await failureOf(store.migrate())
      expect(error).toMatchObject({ code: 'UNAVAILABLE', retryable: true })
    } finally {
      await pool.end()
      await silent.close()
    }
  })

  it('classifies SQLSTATEs: sessions ended and connections failed are lost, serialization failures and deadlocks retryable, the rest left alone', () => {
    const withCode = (code: string) => Object.assign(new Error(`error ${code}`), { code })
    for (const code of ['57P01', '57P02', '57P03', '53300', '08000', '08003', '08006', '08001', 'ECONNRESET', 'EPIPE', 'ETIMEDOUT']) {
      expect(isLostConnection(withCode(code)), code).toBe(true)
      expect(toPostgresStoreError(withCode(code)), code).toMatchObject({
        code: 'UNAVAILABLE',
        retryable: true,
        details: { driverCode: code },
      })
    }
    for (const code of ['40001', '40P01']) {
      expect(isLostConnection(withCode(code)), code).toBe(false)
      expect(isTransientPostgresError(withCode(code)), code).toBe(true)
    }
    for (const code of ['23505', '42P01', '22P02', '57014']) {
      const error = withCode(code)
      expect(toPostgresStoreError(error), code).toBe(error)
    }
    for (const message of ['Connection terminated unexpectedly', 'timeout exceeded when trying to connect']) {
      expect(toPostgresStoreError(new Error(message))).toMatchObject({ code: 'UNAVAILABLE' })
    }
  })
})

describe.skipIf(PG_URL === undefined)(
  `a caller's single client that loses its connection${PG_URL === undefined ? ` (skipped: ${NO_SERVER_REASON})` : ''}`,
  () => {
    let admin: pg.Pool
    const schema = freshSchemaName()

    afterAll(async () => {
      await admin?.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`)
      await admin?.end()
    })

    it('does not end the process, and fails every later call with UNAVAILABLE, not retryable', async () => {
      admin = await connectTestServer(PG_URL as string)
      const applicationName = faultApplicationName('client')
      // No 'error' listener of the caller's own: while the store holds the client, the store's listener is enough.
      const client = new pg.Client({ connectionString: withApplicationName(PG_URL as string, applicationName) })
      await client.connect()
      const store = postgresStore({ client, schema })
      const tickets = createTicketService({ store })
      expect(await tickets.load(TICKET)).toBeNull()

      // Listen before terminating: on a busy machine the client can see its socket end
      // before the admin's answer arrives, and a listener added then would wait forever.
      const ended = new Promise<void>((resolve) => client.once('end', () => resolve()))
      expect(await terminateBackends(admin, applicationName)).toBe(1)
      // Let the client read the server's goodbye (57P01) and the end of its socket.
      await ended

      const first = await failureOf(tickets.load(TICKET))
      const second = await failureOf(tickets.list({ workspaceId: TICKET }))
      for (const error of [first, second]) {
        expect(error).toMatchObject({ code: 'UNAVAILABLE', retryable: false })
        expect(error.message).toContain('pass { pool } or { connectionString }')
      }
      expect((first.cause as { code?: string }).code).toBe('57P01')
      await tickets.close()
      await client.end()
    })
  },
)
