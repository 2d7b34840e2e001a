import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { createTicketHandler } from '../../src/http/index.js'
import { TicketError } from '../../src/index.js'
import { createTicketService } from '../../src/service/create-ticket-service.js'
import type { TicketStore } from '../../src/store-contract/ticket-store.js'
import { memoryStore } from '../../src/stores/memory/index.js'
import {
  CHAT,
  createPendingTicket,
  type HttpFixture,
  KEY_A,
  serveHandler,
  startHttpFixture,
  TEAM,
  USER,
  WORKSPACE_A,
} from './http-fixture.js'

interface Problem {
  type: string
  title: string
  status: number
  detail: string
  code: string
  instance?: string
  issues?: { path: (string | number)[]; message: string; code: string }[]
  retryable?: boolean
}

async function problemOf(response: Response): Promise<Problem> {
  expect(response.headers.get('content-type')).toBe('application/problem+json')
  const problem = (await response.json()) as Problem
  expect(problem.status).toBe(response.status)
  expect(problem.type).toMatch(/^urn:ticket-events:problem:/)
  expect(problem.title).toEqual(expect.any(String))
  expect(problem.detail).toEqual(expect.any(String))
  return problem
}

const createBody = { chatId: CHAT, ticketingTeamId: TEAM, assigneeId: null, status: 'pending' }

let fixture: HttpFixture
let unexpected: unknown[]
beforeEach(async () => {
  unexpected = []
  fixture = await startHttpFixture({ maxBodyBytes: 1024, onError: (error) => unexpected.push(error) })
})
afterEach(async () => {
  await fixture.close()
})

describe('400 Bad Request', () => {
  it('names every invalid body field by its path', async () => {
    const response = await fixture.api('/api/v1/tickets', {
      method: 'POST',
      body: {
        chatId: 'not-a-uuid',
        ticketingTeamId: TEAM,
        status: 'open',
        customFields: { plan: { tiers: [1, 'x', null] }, 'bad key': 1 },
      },
    })
    expect(response.status).toBe(400)
    const problem = await problemOf(response)
    expect(problem.code).toBe('VALIDATION')
    const paths = problem.issues?.map((issue) => issue.path.join('.'))
    expect(paths).toEqual(expect.arrayContaining(['chatId', 'assigneeId', 'status', 'customFields.bad key']))
  })

  it('names each unknown body field at its own path', async () => {
    const response = await fixture.api('/api/v1/tickets', {
      method: 'POST',
      body: { ...createBody, workspaceId: WORKSPACE_A, colour: 'red' },
    })
    const problem = await problemOf(response)
    expect(response.status).toBe(400)
    expect(problem.issues?.map((issue) => issue.path)).toEqual([['workspaceId'], ['colour']])
  })

  it('answers malformed JSON with a 400 problem, not a 500', async () => {
    const response = await fixture.api('/api/v1/tickets', { method: 'POST', body: '{"chatId": ' })
    expect(response.status).toBe(400)
    const problem = await problemOf(response)
    expect(problem.code).toBe('VALIDATION')
    expect(problem.issues?.[0]?.code).toBe('invalid_json')
    expect(unexpected).toEqual([])
  })

  it('answers an empty JSON body and a JSON body that is not an object with 400', async () => {
    expect(
      (await fixture.api('/api/v1/tickets', { method: 'POST', body: '', headers: { 'content-type': 'application/json' } })).status,
    ).toBe(400)
    const array = await fixture.api('/api/v1/tickets', { method: 'POST', body: '[1,2]' })
    expect(array.status).toBe(400)
    expect((await problemOf(array)).issues?.[0]?.path).toEqual([])
  })

  it('rejects a path id that is not a UUID, naming the parameter', async () => {
    const response = await fixture.api('/api/v1/tickets/42/takeover', { method: 'PATCH', body: { assigneeId: USER } })
    expect(response.status).toBe(400)
    expect((await problemOf(response)).issues?.map((issue) => issue.path)).toEqual([['id']])
  })

  it('rejects unknown, malformed and repeated single query parameters with their names as paths', async () => {
    const unknown = await fixture.api('/api/v1/tickets/details?colour=red&status[]=pending')
    expect(unknown.status).toBe(400)
    expect((await problemOf(unknown)).issues?.map((issue) => issue.path)).toEqual([['colour'], ['status[]']])

    const malformed = await fixture.api('/api/v1/tickets/details?pageSize=500&pageNumber=0&includeRemoved=yes&tagIds=x')
    expect(malformed.status).toBe(400)
    const paths = (await problemOf(malformed)).issues?.map((issue) => issue.path.join('.'))
    expect(paths).toEqual(expect.arrayContaining(['pageSize', 'pageNumber', 'includeRemoved', 'tagIds.0']))

    const repeated = await fixture.api('/api/v1/tickets/details?status=pending&status=ongoing')
    expect(repeated.status).toBe(400)
    expect((await problemOf(repeated)).issues?.map((issue) => issue.path)).toEqual([['status']])
  })

  it('explains in words what is wrong with a query parameter', async () => {
    const response = await fixture.api('/api/v1/tickets/details?pageSize=500&status=open')
    expect(response.status).toBe(400)
    expect((await problemOf(response)).issues).toEqual([
      { path: ['status'], message: 'Invalid option: expected one of "pending"|"ongoing"|"completed"', code: 'invalid_value' },
      { path: ['pageSize'], message: 'Too big: expected number to be <=100', code: 'too_big' },
    ])
  })

  it('rejects a malformed Idempotency-Key', async () => {
    const response = await fixture.api('/api/v1/tickets', {
      method: 'POST',
      headers: { 'idempotency-key': 'k'.repeat(300) },
      body: createBody,
    })
    expect(response.status).toBe(400)
    expect((await problemOf(response)).issues?.map((issue) => issue.path)).toEqual([['idempotency-key']])
  })
})

describe('401 Unauthorized', () => {
  it('refuses a request without an Authorization header', async () => {
    const response = await fetch(`${fixture.server.url}/api/v1/tickets/details`)
    expect(response.status).toBe(401)
    expect(response.headers.get('www-authenticate')).toBe('ApiKey')
    expect((await problemOf(response)).code).toBe('UNAUTHORIZED')
  })

  it('refuses an unknown API key before reading the body', async () => {
    const response = await fixture.api('/api/v1/tickets', { method: 'POST', headers: { authorization: 'wrong' }, body: '{not json' })
    expect(response.status).toBe(401)
    expect((await problemOf(response)).code).toBe('UNAUTHORIZED')
  })
})

describe('404 Not Found', () => {
  it('answers an unknown route', async () => {
    const response = await fixture.api('/api/v1/nothing-here')
    expect(response.status).toBe(404)
    expect((await problemOf(response)).code).toBe('ROUTE_NOT_FOUND')
  })

  it('answers a command on a missing ticket', async () => {
    const response = await fixture.api(`/api/v1/tickets/${USER}/complete`, { method: 'PATCH', body: { userId: USER } })
    expect(response.status).toBe(404)
    expect((await problemOf(response)).code).toBe('NOT_FOUND')
  })
})

describe('405 Method Not Allowed', () => {
  it('answers a known path with the wrong method and lists the allowed ones', async () => {
    const { id } = await createPendingTicket(fixture)
    const response = await fixture.api(`/api/v1/tickets/${id}/takeover`, { method: 'POST', body: { assigneeId: USER } })
    expect(response.status).toBe(405)
    expect(response.headers.get('allow')).toBe('PATCH')
    expect((await problemOf(response)).code).toBe('METHOD_NOT_ALLOWED')
    const collection = await fixture.api('/api/v1/tickets', { method: 'GET' })
    expect(collection.status).toBe(405)
    expect(collection.headers.get('allow')).toBe('POST')
  })
})

describe('409 Conflict and 410 Gone', () => {
  it('refuses a takeover of an ongoing ticket, naming both statuses', async () => {
    const { id } = await createPendingTicket(fixture)
    await fixture.api(`/api/v1/tickets/${id}/takeover`, { method: 'PATCH', body: { assigneeId: USER } })
    const response = await fixture.api(`/api/v1/tickets/${id}/takeover`, { method: 'PATCH', body: { assigneeId: USER } })
    expect(response.status).toBe(409)
    const problem = await problemOf(response)
    expect(problem.code).toBe('INVALID_TRANSITION')
    expect(problem.detail).toContain('ongoing')
  })

  it('refuses a create with a ticket id that is taken', async () => {
    const { id } = await createPendingTicket(fixture)
    const response = await fixture.api('/api/v1/tickets', { method: 'POST', body: { ...createBody, ticketId: id } })
    expect(response.status).toBe(409)
    expect((await problemOf(response)).code).toBe('ALREADY_EXISTS')
  })

  it('refuses a command on an archived ticket with 409', async () => {
    const { id } = await createPendingTicket(fixture)
    await fixture.service.execute(id, { type: 'archive' })
    const response = await fixture.api(`/api/v1/tickets/${id}/complete`, { method: 'PATCH', body: { userId: USER } })
    expect(response.status).toBe(409)
    expect((await problemOf(response)).code).toBe('ARCHIVED')
  })

  it('refuses a command on a deleted ticket with 410', async () => {
    const { id } = await createPendingTicket(fixture)
    await fixture.service.execute(id, { type: 'delete' })
    const response = await fixture.api(`/api/v1/tickets/${id}/tags`, { method: 'POST', body: { tagId: USER } })
    expect(response.status).toBe(410)
    expect((await problemOf(response)).code).toBe('DELETED')
  })
})

describe('413 Payload Too Large', () => {
  it('refuses a body whose Content-Length is over the limit', async () => {
    const response = await fixture.api('/api/v1/tickets', { method: 'POST', body: { ...createBody, summary: 'x'.repeat(5000) } })
    expect(response.status).toBe(413)
    expect((await problemOf(response)).code).toBe('PAYLOAD_TOO_LARGE')
  })

  it('counts the bytes of a streamed body that declares no length', async () => {
    const chunk = new TextEncoder().encode(' '.repeat(512))
    let sent = 0
    const body = new ReadableStream<Uint8Array>({
      pull(controller) {
        // Far more than the limit: the server must stop reading, not buffer it all.
        if (sent++ < 64) controller.enqueue(chunk)
        else controller.close()
      },
    })
    const init: RequestInit & { duplex: 'half' } = {
      method: 'POST',
      headers: { authorization: KEY_A, 'content-type': 'application/json' },
      body,
      duplex: 'half',
    }
    const response = await fetch(`${fixture.server.url}/api/v1/tickets`, init)
    expect(response.status).toBe(413)
    expect((await problemOf(response)).code).toBe('PAYLOAD_TOO_LARGE')
  })

  it('counts the bytes read even when the declared length is a lie', async () => {
    const service = createTicketService({ store: memoryStore() })
    const handler = createTicketHandler({ service, authenticate: () => ({ workspaceId: WORKSPACE_A }), maxBodyBytes: 16 })
    const request = new Request('http://tickets.test/api/v1/tickets', {
      method: 'POST',
      headers: { authorization: 'k', 'content-type': 'application/json', 'content-length': '2' },
      body: JSON.stringify(createBody),
    })
    const response = await handler(request)
    expect(response.status).toBe(413)
    await service.close()
  })
})

describe('415 Unsupported Media Type', () => {
  it('refuses a body route called with a non-JSON content type', async () => {
    const response = await fixture.api('/api/v1/tickets', {
      method: 'POST',
      headers: { 'content-type': 'text/plain' },
      body: JSON.stringify(createBody),
    })
    expect(response.status).toBe(415)
    expect((await problemOf(response)).code).toBe('UNSUPPORTED_MEDIA_TYPE')
  })

  it('accepts application/json with a charset and +json types', async () => {
    const withCharset = await fixture.api('/api/v1/tickets', {
      method: 'POST',
      headers: { 'content-type': 'application/json; charset=utf-8' },
      body: createBody,
    })
    expect(withCharset.status).toBe(200)
    const suffixed = await fixture.api('/api/v1/tickets', {
      method: 'POST',
      headers: { 'content-type': 'application/merge-patch+json' },
      body: createBody,
    })
    expect(suffixed.status).toBe(200)
  })
})

describe('500 Internal Server Error', () => {
  it('hides an unexpected error from the caller and reports it to onError', async () => {
    const reported: unknown[] = []
    const handler = createTicketHandler({
      service: createTicketService({ store: memoryStore() }),
      authenticate: () => {
        throw new Error('connection string postgres://admin:hunter2@db leaked')
      },
      onError: (error) => reported.push(error),
    })
    const served = await serveHandler(handler)
    try {
      const response = await fetch(`${served.url}/api/v1/tickets/details`, { headers: { authorization: 'k' } })
      expect(response.status).toBe(500)
      const text = await response.text()
      expect(text).not.toContain('hunter2')
      expect(JSON.parse(text)).toMatchObject({ status: 500, code: 'INTERNAL' })
      expect(reported).toHaveLength(1)
    } finally {
      await served.close()
    }
  })

  it('treats an authenticator that answers a malformed workspace as a server fault', async () => {
    const reported: unknown[] = []
    const handler = createTicketHandler({
      service: createTicketService({ store: memoryStore() }),
      authenticate: () => ({ workspaceId: 'workspace-1' }),
      onError: (error) => reported.push(error),
    })
    const response = await handler(new Request('http://tickets.test/api/v1/tickets/details', { headers: { authorization: 'k' } }))
    expect(response.status).toBe(500)
    expect(reported).toHaveLength(1)
  })
})

describe('503 Service Unavailable', () => {
  /** A memory store whose list reads fail the way a store reports a database it cannot reach. */
  function unreachableStore(retryable: boolean): TicketStore {
    const store = memoryStore()
    return {
      ...store,
      async listTickets() {
        throw new TicketError('UNAVAILABLE', 'PostgreSQL is unavailable: "connect ECONNREFUSED 10.20.30.40:5432" (ECONNREFUSED).', {
          cause: Object.assign(new Error('connect ECONNREFUSED 10.20.30.40:5432'), { code: 'ECONNREFUSED' }),
          retryable,
        })
      },
    }
  }

  async function listThrough(store: TicketStore): Promise<{ response: Response; reported: unknown[] }> {
    const reported: unknown[] = []
    // No service retries here: the store's failure reaches the handler at once.
    const service = createTicketService({ store, unavailableRetry: { maxElapsedMs: 0 } })
    const handler = createTicketHandler({
      service,
      authenticate: () => ({ workspaceId: WORKSPACE_A }),
      onError: (error) => reported.push(error),
    })
    const response = await handler(new Request('http://tickets.test/api/v1/tickets/details', { headers: { authorization: 'k' } }))
    await service.close()
    return { response, reported }
  }

  it('answers a store that stays unavailable with 503, code UNAVAILABLE and Retry-After, naming no server', async () => {
    const { response, reported } = await listThrough(unreachableStore(true))

    expect(response.status).toBe(503)
    expect(Number(response.headers.get('retry-after'))).toBeGreaterThan(0)
    const problem = await problemOf(response.clone())
    expect(problem).toMatchObject({ code: 'UNAVAILABLE', retryable: true, type: 'urn:ticket-events:problem:unavailable' })
    expect(await response.text()).not.toContain('10.20.30.40')
    // The operator learns what failed.
    expect(reported).toEqual([expect.objectContaining({ code: 'UNAVAILABLE', message: expect.stringContaining('10.20.30.40') })])
  })

  it('leaves Retry-After out when a retry cannot help', async () => {
    const { response } = await listThrough(unreachableStore(false))

    expect(response.status).toBe(503)
    expect(response.headers.get('retry-after')).toBeNull()
    expect(await problemOf(response)).toMatchObject({ code: 'UNAVAILABLE', retryable: false })
  })
})

describe('createTicketHandler options', () => {
  it('rejects malformed options with a VALIDATION error naming the paths', () => {
    expect(() =>
      createTicketHandler({
        service: createTicketService({ store: memoryStore() }),
        authenticate: () => null,
        maxBodyBytes: -1,
        basePath: 'no-slash',
      }),
    ).toThrow(
      expect.objectContaining({
        code: 'VALIDATION',
        issues: expect.arrayContaining([expect.objectContaining({ path: ['maxBodyBytes'] })]),
      }),
    )
  })

  it('answers a request to a closed service with 503 and code CLOSED, telling the operator', async () => {
    const reported: unknown[] = []
    const service = createTicketService({ store: memoryStore() })
    const handler = createTicketHandler({
      service,
      authenticate: () => ({ workspaceId: WORKSPACE_A }),
      onError: (error) => reported.push(error),
    })
    await service.close()
    const response = await handler(new Request('http://tickets.test/api/v1/tickets/details', { headers: { authorization: 'k' } }))
    expect(response.status).toBe(503)
    expect(response.headers.get('retry-after')).toBeNull()
    expect(await problemOf(response)).toMatchObject({
      code: 'CLOSED',
      retryable: false,
      detail: 'The ticket service is shutting down. Send the request again.',
    })
    expect(reported).toEqual([expect.objectContaining({ code: 'CLOSED' })])
  })

  it('answers a missing driver with a bare 500 that names no package, telling the operator', async () => {
    const reported: unknown[] = []
    const missing = new TicketError('MISSING_DRIVER', 'postgresStore({ connectionString }) needs the "pg" package: npm install pg', {
      details: { driver: 'pg' },
    })
    const store: TicketStore = { ...memoryStore(), migrate: () => Promise.reject(missing) }
    const handler = createTicketHandler({
      service: createTicketService({ store }),
      authenticate: () => ({ workspaceId: WORKSPACE_A }),
      onError: (error) => reported.push(error),
    })
    const response = await handler(new Request('http://tickets.test/api/v1/tickets/details', { headers: { authorization: 'k' } }))
    expect(response.status).toBe(500)
    const text = await response.text()
    expect(text).not.toContain('pg')
    expect(JSON.parse(text)).toMatchObject({ code: 'MISSING_DRIVER', retryable: false })
    expect(reported).toEqual([missing])
  })
})
