import { createServer, request as httpRequest, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { afterEach, describe, expect, it } from 'vitest'
import { toNodeListener } from '../../src/http/node/index.js'
import { isTicketError } from '../../src/index.js'

const servers: Server[] = []
afterEach(async () => {
  for (const server of servers.splice(0)) {
    server.closeAllConnections()
    await new Promise((resolve) => server.close(resolve))
  }
})

/** Serves `handler` through the listener on a free loopback port. */
async function serve(handler: (request: Request) => Response | Promise<Response>, onError?: (error: unknown) => void): Promise<string> {
  const server = createServer(toNodeListener(handler, onError === undefined ? undefined : { onError }))
  servers.push(server)
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`
}

/** A promise and its resolve, to hold a stream or a handler at a known point. */
function signal<T = void>() {
  let resolve!: (value: T) => void
  const promise = new Promise<T>((done) => {
    resolve = done
  })
  return { promise, resolve }
}

const encoder = new TextEncoder()
const decoder = new TextDecoder()

describe('toNodeListener', () => {
  it('hands the handler the method, URL, headers and body, and writes back status, headers and body', async () => {
    const url = await serve(async (request) => {
      const body = await request.text()
      return Response.json(
        { method: request.method, url: request.url, custom: request.headers.get('x-custom'), body },
        { status: 201, headers: { 'x-answer': 'yes' } },
      )
    })
    const response = await fetch(`${url}/path?q=1`, { method: 'POST', headers: { 'x-custom': 'value' }, body: 'hello' })
    expect(response.status).toBe(201)
    expect(response.headers.get('x-answer')).toBe('yes')
    expect(await response.json()).toEqual({ method: 'POST', url: `${url}/path?q=1`, custom: 'value', body: 'hello' })
  })

  it('pipes a streamed response out chunk by chunk, before the stream has ended', async () => {
    let push!: ReadableStreamDefaultController<Uint8Array>
    const url = await serve(
      () =>
        new Response(
          new ReadableStream<Uint8Array>({
            start(controller) {
              push = controller
            },
          }),
          { headers: { 'content-type': 'text/event-stream' } },
        ),
    )
    const response = await fetch(url)
    // The headers arrived although the body has not produced a byte yet.
    expect(response.headers.get('content-type')).toBe('text/event-stream')
    const reader = (response.body as ReadableStream<Uint8Array>).getReader()
    push.enqueue(encoder.encode('data: first\n\n'))
    expect(decoder.decode((await reader.read()).value)).toBe('data: first\n\n')
    push.enqueue(encoder.encode('data: second\n\n'))
    expect(decoder.decode((await reader.read()).value)).toBe('data: second\n\n')
    push.close()
    expect((await reader.read()).done).toBe(true)
  })

  it('aborts request.signal and cancels the response body when the client goes mid-stream', async () => {
    const aborted = signal<unknown>()
    const cancelled = signal<unknown>()
    let push!: ReadableStreamDefaultController<Uint8Array>
    const url = await serve((request) => {
      request.signal.addEventListener('abort', () => aborted.resolve(request.signal.reason))
      return new Response(
        new ReadableStream<Uint8Array>({
          start(controller) {
            push = controller
            controller.enqueue(encoder.encode('data: first\n\n'))
          },
          cancel: (reason) => cancelled.resolve(reason),
        }),
      )
    })
    await new Promise<void>((resolve, reject) => {
      const client = httpRequest(url, (response) => {
        response.once('data', () => {
          // The client has the first chunk; the stream is still open. Now it goes away.
          client.destroy()
          resolve()
        })
      })
      client.on('error', () => {})
      client.on('close', () => resolve())
      client.end()
      setTimeout(() => reject(new Error('no first chunk')), 10_000)
    })
    expect(String(await aborted.promise)).toContain('The client closed the connection before the response ended')
    expect(await cancelled.promise).toBe(await aborted.promise)
    // Writing on after the client left changes nothing and throws nothing.
    expect(() => push.enqueue(encoder.encode('data: too late\n\n'))).toThrow()
  })

  it('leaves request.signal alone when the response ends normally', async () => {
    const signals: AbortSignal[] = []
    const url = await serve((request) => {
      signals.push(request.signal)
      return new Response('done')
    })
    expect(await (await fetch(url)).text()).toBe('done')
    await new Promise((resolve) => setTimeout(resolve, 50))
    expect(signals.map((each) => each.aborted)).toEqual([false])
  })

  it('streams the request body in as the handler reads it', async () => {
    const firstChunkRead = signal()
    const url = await serve(async (request) => {
      const reader = (request.body as ReadableStream<Uint8Array>).getReader()
      const first = await reader.read()
      firstChunkRead.resolve()
      let rest = ''
      for (;;) {
        const { done, value } = await reader.read()
        if (done) break
        rest += decoder.decode(value)
      }
      return new Response(`${decoder.decode(first.value)}|${rest}`)
    })
    let sendRest!: () => void
    const body = new ReadableStream<Uint8Array>({
      start(controller) {
        controller.enqueue(encoder.encode('one'))
        sendRest = () => {
          controller.enqueue(encoder.encode('two'))
          controller.close()
        }
      },
    })
    const answer = fetch(url, { method: 'POST', body, duplex: 'half' } as RequestInit)
    // The handler has the first chunk while the client has not sent the rest.
    await firstChunkRead.promise
    sendRest()
    expect(await (await answer).text()).toBe('one|two')
  })

  it('drains a body the handler stops reading, so its early answer reaches the client', async () => {
    const url = await serve(async (request) => {
      const reader = (request.body as ReadableStream<Uint8Array>).getReader()
      await reader.read()
      await reader.cancel()
      return new Response('too large', { status: 413 })
    })
    const response = await fetch(url, { method: 'POST', body: new Uint8Array(4 * 1024 * 1024) })
    expect(response.status).toBe(413)
    expect(await response.text()).toBe('too large')
  })

  it('writes a large streamed body whole, waiting whenever the socket is full', async () => {
    const chunk = new Uint8Array(64 * 1024).fill(7)
    const chunks = 160
    const url = await serve(() => {
      let sent = 0
      return new Response(
        new ReadableStream<Uint8Array>({
          pull(controller) {
            if (sent++ === chunks) controller.close()
            else controller.enqueue(chunk)
          },
        }),
      )
    })
    const bytes = new Uint8Array(await (await fetch(url)).arrayBuffer())
    expect(bytes.length).toBe(chunk.length * chunks)
    expect(bytes.every((byte) => byte === 7)).toBe(true)
  })

  it('keeps each Set-Cookie header apart and sends no body for HEAD', async () => {
    const url = await serve((request) => {
      const headers = new Headers()
      headers.append('set-cookie', 'a=1; Path=/')
      headers.append('set-cookie', 'b=2; Path=/')
      return new Response(request.method === 'HEAD' ? null : 'body', { headers })
    })
    const response = await fetch(url)
    expect(response.headers.getSetCookie()).toEqual(['a=1; Path=/', 'b=2; Path=/'])
    expect(await response.text()).toBe('body')
    const head = await fetch(url, { method: 'HEAD' })
    expect(head.status).toBe(200)
    expect(await head.text()).toBe('')
  })

  it('answers a bare 500 when the handler throws, and reports the error', async () => {
    const reported: unknown[] = []
    const url = await serve(
      () => {
        throw new Error('secret detail')
      },
      (error) => reported.push(error),
    )
    const response = await fetch(url)
    expect(response.status).toBe(500)
    expect(await response.text()).toBe('')
    expect(reported).toEqual([new Error('secret detail')])
  })

  it('answers 400 to a request whose Host makes no URL, without calling the handler', async () => {
    let calls = 0
    const url = await serve(() => {
      calls++
      return new Response('ok')
    })
    const status = await new Promise<number | undefined>((resolve, reject) => {
      const client = httpRequest(url, { headers: { host: 'bad host' } }, (response) => {
        response.resume()
        resolve(response.statusCode)
      })
      client.on('error', reject)
      client.end()
    })
    expect(status).toBe(400)
    expect(calls).toBe(0)
  })

  it('refuses a handler that is not a function with VALIDATION', () => {
    let error: unknown
    try {
      toNodeListener('not a handler' as never)
    } catch (caught) {
      error = caught
    }
    expect(isTicketError(error) && error.code).toBe('VALIDATION')
  })
})
