import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { createTicketHandler } from '../../src/http/index.js'
import { createTicketService } from '../../src/service/create-ticket-service.js'
import { memoryStore } from '../../src/stores/memory/index.js'
import { createPendingTicket, type HttpFixture, KEY_A, KEY_B, serveHandler, startHttpFixture, TAG, USER } from './http-fixture.js'

interface AuditsPage {
  query: Record<string, unknown>
  result: { id: string; version: number; events: { id: string; type: string; field_name?: string }[] }[]
}

let fixture: HttpFixture
beforeEach(async () => {
  fixture = await startHttpFixture()
})
afterEach(async () => {
  await fixture.close()
})

async function audits(id: string, query = ''): Promise<AuditsPage> {
  const response = await fixture.api(`/api/v1/tickets/${id}/audits${query}`)
  expect(response.status).toBe(200)
  return (await response.json()) as AuditsPage
}

describe('GET /api/v1/tickets/{id}/audits', () => {
  it('answers the audit records in their snake_case wire form, in version order, with the applied query', async () => {
    const { id } = await createPendingTicket(fixture)
    await fixture.api(`/api/v1/tickets/${id}/takeover`, { method: 'PATCH', body: { assigneeId: USER } })
    await fixture.api(`/api/v1/tickets/${id}/tags`, { method: 'POST', body: { tagId: TAG } })
    const body = await audits(id)
    expect(body.query).toEqual({ limit: 25 })
    const stored = (await fixture.service.audits(id, { limit: 1000 })).result
    expect(body.result).toEqual(
      stored.map((audit) => ({
        id: audit.id,
        ticket_id: audit.ticketId,
        version: audit.version,
        created_at: audit.createdAt,
        author_id: audit.authorId,
        via: audit.via,
        event_ids: audit.eventIds,
        events: audit.events,
      })),
    )
    expect(body.result.map((audit) => audit.version)).toEqual([1, 4, 6])
    expect(body.result[1]?.events.map((event) => [event.id, event.field_name])).toEqual([
      [`${body.result[1]?.id}.1`, 'status'],
      [`${body.result[1]?.id}.2`, 'assignee_id'],
    ])
  })

  it('pages with after_id and limit, each audit once', async () => {
    const { id } = await createPendingTicket(fixture)
    await fixture.api(`/api/v1/tickets/${id}/takeover`, { method: 'PATCH', body: { assigneeId: USER } })
    await fixture.api(`/api/v1/tickets/${id}/tags`, { method: 'POST', body: { tagId: TAG } })
    const all = (await audits(id)).result.map((audit) => audit.id)
    const first = await audits(id, '?limit=2')
    expect(first.query).toEqual({ limit: 2 })
    const rest = await audits(id, `?limit=2&after_id=${first.result[1]?.id}`)
    expect(rest.query).toEqual({ limit: 2, after_id: first.result[1]?.id })
    expect([...first.result, ...rest.result].map((audit) => audit.id)).toEqual(all)
  })

  it("answers 404 for a missing ticket and for another workspace's, and still serves a deleted ticket's trail", async () => {
    const { id } = await createPendingTicket(fixture)
    const foreign = await fixture.api(`/api/v1/tickets/${id}/audits`, { headers: { authorization: KEY_B } })
    expect(foreign.status).toBe(404)
    expect(foreign.headers.get('content-type')).toBe('application/problem+json')
    expect(await foreign.json()).toMatchObject({ code: 'NOT_FOUND', status: 404 })
    const missing = await fixture.api('/api/v1/tickets/0f0e0d0c-0b0a-4908-8706-050403020100/audits')
    expect(missing.status).toBe(404)

    await fixture.service.execute(id, { type: 'delete' })
    const body = await audits(id)
    expect(body.result.at(-1)?.events).toMatchObject([{ type: 'Change', field_name: 'deleted' }])
  })

  it('rejects a limit out of range, a malformed after_id, an unknown parameter and a malformed id with problem+json 400', async () => {
    const { id } = await createPendingTicket(fixture)
    const response = await fixture.api(`/api/v1/tickets/${id}/audits?limit=0&after_id=nope&afterId=x`)
    expect(response.status).toBe(400)
    expect(response.headers.get('content-type')).toBe('application/problem+json')
    const problem = (await response.json()) as { issues: { path: string[] }[] }
    expect(problem.issues.map((issue) => issue.path.join('.')).sort()).toEqual(['afterId', 'after_id', 'limit'])
    expect((await fixture.api(`/api/v1/tickets/${id}/audits?limit=1001`)).status).toBe(400)
    // An audit id of another ticket is no cursor here.
    const other = await createPendingTicket(fixture)
    const [otherAudit] = (await audits(other.id)).result
    expect((await fixture.api(`/api/v1/tickets/${id}/audits?after_id=${otherAudit?.id}`)).status).toBe(400)
    expect((await fixture.api('/api/v1/tickets/not-a-uuid/audits')).status).toBe(400)
  })

  it('answers 501 when the store offers no audits', async () => {
    const { readAudits: _readAudits, ...withoutAudits } = memoryStore()
    const handler = createTicketHandler({
      service: createTicketService({ store: withoutAudits }),
      authenticate: (authorization) => (authorization === KEY_A ? { workspaceId: '3b241101-e2bb-4255-8caf-4136c566a962' } : null),
      onError: () => {},
    })
    const served = await serveHandler(handler)
    try {
      const response = await fetch(`${served.url}/api/v1/tickets/0f0e0d0c-0b0a-4908-8706-050403020100/audits`, {
        headers: { authorization: KEY_A },
      })
      expect(response.status).toBe(501)
      expect(await response.json()).toMatchObject({ code: 'UNSUPPORTED', status: 501 })
    } finally {
      await served.close()
    }
  })
})
