/**
 * The HTTP path: `createTicketHandler` called directly with `Request` objects (no socket,
 * so the figures are the handler's own cost), next to the ticket service answering the
 * same commands and the same events query in the same run. The ratio is what the HTTP
 * layer adds: routing, authentication, reading and validating the body, and rendering
 * the answer.
 */
import { type Command, createIdFactory, createTicketService, type TicketService } from 'ticket-events'
import { createTicketHandler } from 'ticket-events/http'
import { memoryStore } from 'ticket-events/memory'
import type { BenchRow, BenchSection } from './report.js'

const TICKETS = 50
const REQUESTS = 6_000
/** Requests run once before measuring, so the JIT has settled. */
const WARM_UP = 1_500
const EVENTS_READS = 2_000
const API_KEY = 'bench-key'
const workspaceId = '0b5c2f4e-3c1a-4d7e-9f10-1a2b3c4d5e6f'
const users = ['3a5c2f4e-3c1a-4d7e-9f10-1a2b3c4d5e6f', '3b5c2f4e-3c1a-4d7e-9f10-1a2b3c4d5e6f']
const tagId = '4a5c2f4e-3c1a-4d7e-9f10-1a2b3c4d5e6f'

const ticketId = (n: number): string => `2d5c2f4e-3c1a-4d7e-9f10-${n.toString(16).padStart(12, '0')}`

/**
 * One step of the mix, each a change (never a no-op): assign to one user, tag, assign to
 * the other, untag. The same step as an HTTP route and as a service command.
 */
interface Step {
  readonly ticketId: string
  readonly method: 'PATCH' | 'POST' | 'DELETE'
  readonly path: string
  readonly body: Record<string, unknown> | undefined
  readonly command: Command
}

function stepFor(step: number): Step {
  const round = Math.floor(step / TICKETS)
  const id = ticketId(step % TICKETS)
  switch (round % 4) {
    case 0:
    case 2: {
      const assigneeId = users[(round / 2) % 2] as string
      return {
        ticketId: id,
        method: 'PATCH',
        path: `/api/v1/tickets/${id}/assignee`,
        body: { assigneeId },
        command: { type: 'assign', assigneeId },
      }
    }
    case 1:
      return { ticketId: id, method: 'POST', path: `/api/v1/tickets/${id}/tags`, body: { tagId }, command: { type: 'tag', tagId } }
    default:
      return {
        ticketId: id,
        method: 'DELETE',
        path: `/api/v1/tickets/${id}/tags/${tagId}`,
        body: undefined,
        command: { type: 'untag', tagId },
      }
  }
}

/** A fresh service with `TICKETS` pending tickets, and the handler over it. */
async function setUp(): Promise<{ service: TicketService; handler: (request: Request) => Promise<Response> }> {
  const service = createTicketService({ store: memoryStore(), ctx: { newId: createIdFactory() } })
  for (let n = 0; n < TICKETS; n++) {
    await service.execute(ticketId(n), {
      type: 'create',
      workspaceId,
      chatId: '1c5c2f4e-3c1a-4d7e-9f10-1a2b3c4d5e6f',
      ticketingTeamId: null,
      assigneeId: null,
      status: 'pending',
    })
  }
  const handler = createTicketHandler({ service, authenticate: (key) => (key === API_KEY ? { workspaceId } : null) })
  return { service, handler }
}

function requestFor(step: Step): Request {
  const headers: Record<string, string> = { authorization: API_KEY }
  if (step.body !== undefined) headers['content-type'] = 'application/json'
  return new Request(`http://localhost${step.path}`, {
    method: step.method,
    headers,
    ...(step.body === undefined ? {} : { body: JSON.stringify(step.body) }),
  })
}

/** Runs `count` steps through the handler, reading each answer as a client would; returns seconds. */
async function throughHttp(handler: (request: Request) => Promise<Response>, first: number, count: number): Promise<number> {
  const start = performance.now()
  for (let step = first; step < first + count; step++) {
    const response = await handler(requestFor(stepFor(step)))
    if (response.status !== 200) throw new Error(`step ${step}: HTTP ${response.status} ${await response.text()}`)
    await response.json()
  }
  return (performance.now() - start) / 1000
}

/** Runs the same steps through the service, as the routes would (scoped, with the API's meta); returns seconds. */
async function throughService(service: TicketService, first: number, count: number): Promise<number> {
  const start = performance.now()
  for (let step = first; step < first + count; step++) {
    const { ticketId: id, command } = stepFor(step)
    await service.execute(id, { ...command, meta: { actor: { type: 'system', id: 'api' }, via: { channel: 'api' } } }, { workspaceId })
  }
  return (performance.now() - start) / 1000
}

/** `GET /v2/system/events?limit=100` through the handler, and the same query through the service; returns seconds for each. */
async function readEvents(
  service: TicketService,
  handler: (request: Request) => Promise<Response>,
): Promise<{ http: number; service: number }> {
  const url = 'http://localhost/v2/system/events?limit=100&type=ticket:assigned&occurred_after=2020-01-01T00:00:00Z'
  const httpStart = performance.now()
  for (let read = 0; read < EVENTS_READS; read++) {
    const response = await handler(new Request(url, { headers: { authorization: API_KEY } }))
    if (response.status !== 200) throw new Error(`events: HTTP ${response.status}`)
    await response.json()
  }
  const http = (performance.now() - httpStart) / 1000
  const serviceStart = performance.now()
  for (let read = 0; read < EVENTS_READS; read++)
    await service.events({ workspaceId, limit: 100, type: 'ticket:assigned', occurredAfter: '2020-01-01T00:00:00Z' })
  return { http, service: (performance.now() - serviceStart) / 1000 }
}

/** The handler's command routes and events route against the service doing the same work. */
export const benchHttp: BenchSection = async () => {
  // Two worlds, so both paths start from the same states (every step changes its ticket).
  const viaHttp = await setUp()
  const viaService = await setUp()
  await throughHttp(viaHttp.handler, 0, WARM_UP)
  await throughService(viaService.service, 0, WARM_UP)
  // Alternate halves, so machine noise hits both paths alike.
  let httpSeconds = 0
  let serviceSeconds = 0
  for (let half = 0; half < 2; half++) {
    const first = WARM_UP + half * (REQUESTS / 2)
    httpSeconds += await throughHttp(viaHttp.handler, first, REQUESTS / 2)
    serviceSeconds += await throughService(viaService.service, first, REQUESTS / 2)
  }
  const reads = await readEvents(viaHttp.service, viaHttp.handler)
  await viaHttp.service.close()
  await viaService.service.close()
  const mix = `${REQUESTS.toLocaleString('en-US')} assign/tag/untag over ${TICKETS} tickets, memory store`
  return [
    {
      name: `HTTP command routes, ${mix}`,
      value: REQUESTS / httpSeconds,
      unit: 'requests/s',
      baseline: { name: 'service execute, same commands and scope', value: REQUESTS / serviceSeconds },
    },
    {
      name: 'HTTP GET /v2/system/events?limit=100&type=…&occurred_after=…',
      value: EVENTS_READS / reads.http,
      unit: 'requests/s',
      baseline: { name: 'service events(), same query', value: EVENTS_READS / reads.service },
    },
  ] satisfies BenchRow[]
}
