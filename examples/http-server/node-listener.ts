/**
 * Serves a Web-standard `fetch` handler with Node's `http` module: Node's request
 * becomes a `Request`, the `Response` is written back. Deno, Bun and edge runtimes
 * need none of this; they call the handler directly.
 */
import type { IncomingMessage, RequestListener, ServerResponse } from 'node:http'

function toWebRequest(incoming: IncomingMessage, origin: string): Request {
  const headers = new Headers()
  for (const [name, value] of Object.entries(incoming.headers)) {
    if (Array.isArray(value)) for (const item of value) headers.append(name, item)
    else if (value !== undefined) headers.set(name, value)
  }
  const method = incoming.method ?? 'GET'
  const chunks = incoming[Symbol.asyncIterator]()
  // Pulled lazily, and drained (not destroyed) when the handler stops reading early,
  // so a 413 answer still reaches the client.
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

/** Wraps a `fetch` handler as a Node `http` request listener. */
export function toNodeListener(handler: (request: Request) => Promise<Response>): RequestListener {
  return (incoming, outgoing) => {
    const origin = `http://${incoming.headers.host ?? 'localhost'}`
    handler(toWebRequest(incoming, origin))
      .then((response) => writeWebResponse(response, outgoing))
      .catch((error: unknown) => {
        console.error(error)
        outgoing.statusCode = 500
        outgoing.end()
      })
  }
}
