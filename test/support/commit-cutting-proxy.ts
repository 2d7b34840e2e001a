/**
 * A TCP proxy between a store and PostgreSQL that can cut a connection right at its
 * `COMMIT`: the way to make an append's outcome unknown to the store on purpose.
 *
 * It reads the client → server stream as PostgreSQL wire-protocol messages (a startup
 * packet, then a type byte and a length per message) and forwards whole messages. Armed,
 * it watches for the simple-query message `COMMIT` (node-postgres sends `BEGIN`, `COMMIT`
 * and `ROLLBACK` as simple queries) and then closes the client's side at once, so the
 * store sees its connection drop without an answer, while the server gets:
 * - `'at-once'`: the `COMMIT`, forwarded just before the cut (the server commits around
 *   the moment the store notices);
 * - `'late'`: the `COMMIT`, forwarded only after `lateByMs`, so the transaction is still
 *   open while the store asks what became of it;
 * - `'never'`: no `COMMIT`, just the end of the connection (the server rolls back).
 * The server's answers after the cut are read and dropped.
 *
 * A statement that commits on its own (the extended protocol outside a transaction)
 * commits at the `Sync` that ends its batch: `cutAtNextSync(marker, …)` cuts there, at
 * the first `Sync` after a message carrying `marker` (a parameter of the statement), with
 * the same three deliveries of that `Sync`. With `fakeBackendKey`, the proxy replaces the
 * server process id the server announces (`BackendKeyData`) with one of its own, as a
 * pooler (PgBouncer, RDS Proxy) does.
 */
import net from 'node:net'

/** What the server gets once the client's side is cut. */
export type CommitDelivery = 'at-once' | 'late' | 'never'

export interface CommitCuttingProxy {
  /** The port to connect to instead of the server's. */
  readonly port: number
  /** Cuts the next connection that sends `COMMIT`; resolves once the server side has been dealt with. */
  cutAtNextCommit(delivery: CommitDelivery): Promise<void>
  /** Cuts the next connection at the `Sync` after a message containing `marker`; resolves once the server side has been dealt with. */
  cutAtNextSync(marker: string, delivery: CommitDelivery): Promise<void>
  /** How many `BEGIN`s clients sent so far, as a simple query or parsed in a pipeline. */
  readonly begins: number
  /** How many connections were cut so far. */
  readonly cuts: number
  close(): Promise<void>
}

const SSL_REQUEST = 80877103
const GSSENC_REQUEST = 80877104
const COMMIT = 'COMMIT'

/**
 * Splits one direction of a connection into whole protocol messages: a client's (which
 * starts with its start-up packets) or, with `startup: false`, the server's (the tests
 * connect without SSL, so it never answers with a lone byte).
 */
class ProtocolMessages {
  #buffer = Buffer.alloc(0)
  #startup: boolean

  constructor({ startup }: { readonly startup: boolean }) {
    this.#startup = startup
  }

  /** The whole messages `chunk` completes, in order, each as its exact bytes. */
  push(chunk: Buffer): Buffer[] {
    this.#buffer = Buffer.concat([this.#buffer, chunk])
    const messages: Buffer[] = []
    for (;;) {
      // A startup-phase packet is `int32 length` first; a later message is `byte type, int32 length`.
      const header = this.#startup ? 0 : 1
      if (this.#buffer.length < header + 4) return messages
      const length = this.#buffer.readInt32BE(header) + header
      if (this.#buffer.length < length) return messages
      const message = this.#buffer.subarray(0, length)
      this.#buffer = this.#buffer.subarray(length)
      if (this.#startup) {
        const code = message.readInt32BE(4)
        // An SSL or GSS request is answered with one byte and followed by the real startup packet.
        if (code !== SSL_REQUEST && code !== GSSENC_REQUEST) this.#startup = false
      }
      messages.push(message)
    }
  }
}

function simpleQuery(message: Buffer): string | undefined {
  if (message[0] !== 0x51 /* 'Q' */) return undefined
  return message
    .subarray(5, message.length - 1)
    .toString('utf8')
    .trim()
    .toUpperCase()
}

/** The statement text of an extended-protocol `Parse` message (name, then text, each NUL-ended). */
function parsedStatement(message: Buffer): string | undefined {
  if (message[0] !== 0x50 /* 'P' */) return undefined
  const nameEnd = message.indexOf(0, 5)
  const textEnd = message.indexOf(0, nameEnd + 1)
  return message
    .subarray(nameEnd + 1, textEnd)
    .toString('utf8')
    .trim()
    .toUpperCase()
}

const isSync = (message: Buffer): boolean => message[0] === 0x53 /* 'S' */ && message.length === 5

/** A `BackendKeyData` message with the process id changed, as a pooler announces its own. */
function withFakeProcessId(message: Buffer): Buffer {
  if (message[0] !== 0x4b /* 'K' */) return message
  const copy = Buffer.from(message)
  copy.writeInt32BE((copy.readInt32BE(5) + 1_000_003) % 2_000_000_000, 5)
  return copy
}

/** What the armed cut waits for: the next `COMMIT`, or the next `Sync` after a message holding `marker`. */
type CutPoint = { readonly at: 'commit' } | { readonly at: 'sync'; readonly marker: Buffer }

export async function startCommitCuttingProxy(
  target: { readonly host: string; readonly port: number },
  { fakeBackendKey = false }: { readonly fakeBackendKey?: boolean } = {},
): Promise<CommitCuttingProxy> {
  let armed: { point: CutPoint; delivery: CommitDelivery; done: () => void } | undefined
  let cuts = 0
  let begins = 0
  const sockets = new Set<net.Socket>()
  const timers = new Set<NodeJS.Timeout>()
  const lateByMs = 400

  const server = net.createServer((client) => {
    const upstream = net.connect(target)
    sockets.add(client).add(upstream)
    client.on('close', () => sockets.delete(client))
    upstream.on('close', () => sockets.delete(upstream))
    // Either side failing ends the pair; errors here are the faults this proxy makes.
    client.on('error', () => upstream.destroy())
    upstream.on('error', () => client.destroy())
    const answers = new ProtocolMessages({ startup: false })
    upstream.on('data', (chunk: Buffer) => {
      if (client.destroyed) return
      if (!fakeBackendKey) client.write(chunk)
      else for (const message of answers.push(chunk)) client.write(withFakeProcessId(message))
    })
    upstream.on('end', () => client.end())
    client.on('end', () => upstream.end())

    const messages = new ProtocolMessages({ startup: true })
    // Whether the batch since the last `Sync` carried the armed marker.
    let marked = false
    client.on('data', (chunk: Buffer) => {
      for (const message of messages.push(chunk)) {
        const query = simpleQuery(message)
        if (query === 'BEGIN' || parsedStatement(message) === 'BEGIN') begins++
        const cut = armed
        const point = cut?.point
        if (point?.at === 'sync' && !marked && message.includes(point.marker)) marked = true
        const cutsHere = point?.at === 'commit' ? query === COMMIT : point?.at === 'sync' && marked && isSync(message)
        if (cut === undefined || !cutsHere) {
          if (isSync(message)) marked = false
          upstream.write(message)
          continue
        }
        armed = undefined
        cuts++
        // The store's side goes first: it must see the connection drop without an answer.
        client.removeAllListeners('data')
        client.destroy()
        upstream.removeAllListeners('data')
        upstream.on('data', () => {})
        if (cut.delivery === 'at-once') {
          upstream.end(message, cut.done)
        } else if (cut.delivery === 'late') {
          const timer = setTimeout(() => {
            timers.delete(timer)
            upstream.end(message, cut.done)
          }, lateByMs)
          timers.add(timer)
        } else {
          upstream.destroy()
          cut.done()
        }
        return
      }
    })
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const address = server.address()
  if (address === null || typeof address === 'string') throw new Error('The proxy has no TCP port.')

  return {
    port: address.port,
    get cuts() {
      return cuts
    },
    get begins() {
      return begins
    },
    cutAtNextCommit(delivery) {
      return new Promise<void>((resolve) => {
        armed = { point: { at: 'commit' }, delivery, done: resolve }
      })
    },
    cutAtNextSync(marker, delivery) {
      return new Promise<void>((resolve) => {
        armed = { point: { at: 'sync', marker: Buffer.from(marker, 'utf8') }, delivery, done: resolve }
      })
    },
    async close() {
      for (const timer of timers) clearTimeout(timer)
      for (const socket of sockets) socket.destroy()
      await new Promise<void>((resolve) => server.close(() => resolve()))
    },
  }
}
