import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { TicketError } from '../../src/core/errors/ticket-error.js'
import { createTicketHandler } from '../../src/http/index.js'
import { createTicketService } from '../../src/service/create-ticket-service.js'
import type { TicketService } from '../../src/service/ticket-service.js'
import { memoryStore } from '../../src/stores/memory/index.js'
import {
  createPendingTicket,
  type HttpFixture,
  KEY_A,
  KEY_B,
  OTHER_USER,
  serveHandler,
  startHttpFixture,
  TAG,
  USER,
  WORKSPACE_A,
} from './http-fixture.js'

interface Problem {
  readonly status: number
  readonly code: string
  readonly retryable?: boolean
  readonly currentVersion?: number
  readonly issues?: readonly { readonly path: readonly string[] }[]
}

let fixture: HttpFixture
beforeEach(async () => {
  fixture = await startHttpFixture()
})
afterEach(async () => {
  await fixture.close()
})

/** A pending ticket taken over (versions 1: created; 2–4: the takeover and its derived events). */
async function takenOver(): Promise<string> {
  const { id } = await createPendingTicket(fixture)
  await fixture.service.execute(id, { type: 'takeover', assigneeId: USER })
  return id
}

const takeover = (id: string, headers: Record<string, string>) =>
  fixture.api(`/api/v1/tickets/${id}/assignee`, { method: 'PATCH', headers, body: { assigneeId: OTHER_USER } })

describe('GET /api/v1/tickets/{id}/details: the version as ETag, and ?version=', () => {
  it('answers the ticket’s version as a strong ETag', async () => {
    const id = await takenOver()
    const response = await fixture.api(`/api/v1/tickets/${id}/details`)
    expect(response.status).toBe(200)
    expect(response.headers.get('etag')).toBe('"4"')
  })

  it('answers the ticket as it was at ?version=, with that version as the ETag', async () => {
    const id = await takenOver()
    const response = await fixture.api(`/api/v1/tickets/${id}/details?version=1`)
    expect(response.status).toBe(200)
    expect(response.headers.get('etag')).toBe('"1"')
    expect(await response.json()).toMatchObject({ id, status: 'pending', assigneeId: null, ongoingAt: null })
    const now = (await (await fixture.api(`/api/v1/tickets/${id}/details?version=4`)).json()) as Record<string, unknown>
    expect(now).toMatchObject({ id, status: 'ongoing', assigneeId: USER })
  })

  it('answers 404 with currentVersion for a version the ticket has not reached', async () => {
    const id = await takenOver()
    const response = await fixture.api(`/api/v1/tickets/${id}/details?version=5`)
    expect(response.status).toBe(404)
    expect(await response.json()).toMatchObject({ code: 'NOT_FOUND', currentVersion: 4 })
  })

  it.each(['0', '-1', '1.5', 'one', '', '99999999999999999999'])(
    'answers 400 at the version parameter for ?version=%s',
    async (version) => {
      const id = await takenOver()
      const response = await fixture.api(`/api/v1/tickets/${id}/details?version=${version}`)
      expect(response.status).toBe(400)
      const problem = (await response.json()) as Problem
      expect(problem.code).toBe('VALIDATION')
      expect(new Set(problem.issues?.map((issue) => issue.path.join('.')))).toEqual(new Set(['version']))
    },
  )

  it('answers 400 for a query parameter it does not know', async () => {
    const id = await takenOver()
    const response = await fixture.api(`/api/v1/tickets/${id}/details?versoin=1`)
    expect(response.status).toBe(400)
  })

  it('answers 410 for a deleted ticket at every version, and 404 for another workspace’s', async () => {
    const id = await takenOver()
    expect((await fixture.api(`/api/v1/tickets/${id}/details?version=1`, { headers: { authorization: KEY_B } })).status).toBe(404)
    await fixture.service.execute(id, { type: 'delete' })
    for (const version of [1, 4, 5, 6]) {
      const response = await fixture.api(`/api/v1/tickets/${id}/details?version=${version}`)
      expect(response.status, `version ${version}`).toBe(410)
    }
  })
})

describe('If-Match on the command routes', () => {
  it('runs the command when If-Match names the current version, and answers the new version as ETag', async () => {
    const id = await takenOver()
    const response = await takeover(id, { 'if-match': '"4"' })
    expect(response.status).toBe(200)
    // An assign is a ticket:updated and a ticket:assigned: versions 5 and 6.
    expect(response.headers.get('etag')).toBe('"6"')
    expect((await fixture.service.load(id))?.assigneeId).toBe(OTHER_USER)
  })

  it('answers 412 with the current version when If-Match names another, and changes nothing', async () => {
    const id = await takenOver()
    const before = await fixture.service.events({ workspaceId: WORKSPACE_A, limit: 1000 })

    const response = await takeover(id, { 'if-match': '"1"' })

    expect(response.status).toBe(412)
    expect(response.headers.get('etag')).toBe('"4"')
    expect(await response.json()).toMatchObject({ status: 412, code: 'CONCURRENCY', retryable: false, currentVersion: 4 })
    expect(await fixture.service.events({ workspaceId: WORKSPACE_A, limit: 1000 })).toEqual(before)
  })

  it('accepts a weak tag W/"n" as version n', async () => {
    const id = await takenOver()
    expect((await takeover(id, { 'if-match': 'W/"1"' })).status).toBe(412)
    expect((await takeover(id, { 'if-match': 'W/"4"' })).status).toBe(200)
  })

  it('runs on any version with If-Match: *', async () => {
    const id = await takenOver()
    expect((await takeover(id, { 'if-match': '*' })).status).toBe(200)
  })

  it.each(['4', '"four"', '"4", "5"', 'W/4', '"04"'])('answers 400 at if-match for If-Match: %s', async (header) => {
    const id = await takenOver()
    const response = await takeover(id, { 'if-match': header })
    expect(response.status).toBe(400)
    expect(((await response.json()) as Problem).issues?.map((issue) => issue.path)).toEqual([['if-match']])
    expect((await fixture.service.load(id))?.assigneeId).toBe(USER)
  })

  it('answers a repeated Idempotency-Key with the first result, before comparing versions', async () => {
    const id = await takenOver()
    const headers = { 'if-match': '"4"', 'idempotency-key': 'reassign-1' }
    const first = await takeover(id, headers)
    expect(first.status).toBe(200)
    const again = await takeover(id, headers)
    expect(again.status).toBe(200)
    expect(again.headers.get('etag')).toBe(first.headers.get('etag'))
    expect(await again.json()).toEqual(await first.json())
    // A new key on the stale version is a conflict.
    expect((await takeover(id, { 'if-match': '"4"', 'idempotency-key': 'reassign-2' })).status).toBe(412)
  })

  it('applies to the tag routes too', async () => {
    const id = await takenOver()
    const stale = await fixture.api(`/api/v1/tickets/${id}/tags`, { method: 'POST', headers: { 'if-match': '"3"' }, body: { tagId: TAG } })
    expect(stale.status).toBe(412)
    const tagged = await fixture.api(`/api/v1/tickets/${id}/tags`, { method: 'POST', headers: { 'if-match': '"4"' }, body: { tagId: TAG } })
    expect(tagged.status).toBe(200)
    expect(tagged.headers.get('etag')).toBe('"6"')
    const untagged = await fixture.api(`/api/v1/tickets/${id}/tags/${TAG}`, { method: 'DELETE', headers: { 'if-match': '"6"' } })
    expect(untagged.status).toBe(200)
    expect(untagged.headers.get('etag')).toBe('"8"')
  })

  it('refuses If-Match on a create, which has no version yet', async () => {
    const response = await fixture.api('/api/v1/tickets', {
      method: 'POST',
      headers: { 'if-match': '"1"' },
      body: { chatId: USER, ticketingTeamId: null, assigneeId: null, status: 'pending' },
    })
    expect(response.status).toBe(400)
    expect(((await response.json()) as Problem).issues?.map((issue) => issue.path)).toEqual([['if-match']])
  })

  it('answers the ETag of the ticket it creates', async () => {
    const response = await fixture.api('/api/v1/tickets', {
      method: 'POST',
      body: { chatId: USER, ticketingTeamId: null, assigneeId: null, status: 'pending' },
    })
    expect(response.headers.get('etag')).toBe('"1"')
  })
})

describe('a version conflict without If-Match', () => {
  it('stays 409: 412 is only for a precondition the client sent', async () => {
    const real = createTicketService({ store: memoryStore() })
    const conflicting: TicketService = {
      ...real,
      execute: async () => {
        throw new TicketError('CONCURRENCY', 'Ticket moved on.', { retryable: false, details: { expectedVersion: 1, actualVersion: 2 } })
      },
    }
    const server = await serveHandler(createTicketHandler({ service: conflicting, authenticate: () => ({ workspaceId: WORKSPACE_A }) }))
    try {
      const response = await fetch(`${server.url}/api/v1/tickets/${USER}/assignee`, {
        method: 'PATCH',
        headers: { authorization: KEY_A, 'content-type': 'application/json' },
        body: JSON.stringify({ assigneeId: OTHER_USER }),
      })
      expect(response.status).toBe(409)
      expect(((await response.json()) as Problem).code).toBe('CONCURRENCY')
    } finally {
      await server.close()
      await real.close()
    }
  })
})
