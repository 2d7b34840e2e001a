import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import {
  CHAT,
  createPendingTicket,
  type HttpFixture,
  KEY_B,
  OTHER_CHAT,
  OTHER_TAG,
  OTHER_USER,
  startHttpFixture,
  TAG,
  TEAM,
  USER,
  WORKSPACE_A,
} from './http-fixture.js'

const RECORD_KEYS = [
  'assigneeId',
  'chatId',
  'circumstance',
  'completedAt',
  'createdAt',
  'id',
  'lastViewedAt',
  'ongoingAt',
  'status',
  'summary',
  'ticketingTeamId',
  'updatedAt',
]

const DETAILS_KEYS = [
  'assigneeEmail',
  'assigneeId',
  'assigneeName',
  'assigneePicture',
  'channelId',
  'channelName',
  'channelType',
  'chatId',
  'chatIsRemoved',
  'chatOwnerId',
  'completedAt',
  'createdAt',
  'id',
  'isOwnerBlocked',
  'ongoingAt',
  'ownerEmail',
  'ownerEntity',
  'ownerIdentifier',
  'ownerName',
  'pendingChatMessages',
  'responderEntity',
  'responderId',
  'responderName',
  'responderPicture',
  'responderVersionId',
  'responderVersionNumber',
  'status',
  'summary',
  'ticketingTeamId',
  'ticketingTeamName',
  'ticketingTeamPicture',
  'workspaceId',
]

let fixture: HttpFixture
beforeEach(async () => {
  fixture = await startHttpFixture()
})
afterEach(async () => {
  await fixture.close()
})

describe('POST /api/v1/tickets', () => {
  it('creates a ticket in the caller’s workspace and answers the seed’s ticket record', async () => {
    const response = await fixture.api('/api/v1/tickets', {
      method: 'POST',
      body: { chatId: CHAT, ticketingTeamId: TEAM, assigneeId: USER, status: 'pending', priority: 'high' },
    })
    expect(response.status).toBe(200)
    expect(response.headers.get('content-type')).toBe('application/json')
    const record = (await response.json()) as Record<string, unknown>
    expect(Object.keys(record).sort()).toEqual(RECORD_KEYS)
    expect(record).toMatchObject({
      chatId: CHAT,
      ticketingTeamId: TEAM,
      assigneeId: USER,
      status: 'pending',
      circumstance: 'handover',
      summary: '',
      completedAt: null,
      lastViewedAt: null,
      ongoingAt: null,
    })
    const stored = await fixture.service.load(record['id'] as string)
    expect(stored?.workspaceId).toBe(WORKSPACE_A)
    expect(stored?.priority).toBe('high')
    expect(response.headers.get('location')).toBe(`/api/v1/tickets/${record['id']}/details`)
  })

  it('records the command as coming through the API', async () => {
    const record = await createPendingTicket(fixture)
    const { result } = await fixture.service.events({ workspaceId: WORKSPACE_A })
    const created = result.find((event) => event.ticketId === record.id)
    expect(created?.meta.via).toEqual({ channel: 'api' })
    expect(created?.meta.actor).toEqual({ type: 'system', id: 'api' })
  })

  it('creates one ticket for a request retried with the same Idempotency-Key', async () => {
    const send = () =>
      fixture.api('/api/v1/tickets', {
        method: 'POST',
        headers: { 'idempotency-key': 'create-42' },
        body: { chatId: CHAT, ticketingTeamId: null, assigneeId: null, status: 'pending' },
      })
    const first = (await (await send()).json()) as { id: string }
    const second = (await (await send()).json()) as { id: string }
    expect(second.id).toBe(first.id)
    const { result } = await fixture.service.list({ workspaceId: WORKSPACE_A })
    expect(result).toHaveLength(1)
    const { result: events } = await fixture.service.events({ workspaceId: WORKSPACE_A })
    expect(events.map((event) => event.meta.commandId)).toEqual(['create-42'])
  })
})

describe('GET /api/v1/tickets/{id}/details', () => {
  it('answers every field of the seed’s details view, with defaults for what lives outside the ticket', async () => {
    const { id } = await createPendingTicket(fixture, { summary: 'Card declined' })
    const response = await fixture.api(`/api/v1/tickets/${id}/details`)
    expect(response.status).toBe(200)
    const details = (await response.json()) as Record<string, unknown>
    expect(Object.keys(details).sort()).toEqual(DETAILS_KEYS)
    expect(details).toMatchObject({
      id,
      workspaceId: WORKSPACE_A,
      chatId: CHAT,
      summary: 'Card declined',
      status: 'pending',
      assigneeName: null,
      chatIsRemoved: false,
      pendingChatMessages: 0,
      responderName: '',
      responderId: null,
    })
  })

  it('takes the outside fields from resolveDetails but never lets it overwrite the ticket’s own', async () => {
    await fixture.close()
    fixture = await startHttpFixture({
      resolveDetails: (ticket) => ({
        assigneeName: `Agent of ${ticket.chatId.slice(0, 4)}`,
        pendingChatMessages: 3,
        responderId: USER,
        ...({ status: 'completed', id: 'forged' } as object),
      }),
    })
    const { id } = await createPendingTicket(fixture)
    const details = (await (await fixture.api(`/api/v1/tickets/${id}/details`)).json()) as Record<string, unknown>
    expect(details).toMatchObject({
      id,
      status: 'pending',
      assigneeName: `Agent of ${CHAT.slice(0, 4)}`,
      pendingChatMessages: 3,
      responderId: USER,
    })
  })

  it('answers 404 for another workspace’s ticket, exactly as for a missing one', async () => {
    const { id } = await createPendingTicket(fixture)
    const foreign = await fixture.api(`/api/v1/tickets/${id}/details`, { headers: { authorization: KEY_B } })
    const missing = await fixture.api(`/api/v1/tickets/${OTHER_USER}/details`, { headers: { authorization: KEY_B } })
    expect(foreign.status).toBe(404)
    expect(missing.status).toBe(404)
    const foreignBody = (await foreign.json()) as { code: string; detail: string }
    const missingBody = (await missing.json()) as { code: string; detail: string }
    expect(foreignBody.code).toBe('NOT_FOUND')
    expect(foreignBody.detail).toBe(missingBody.detail.replace(OTHER_USER, id))
  })

  it('answers 410 for a deleted ticket', async () => {
    const { id } = await createPendingTicket(fixture)
    await fixture.service.execute(id, { type: 'delete' })
    const response = await fixture.api(`/api/v1/tickets/${id}/details`)
    expect(response.status).toBe(410)
    expect(((await response.json()) as { code: string }).code).toBe('DELETED')
  })
})

describe('GET /api/v1/tickets/details', () => {
  it('lists the caller’s tickets as details, filtered and paged', async () => {
    const first = await createPendingTicket(fixture, { chatId: CHAT })
    const second = await createPendingTicket(fixture, { chatId: OTHER_CHAT })
    await createPendingTicket(fixture, { chatId: OTHER_CHAT }, KEY_B)
    await fixture.api(`/api/v1/tickets/${second.id}/takeover`, { method: 'PATCH', body: { assigneeId: USER } })

    const all = (await (await fixture.api('/api/v1/tickets/details')).json()) as { id: string; workspaceId: string }[]
    expect(all.map((row) => row.id).sort()).toEqual([first.id, second.id].sort())
    expect(all.every((row) => row.workspaceId === WORKSPACE_A)).toBe(true)

    const ongoing = (await (await fixture.api('/api/v1/tickets/details?status=ongoing')).json()) as { id: string }[]
    expect(ongoing.map((row) => row.id)).toEqual([second.id])

    const paged = (await (await fixture.api('/api/v1/tickets/details?pageSize=1&pageNumber=2')).json()) as { id: string }[]
    expect(paged).toHaveLength(1)
    const pageOne = (await (await fixture.api('/api/v1/tickets/details?pageSize=1&pageNumber=1')).json()) as { id: string }[]
    expect(pageOne[0]?.id).not.toBe(paged[0]?.id)
  })

  it('links a full page of the list to the next one by cursor, and the last page to none', async () => {
    const created = [await createPendingTicket(fixture, { chatId: CHAT }), await createPendingTicket(fixture, { chatId: CHAT })]
    await createPendingTicket(fixture, { chatId: CHAT })
    const all = (await (await fixture.api('/api/v1/tickets/details?status=pending')).json()) as { id: string }[]
    expect(all).toHaveLength(3)

    const seen: string[] = []
    let next: string | null = '/api/v1/tickets/details?status=pending&pageSize=2&pageNumber=1'
    for (let guard = 0; next !== null && guard < 5; guard++) {
      const response = await fixture.api(next)
      expect(response.status).toBe(200)
      seen.push(...((await response.json()) as { id: string }[]).map((row) => row.id))
      const link = response.headers.get('link')
      next = link === null ? null : (/^<([^>]+)>; rel="next"$/.exec(link)?.[1] ?? 'malformed')
      if (next !== null) {
        // The same filters, the cursor, and no pageNumber.
        const url = new URL(next, 'http://localhost')
        expect(url.searchParams.get('status')).toBe('pending')
        expect(url.searchParams.has('pageNumber')).toBe(false)
        expect(url.searchParams.get('cursor')).toMatch(/^[\w-]+$/)
      }
    }
    expect(seen).toEqual(all.map((row) => row.id))
    expect(created.every((ticket) => seen.includes(ticket.id))).toBe(true)

    const malformed = await fixture.api('/api/v1/tickets/details?cursor=not-a-cursor')
    expect(malformed.status).toBe(400)
    const firstLink = (await fixture.api('/api/v1/tickets/details?pageSize=1')).headers.get('link') ?? ''
    const cursor = new URL(/<([^>]+)>/.exec(firstLink)?.[1] ?? '', 'http://localhost').searchParams.get('cursor')
    const both = await fixture.api(`/api/v1/tickets/details?pageNumber=2&cursor=${cursor}`)
    expect(both.status).toBe(400)
  })

  it('accepts a list parameter repeated, given once, or in the bracket style', async () => {
    const first = await createPendingTicket(fixture, { chatId: CHAT })
    const second = await createPendingTicket(fixture, { chatId: OTHER_CHAT })
    const ids = async (query: string) =>
      ((await (await fixture.api(`/api/v1/tickets/details?${query}`)).json()) as { id: string }[]).map((row) => row.id).sort()

    expect(await ids(`chatIds=${CHAT}`)).toEqual([first.id])
    expect(await ids(`chatIds=${CHAT}&chatIds=${OTHER_CHAT}`)).toEqual([first.id, second.id].sort())
    expect(await ids(`chatIds[]=${OTHER_CHAT}`)).toEqual([second.id])
    expect(await ids(`chatIds%5B%5D=${CHAT}&chatIds%5B%5D=${OTHER_CHAT}`)).toEqual([first.id, second.id].sort())
  })

  it('filters by tags and by the search text', async () => {
    const tagged = await createPendingTicket(fixture, { summary: 'Refund please' })
    await createPendingTicket(fixture, { summary: 'Password reset' })
    await fixture.api(`/api/v1/tickets/${tagged.id}/tags`, { method: 'POST', body: { tagId: TAG } })
    const byTag = (await (await fixture.api(`/api/v1/tickets/details?tagIds=${TAG}&tagIds=${OTHER_TAG}`)).json()) as { id: string }[]
    expect(byTag.map((row) => row.id)).toEqual([tagged.id])
    const bySearch = (await (await fixture.api('/api/v1/tickets/details?search=refund')).json()) as { id: string }[]
    expect(bySearch.map((row) => row.id)).toEqual([tagged.id])
  })

  it('narrows by responder using what resolveDetails answers', async () => {
    await fixture.close()
    const responders = new Map<string, string>()
    fixture = await startHttpFixture({ resolveDetails: (ticket) => ({ responderId: responders.get(ticket.id) ?? null }) })
    const answered = await createPendingTicket(fixture)
    await createPendingTicket(fixture)
    responders.set(answered.id, USER)
    const rows = (await (await fixture.api(`/api/v1/tickets/details?responderIds=${USER}`)).json()) as { id: string }[]
    expect(rows.map((row) => row.id)).toEqual([answered.id])
  })
})

describe('PATCH routes', () => {
  it('takes a pending ticket over, recording the assignee as the actor', async () => {
    const { id } = await createPendingTicket(fixture)
    const response = await fixture.api(`/api/v1/tickets/${id}/takeover`, { method: 'PATCH', body: { assigneeId: USER } })
    expect(response.status).toBe(200)
    const record = (await response.json()) as Record<string, unknown>
    expect(Object.keys(record).sort()).toEqual(RECORD_KEYS)
    expect(record).toMatchObject({ id, status: 'ongoing', assigneeId: USER })
    expect(record['ongoingAt']).toEqual(expect.any(String))
    const { result } = await fixture.service.events({ workspaceId: WORKSPACE_A, type: 'ticket:updated' })
    expect(result.at(-1)?.meta.actor).toEqual({ type: 'user', id: USER })
  })

  it('changes the assignee', async () => {
    const { id } = await createPendingTicket(fixture, { assigneeId: USER })
    const response = await fixture.api(`/api/v1/tickets/${id}/assignee`, { method: 'PATCH', body: { assigneeId: OTHER_USER } })
    expect(response.status).toBe(200)
    expect(await response.json()).toMatchObject({ id, assigneeId: OTHER_USER, status: 'pending' })
  })

  it('completes a ticket', async () => {
    const { id } = await createPendingTicket(fixture)
    const response = await fixture.api(`/api/v1/tickets/${id}/complete`, { method: 'PATCH', body: { userId: USER } })
    expect(response.status).toBe(200)
    const record = (await response.json()) as Record<string, unknown>
    expect(record).toMatchObject({ id, status: 'completed' })
    expect(record['completedAt']).toEqual(expect.any(String))
  })

  it('answers 404 when the ticket belongs to another workspace, and changes nothing', async () => {
    const { id } = await createPendingTicket(fixture)
    const response = await fixture.api(`/api/v1/tickets/${id}/takeover`, {
      method: 'PATCH',
      headers: { authorization: KEY_B },
      body: { assigneeId: USER },
    })
    expect(response.status).toBe(404)
    expect((await fixture.service.load(id))?.status).toBe('pending')
  })
})

describe('tag routes', () => {
  it('attaches a tag and answers the seed’s tag record', async () => {
    const { id } = await createPendingTicket(fixture)
    const response = await fixture.api(`/api/v1/tickets/${id}/tags`, { method: 'POST', body: { tagId: TAG } })
    expect(response.status).toBe(200)
    const body = (await response.json()) as Record<string, unknown>
    expect(Object.keys(body).sort()).toEqual(['createdAt', 'tagId', 'ticketId', 'updatedAt'])
    expect(body).toMatchObject({ tagId: TAG, ticketId: id })
    expect((await fixture.service.load(id))?.tags).toEqual([TAG])
  })

  it('removes a tag and answers a message', async () => {
    const { id } = await createPendingTicket(fixture, { tags: [TAG] })
    const response = await fixture.api(`/api/v1/tickets/${id}/tags/${TAG}`, { method: 'DELETE' })
    expect(response.status).toBe(200)
    expect(await response.json()).toEqual({ message: `Tag ${TAG} was removed from ticket ${id}.` })
    expect((await fixture.service.load(id))?.tags).toEqual([])
  })

  it('removing a tag that is not there changes nothing and says so', async () => {
    const { id } = await createPendingTicket(fixture)
    const response = await fixture.api(`/api/v1/tickets/${id}/tags/${TAG}`, { method: 'DELETE' })
    expect(response.status).toBe(200)
    expect(((await response.json()) as { message: string }).message).toContain('nothing changed')
  })

  it('answers 404 for tagging another workspace’s ticket', async () => {
    const { id } = await createPendingTicket(fixture)
    const response = await fixture.api(`/api/v1/tickets/${id}/tags`, {
      method: 'POST',
      headers: { authorization: KEY_B },
      body: { tagId: TAG },
    })
    expect(response.status).toBe(404)
    expect((await fixture.service.load(id))?.tags).toEqual([])
  })
})

describe('basePath', () => {
  it('serves the routes under the prefix and nothing outside it', async () => {
    await fixture.close()
    fixture = await startHttpFixture({ basePath: '/support/' })
    const created = await fixture.api('/support/api/v1/tickets', {
      method: 'POST',
      body: { chatId: CHAT, ticketingTeamId: null, assigneeId: null, status: 'pending' },
    })
    expect(created.status).toBe(200)
    expect((await fixture.api('/api/v1/tickets/details')).status).toBe(404)
    expect((await fixture.api('/support/api/v1/tickets/details')).status).toBe(200)
  })
})
