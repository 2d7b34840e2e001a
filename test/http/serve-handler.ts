import { createServer, type IncomingMessage, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'

/** A running loopback server and how to stop it. */
export interface ServedHandler {
  readonly url: string
  close(): Promise<void>
}

/**
 * Adapts Node's request to a Web `Request`. The body is pulled lazily, so a handler that
 * refuses a request before reading leaves the bytes for Node to discard; and cancelling
 * it drains the rest instead of destroying the socket (which `Readable.toWeb` would do,
 * taking the response down with it).
 */
function toWebRequest(incoming: IncomingMessage, origin: string): Request {
  const headers = new Headers()
  for (const [name, value] of Object.entries(incoming.headers)) {
    if (Array.isArray(value)) for (const item of value) headers.append(name, item)
    else if (value !== undefined) headers.set(name, value)
  }
  const method = incoming.method ?? 'GET'
  const chunks = incoming[Symbol.asyncIterator]()
  const body =
    method === 'GET' || method === 'HEAD'
      ? null
      : new ReadableStream<Uint8Array>(
          {
            async pull(controller) {
              const { done, value } = await chunks.next()
              if (done) controller.close()
              else controller.enqueue(new Uint8Array(value as Buffer))
            },
            cancel() {
              incoming.on('data', () => {})
              incoming.resume()
            },
          },
          { highWaterMark: 0 },
        )
  const init: RequestInit & { duplex?: 'half' } = { method, headers, body, duplex: 'half' }
  return new Request(new URL(incoming.url ?? '/', origin), init)
}

async function writeWebResponse(response: Response, outgoing: ServerResponse): Promise<void> {
  outgoing.statusCode = response.status
  response.headers.forEach((value, name) => {
    outgoing.setHeader(name, value)
  })
  outgoing.end(Buffer.from(await response.arrayBuffer()))
}

/** Serves a Web `fetch` handler on 127.0.0.1 at a free port. */
export async function serveHandler(handler: (request: Request) => Promise<Response>): Promise<ServedHandler> {
  let origin = 'http://127.0.0.1'
  const server = createServer((incoming, outgoing) => {
    handler(toWebRequest(incoming, origin))
      .then((response) => writeWebResponse(response, outgoing))
      .catch((error: unknown) => {
        outgoing.statusCode = 500
        outgoing.end(String(error))
      })
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
  return {
    url: origin,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections()
        server.close((error) => (error ? reject(error) : resolve()))
      }),
  }
}
