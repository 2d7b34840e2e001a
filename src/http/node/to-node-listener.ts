/**
 * A Web `fetch` handler served by Node's `http` module: the request becomes a `Request`
 * (its body streamed in as the handler reads it, its `signal` aborted when the client
 * goes), and the `Response` is written back as its body streams out.
 *
 * @module
 */
import * as z from 'zod/mini'
import { parseWith } from '../../core/commands/parse-command.js'
import type { NodeIncomingMessage, NodeRequestListener, NodeServerResponse } from './node-http-types.js'

/** Options of {@link toNodeListener}. */
export interface NodeListenerOptions {
  /**
   * Told about a handler that threw (the client gets a bare `500`, or, once the response
   * had started, a cut connection) and a response body that failed midway. Default `console.error`.
   */
  readonly onError?: (error: unknown) => void
}

const functionSchema = z.custom<(...args: never[]) => unknown>((value: unknown) => typeof value === 'function', {
  error: 'Expected a function',
})

const argumentsSchema = z.strictObject({
  handler: functionSchema,
  options: z.optional(z.strictObject({ onError: z.optional(functionSchema) })),
})

/**
 * Wraps a Web-standard `fetch` handler — such as `createTicketHandler`'s — as a Node
 * `http` request listener. Deno, Bun and edge runtimes need none of this: they call the
 * handler directly.
 *
 * - The request body is streamed in as the handler reads it; a body the handler stops
 *   reading early (a `413`) is drained, not destroyed, so the answer reaches the client.
 * - The response body is piped out as it streams, chunk by chunk, waiting whenever the
 *   socket's buffer is full; headers go out at once when the first chunk keeps it waiting
 *   (a Server-Sent Events stream).
 * - When the client goes before the response has ended, `request.signal` aborts and the
 *   response body is cancelled, so a stream stops producing.
 *
 * @throws {TicketError} `VALIDATION` when `handler` is not a function or the options are malformed
 *
 * @example
 * ```ts
 * import { createServer } from 'node:http'
 * import { createTicketHandler } from 'ticket-events/http'
 * import { toNodeListener } from 'ticket-events/http/node'
 *
 * const handler = createTicketHandler({ service, authenticate })
 * createServer(toNodeListener(handler)).listen(3000)
 * ```
 */
export function toNodeListener(
  handler: (request: Request) => Response | Promise<Response>,
  options?: NodeListenerOptions,
): NodeRequestListener {
  parseWith(argumentsSchema, { handler, options }, 'toNodeListener arguments')
  const onError = options?.onError ?? ((error: unknown) => console.error(error))
  return (incoming, outgoing) => {
    void serve(handler, incoming, outgoing).catch((error: unknown) => {
      onError(error)
      if (!outgoing.headersSent) {
        outgoing.writeHead(500, {})
        outgoing.end()
      } else {
        outgoing.destroy(error instanceof Error ? error : new Error(String(error)))
      }
    })
  }
}

async function serve(
  handler: (request: Request) => Response | Promise<Response>,
  incoming: NodeIncomingMessage,
  outgoing: NodeServerResponse,
): Promise<void> {
  const client = new AbortController()
  const onClose = (): void => {
    // 'close' also follows a response that ended normally; only an unfinished one means the client went.
    if (!outgoing.writableFinished) client.abort(new Error('The client closed the connection before the response ended.'))
  }
  outgoing.on('close', onClose)
  try {
    const request = toWebRequest(incoming, client.signal)
    if (request === null) {
      outgoing.writeHead(400, { 'content-type': 'text/plain; charset=utf-8' })
      outgoing.write(new TextEncoder().encode('Bad Request: the Host header or request target is not a valid URL.\n'))
      outgoing.end()
      return
    }
    const response = await handler(request)
    await writeResponse(response, outgoing, client.signal)
  } finally {
    outgoing.removeListener('close', onClose)
  }
}

/** The request as a Web `Request`, or `null` when its Host and target make no URL. */
function toWebRequest(incoming: NodeIncomingMessage, signal: AbortSignal): Request | null {
  const headers = new Headers()
  for (const [name, value] of Object.entries(incoming.headers)) {
    if (value === undefined) continue
    if (typeof value === 'string') headers.set(name, value)
    else for (const item of value) headers.append(name, item)
  }
  const encrypted = (incoming.socket as { readonly encrypted?: unknown } | null | undefined)?.encrypted === true
  const protocol = encrypted ? 'https' : 'http'
  let url: URL
  try {
    url = new URL(incoming.url ?? '/', `${protocol}://${headers.get('host') ?? 'localhost'}`)
  } catch {
    return null
  }
  const method = incoming.method ?? 'GET'
  const body = method === 'GET' || method === 'HEAD' ? null : requestBody(incoming)
  // `duplex: 'half'` is required of a streamed request body; the DOM types do not know it yet.
  const init: RequestInit & { duplex: 'half' } = { method, headers, body, signal, duplex: 'half' }
  return new Request(url, init)
}

/**
 * The request body, pulled from Node only as the handler reads. When the handler stops
 * early, the rest is drained rather than destroyed, so the response still reaches the client.
 */
function requestBody(incoming: NodeIncomingMessage): ReadableStream<Uint8Array> {
  const chunks = incoming[Symbol.asyncIterator]()
  return new ReadableStream<Uint8Array>(
    {
      async pull(controller) {
        const { done, value } = await chunks.next()
        if (done) controller.close()
        else controller.enqueue(toBytes(value))
      },
      cancel() {
        incoming.on('data', () => {})
        incoming.resume()
      },
    },
    { highWaterMark: 0 },
  )
}

/** Writes the status and headers, then the body as it streams, until it ends or the client goes. */
async function writeResponse(response: Response, outgoing: NodeServerResponse, clientGone: AbortSignal): Promise<void> {
  outgoing.writeHead(response.status, nodeHeaders(response.headers))
  const body = response.body
  if (body === null) {
    outgoing.end()
    return
  }
  const reader = body.getReader()
  const cancel = (): void => {
    // Resolves a pending read with `done`, and tells the stream's source to stop.
    reader.cancel(clientGone.reason).catch(() => {})
  }
  clientGone.addEventListener('abort', cancel, { once: true })
  try {
    let next = reader.read()
    // A body that keeps the first chunk waiting (a stream of events) gets its headers now.
    if (await pending(next)) outgoing.flushHeaders()
    for (;;) {
      const { done, value } = await next
      if (done || clientGone.aborted) break
      if (!outgoing.write(value)) await drained(outgoing)
      next = reader.read()
    }
  } finally {
    clientGone.removeEventListener('abort', cancel)
  }
  if (!clientGone.aborted) outgoing.end()
}

/** Whether `promise` is still unsettled after the current turn of the event loop. */
async function pending(promise: Promise<unknown>): Promise<boolean> {
  const later = new Promise<boolean>((resolve) => setTimeout(resolve, 0, true))
  return Promise.race([
    promise.then(
      () => false,
      () => false,
    ),
    later,
  ])
}

/** Waits until the socket takes more (`drain`) or is gone (`close`). */
function drained(outgoing: NodeServerResponse): Promise<void> {
  return new Promise((resolve) => {
    const done = (): void => {
      outgoing.removeListener('drain', done)
      outgoing.removeListener('close', done)
      resolve()
    }
    outgoing.once('drain', done)
    outgoing.once('close', done)
  })
}

/** A `Headers` as Node's `writeHead` takes them, with each `Set-Cookie` kept apart. */
function nodeHeaders(headers: Headers): Record<string, string | string[]> {
  const result: Record<string, string | string[]> = {}
  headers.forEach((value, name) => {
    if (name !== 'set-cookie') result[name] = value
  })
  const cookies = typeof headers.getSetCookie === 'function' ? headers.getSetCookie() : []
  if (cookies.length > 0) result['set-cookie'] = cookies
  return result
}

/** Node hands a request body over as `Buffer`s (which are `Uint8Array`s) or, in object mode, strings. */
function toBytes(chunk: unknown): Uint8Array {
  if (chunk instanceof Uint8Array) return chunk
  return new TextEncoder().encode(String(chunk))
}
