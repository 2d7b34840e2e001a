/**
 * Where NATS tests run: the server named by `TICKET_EVENTS_NATS_URL` when it is set (CI
 * sets it), otherwise a `nats-server -js` this process starts on a free port in a temp
 * directory, otherwise nowhere (the tests skip, saying why).
 *
 * When the variable is set but the server cannot be reached, the tests fail: they never
 * skip. Each test works in its own stream with its own subject prefix and deletes it
 * afterwards, so the shared server's other streams are never touched.
 */
import { type ChildProcess, spawn } from 'node:child_process'
import { accessSync, constants, mkdtempSync, rmSync } from 'node:fs'
import { createServer } from 'node:net'
import { tmpdir } from 'node:os'
import { delimiter, join } from 'node:path'
import { type JsMsg, jetstream, jetstreamManager } from '@nats-io/jetstream'
import type { NatsConnection } from '@nats-io/nats-core'
import { connect } from '@nats-io/transport-node'
import { ensureTicketStream } from '../../src/nats/index.js'

/** The server the NATS tests use when set. */
export const NATS_URL: string | undefined = process.env['TICKET_EVENTS_NATS_URL'] || undefined

/** The `nats-server` binary on PATH, if any. */
export const NATS_SERVER_BINARY: string | undefined = (process.env['PATH'] ?? '')
  .split(delimiter)
  .filter((directory) => directory !== '')
  .map((directory) => join(directory, 'nats-server'))
  .find((candidate) => {
    try {
      accessSync(candidate, constants.X_OK)
      return true
    } catch {
      return false
    }
  })

/** Whether NATS tests can run here, and why not. */
export const NATS_SKIP_REASON: string | undefined =
  NATS_URL === undefined && NATS_SERVER_BINARY === undefined
    ? 'NATS tests skipped: TICKET_EVENTS_NATS_URL is not set and no nats-server binary is on PATH'
    : undefined

/** A port no one listens on right now. */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer()
    server.unref()
    server.on('error', reject)
    server.listen(0, '127.0.0.1', () => {
      const address = server.address()
      server.close(() => (typeof address === 'object' && address !== null ? resolve(address.port) : reject(new Error('no port'))))
    })
  })
}

/** A `nats-server -js` this process started. */
export interface OwnNatsServer {
  readonly url: string
  readonly port: number
  /** Kills the server with `signal` (default SIGKILL) and waits for it to exit. */
  kill(signal?: NodeJS.Signals): Promise<void>
  /** Starts it again on the same port and store directory. */
  restart(): Promise<void>
  /** Kills it and removes its store directory. */
  dispose(): Promise<void>
}

/** Waits until a TCP connection to `url` gets a NATS greeting (the server is up). */
async function waitForServer(url: string, child: ChildProcess, output: () => string): Promise<void> {
  const deadline = Date.now() + 15_000
  for (;;) {
    if (child.exitCode !== null) throw new Error(`nats-server exited with ${child.exitCode}: ${output()}`)
    try {
      const probe = await connect({ servers: url, reconnect: false, timeout: 1000 })
      await probe.close()
      return
    } catch (error) {
      if (Date.now() > deadline) throw new Error(`nats-server at ${url} did not come up: ${String(error)}\n${output()}`)
      await new Promise((resolve) => setTimeout(resolve, 50))
    }
  }
}

/**
 * Starts `nats-server -js` on a free port with its store in a new temp directory.
 * Throws when there is no binary (check {@link NATS_SERVER_BINARY} first).
 */
export async function startNatsServer(): Promise<OwnNatsServer> {
  const binary = NATS_SERVER_BINARY
  if (binary === undefined) throw new Error('no nats-server binary on PATH')
  const storeDirectory = mkdtempSync(join(tmpdir(), 'ticket-events-nats-'))
  const port = await freePort()
  const url = `nats://127.0.0.1:${port}`
  let child: ChildProcess | undefined
  let log = ''

  const start = async () => {
    log = ''
    const started = spawn(binary, ['-a', '127.0.0.1', '-p', String(port), '-js', '-sd', storeDirectory], {
      stdio: ['ignore', 'ignore', 'pipe'],
    })
    started.stderr?.on('data', (chunk: Buffer) => {
      log = (log + chunk.toString()).slice(-4000)
    })
    child = started
    await waitForServer(url, started, () => log)
  }

  const kill = async (signal: NodeJS.Signals = 'SIGKILL') => {
    const running = child
    child = undefined
    if (running === undefined || running.exitCode !== null || running.signalCode !== null) return
    const exited = new Promise<void>((resolve) => running.once('exit', () => resolve()))
    running.kill(signal)
    await exited
  }

  await start()
  return {
    url,
    port,
    kill,
    restart: start,
    async dispose() {
      await kill()
      rmSync(storeDirectory, { recursive: true, force: true })
    },
  }
}

/** The NATS server of a test file: the shared one when the variable is set, else its own. */
export interface NatsTestServer {
  /** The server's URL (starts the file's own server on first use). */
  url(): Promise<string>
  /** A new connection to it, closed by `dispose()`. */
  connect(): Promise<NatsConnection>
  /**
   * A new stream of the relay's layout with a name and subject prefix no other test
   * uses (memory storage, a 10-minute duplicate window), deleted by `dispose()`.
   */
  createStream(): Promise<{ stream: string; subjectPrefix: string }>
  /** Deletes the streams it created, closes its connections, stops its own server. */
  dispose(): Promise<void>
}

let counter = 0

/** A name no other test (or test process, or engineer) uses. */
export function uniqueName(label: string): string {
  counter += 1
  return `te_${label}_${process.pid}_${counter}_${Math.random().toString(36).slice(2, 8)}`
}

export function createNatsTestServer(): NatsTestServer {
  let own: Promise<OwnNatsServer> | undefined
  const connections: NatsConnection[] = []
  const streams: string[] = []
  let admin: NatsConnection | undefined

  const url = async (): Promise<string> => {
    if (NATS_URL !== undefined) return NATS_URL
    own ??= startNatsServer()
    return (await own).url
  }

  const open = async (): Promise<NatsConnection> => {
    const target = await url()
    try {
      const connection = await connect({ servers: target, timeout: 5000 })
      connections.push(connection)
      return connection
    } catch (error) {
      if (NATS_URL !== undefined) {
        throw new Error(`TICKET_EVENTS_NATS_URL is set to ${NATS_URL}, but that NATS server cannot be reached: ${String(error)}`, {
          cause: error,
        })
      }
      throw error
    }
  }

  return {
    url,
    connect: open,
    async createStream() {
      admin ??= await open()
      const stream = uniqueName('stream').toUpperCase()
      const subjectPrefix = uniqueName('tickets')
      streams.push(stream)
      await ensureTicketStream({ nats: admin, stream, subjectPrefix, storage: 'memory', duplicateWindowMs: 10 * 60_000 })
      return { stream, subjectPrefix }
    },
    async dispose() {
      if (admin !== undefined && !admin.isClosed()) {
        const manager = await jetstreamManager(admin)
        for (const stream of streams.splice(0)) await manager.streams.delete(stream).catch(() => false)
      }
      for (const connection of connections.splice(0)) if (!connection.isClosed()) await connection.close()
      await (await own?.catch(() => undefined))?.dispose()
    },
  }
}

/** One message of a stream, as a test reads it back. */
export interface StoredMessage {
  readonly seq: number
  readonly subject: string
  readonly headers: Readonly<Record<string, string>>
  readonly body: string
}

/** Reads every message of `stream`, in stream order, through an ordered consumer. */
export async function readStream(nats: NatsConnection, stream: string): Promise<StoredMessage[]> {
  const manager = await jetstreamManager(nats)
  const total = (await manager.streams.info(stream)).state.messages
  const messages: StoredMessage[] = []
  if (total === 0) return messages
  const consumer = await jetstream(nats).consumers.get(stream)
  const iterator = await consumer.consume({ max_messages: 1000 })
  for await (const message of iterator) {
    messages.push(toStored(message))
    if (messages.length >= total) break
  }
  await iterator.close()
  return messages
}

function toStored(message: JsMsg): StoredMessage {
  const headers: Record<string, string> = {}
  for (const [key, values] of message.headers ?? []) if (values[0] !== undefined) headers[key] = values[0]
  return { seq: message.seq, subject: message.subject, headers, body: message.string() }
}

/** How many messages `stream` holds (asking with a short timeout, for monitors that poll). */
export async function streamCount(nats: NatsConnection, stream: string): Promise<number> {
  const manager = await jetstreamManager(nats, { timeout: 500 })
  return (await manager.streams.info(stream)).state.messages
}

/** Waits until `condition()` holds, checking every 20 ms, or throws after `timeoutMs`. */
export async function eventually(condition: () => boolean | Promise<boolean>, what: string, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`)
    await new Promise((resolve) => setTimeout(resolve, 20))
  }
}
