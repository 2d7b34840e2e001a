import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import { createTicketHandler, type TicketHandlerOptions } from '../../src/http/index.js'
import { toNodeListener } from '../../src/http/node/index.js'
import { createTicketService } from '../../src/service/create-ticket-service.js'
import type { TicketService } from '../../src/service/ticket-service.js'
import type { TicketStore } from '../../src/store-contract/ticket-store.js'
import { memoryStore } from '../../src/stores/memory/index.js'

export const WORKSPACE_A = '3b241101-e2bb-4255-8caf-4136c566a962'
export const WORKSPACE_B = '9c5d2a10-7f3e-4b8a-9d61-0e2f4a6b8c1d'
export const KEY_A = 'key-workspace-a'
export const KEY_B = 'key-workspace-b'

export const CHAT = '4b241101-e2bb-4255-8caf-4136c566a962'
export const OTHER_CHAT = '6a1f3c52-9b7e-4d20-8c45-2e9f0b3d7a61'
export const USER = '5b241101-e2bb-4255-8caf-4136c566a962'
export const OTHER_USER = '7d2e4f61-3a5b-4c8d-9e0f-1a2b3c4d5e6f'
export const TEAM = '8e3f5a72-4b6c-4d9e-8f10-2b3c4d5e6f70'
export const TAG = '1f2e3d4c-5b6a-4798-8a7b-6c5d4e3f2a1b'
export const OTHER_TAG = '2a3b4c5d-6e7f-4a8b-9c0d-1e2f3a4b5c6d'

/** A running loopback server and how to stop it. */
export interface ServedHandler {
  readonly url: string
  close(): Promise<void>
}

/** Serves a Web `fetch` handler on 127.0.0.1 at a free port, through the library's Node listener. */
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

/** A ticket service (on a memory store unless told), served over loopback HTTP, with two API keys. */
export interface HttpFixture {
  readonly service: TicketService
  readonly server: ServedHandler
  /** `fetch` against the server with workspace A's key unless `authorization` is given. */
  api(path: string, init?: { method?: string; body?: unknown; headers?: Record<string, string> }): Promise<Response>
  close(): Promise<void>
}

export async function startHttpFixture(
  options: Partial<Omit<TicketHandlerOptions, 'service' | 'authenticate'>> & {
    /** The store behind the service (default: a fresh memory store). */
    readonly store?: TicketStore
    /** More API keys and the workspace id each authenticates as. */
    readonly keys?: Readonly<Record<string, string>>
  } = {},
): Promise<HttpFixture> {
  const { store = memoryStore(), keys: extraKeys = {}, ...handlerOptions } = options
  const service = createTicketService({ store })
  const keys = new Map([[KEY_A, WORKSPACE_A], [KEY_B, WORKSPACE_B], ...Object.entries(extraKeys)])
  const handler = createTicketHandler({
    service,
    authenticate: (authorization) => {
      const workspaceId = keys.get(authorization)
      return workspaceId === undefined ? null : { workspaceId }
    },
    ...handlerOptions,
  })
  const server = await serveHandler(handler)
  return {
    service,
    server,
    api(path, init = {}) {
      const headers: Record<string, string> = { authorization: KEY_A, ...init.headers }
      if (init.body !== undefined && headers['content-type'] === undefined) headers['content-type'] = 'application/json'
      return fetch(`${server.url}${path}`, {
        method: init.method ?? 'GET',
        headers,
        ...(init.body === undefined ? {} : { body: typeof init.body === 'string' ? init.body : JSON.stringify(init.body) }),
      })
    },
    async close() {
      await server.close()
      await service.close()
    },
  }
}

/** Creates a pending ticket in workspace A (or with the given key) and returns its record. */
export async function createPendingTicket(
  fixture: HttpFixture,
  fields: Record<string, unknown> = {},
  authorization = KEY_A,
): Promise<Record<string, unknown> & { id: string }> {
  const response = await fixture.api('/api/v1/tickets', {
    method: 'POST',
    headers: { authorization },
    body: { chatId: CHAT, ticketingTeamId: TEAM, assigneeId: null, status: 'pending', ...fields },
  })
  if (response.status !== 200) throw new Error(`create failed: ${response.status} ${await response.text()}`)
  return (await response.json()) as Record<string, unknown> & { id: string }
}
