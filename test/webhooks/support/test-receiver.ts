/**
 * A real webhook receiver on 127.0.0.1 (port 0) for dispatcher tests: it records every
 * call, and answers each as `answer` decides — a status, or a stall that answers only
 * after the sender has given up.
 */
import { createServer, type IncomingHttpHeaders } from 'node:http'
import type { AddressInfo } from 'node:net'

/** How the receiver answers call number `call` (1-based). */
export type Answer = { readonly status: number } | { readonly stallMs: number }

/** One call the receiver answered with a 2xx. */
export interface AcceptedCall {
  readonly call: number
  readonly headers: IncomingHttpHeaders
  readonly body: string
}

export interface TestReceiver {
  readonly url: string
  /** Calls answered 2xx, in the order they were answered. */
  readonly accepted: AcceptedCall[]
  /** How many calls arrived. */
  calls(): number
  close(): Promise<void>
}

export async function startTestReceiver(answer: (call: number) => Answer = () => ({ status: 200 })): Promise<TestReceiver> {
  const accepted: AcceptedCall[] = []
  let calls = 0
  const server = createServer((request, response) => {
    const call = ++calls
    const chunks: Buffer[] = []
    request.on('data', (chunk: Buffer) => chunks.push(chunk))
    request.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8')
      const decision = answer(call)
      if ('stallMs' in decision) {
        // Answer long after the sender's timeout; the sender has gone, so this counts as nothing.
        const timer = setTimeout(() => response.writeHead(200).end(), decision.stallMs)
        response.on('close', () => clearTimeout(timer))
        return
      }
      if (decision.status >= 200 && decision.status < 300) accepted.push({ call, headers: request.headers, body })
      response.writeHead(decision.status, { 'content-type': 'text/plain' }).end('ok')
    })
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as AddressInfo
  return {
    url: `http://127.0.0.1:${port}/hooks`,
    accepted,
    calls: () => calls,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections()
        server.close(() => resolve())
      }),
  }
}

/** Resolves once `condition()` holds, checking every 10 ms; rejects after `timeoutMs` with `what`. */
export async function eventually(condition: () => boolean, what: string, timeoutMs = 20_000): Promise<void> {
  const started = Date.now()
  while (!condition()) {
    if (Date.now() - started > timeoutMs) throw new Error(`Timed out waiting for ${what}`)
    await new Promise((resolve) => setTimeout(resolve, 10))
  }
}
