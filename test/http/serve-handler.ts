import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
// The tests serve the handler through the same Node adapter the example documents,
// so the adapter users copy is the one under test.
import { toNodeListener } from '../../examples/http-server/node-listener.js'

/** A running loopback server and how to stop it. */
export interface ServedHandler {
  readonly url: string
  close(): Promise<void>
}

/** Serves a Web `fetch` handler on 127.0.0.1 at a free port. */
export async function serveHandler(handler: (request: Request) => Promise<Response>): Promise<ServedHandler> {
  const server = createServer(toNodeListener(handler))
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
  return {
    url,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections()
        server.close((error) => (error ? reject(error) : resolve()))
      }),
  }
}
