/**
 * The parts of Node's `http.IncomingMessage` and `http.ServerResponse` the listener uses,
 * declared structurally so that this entry's types need neither `@types/node` nor any
 * Node import: Node's own objects (and those of `http2`'s compatibility API, Bun's and
 * Deno's `node:http`) fit them.
 *
 * @module
 */

/** An incoming request (`http.IncomingMessage`): its line, its headers, and its body as chunks. */
export interface NodeIncomingMessage extends AsyncIterable<unknown> {
  readonly method?: string | undefined
  readonly url?: string | undefined
  readonly headers: Readonly<Record<string, string | readonly string[] | undefined>>
  /** The connection; a TLS socket (`https.createServer`) has `encrypted: true`, and the request URL is then `https:`. */
  readonly socket?: object | null | undefined
  on(event: 'data', listener: (chunk: unknown) => void): unknown
  resume(): unknown
}

/** The response being written (`http.ServerResponse`). */
export interface NodeServerResponse {
  readonly headersSent: boolean
  /** Set once `end()` has handed the whole response to the socket. */
  readonly writableFinished: boolean
  writeHead(statusCode: number, headers: Record<string, string | string[]>): unknown
  /** Sends the status line and headers now, before the first chunk of the body. */
  flushHeaders(): void
  /** Writes a chunk; `false` means the socket's buffer is full: wait for `drain`. */
  write(chunk: Uint8Array): boolean
  end(): unknown
  once(event: 'drain' | 'close', listener: () => void): unknown
  on(event: 'close', listener: () => void): unknown
  removeListener(event: 'drain' | 'close', listener: () => void): unknown
  destroy(error?: Error): unknown
}

/** A Node request listener, for `http.createServer(listener)` or `server.on('request', listener)`. */
export type NodeRequestListener = (request: NodeIncomingMessage, response: NodeServerResponse) => void
