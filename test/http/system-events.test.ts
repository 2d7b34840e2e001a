import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { createPendingTicket, type HttpFixture, KEY_B, startHttpFixture, USER, WORKSPACE_A } from './http-fixture.js'

interface WireEvent {
  id: string
  type: string
  occurred_at: string
  payload: Record<string, unknown>
}
interface EventsPage {
  query: Record<string, unknown>
  result: WireEvent[]
}

let fixture: HttpFixture
beforeEach(async () => {
  fixture = await startHttpFixture()
})
afterEach(async () => {
  await fixture.close()
})

async function page(query: string, authorization?: string): Promise<EventsPage> {
  const response = await fixture.api(`/v2/system/events${query}`, authorization === undefined ? {} : { headers: { authorization } })
  expect(response.status).toBe(200)
  return (await response.json()) as EventsPage
}

describe('GET /v2/system/events', () => {
  it('answers the events API wire form with the applied query and its default limit', async () => {
    const { id } = await createPendingTicket(fixture)
    const body = await page('')
    expect(body.query).toEqual({ limit: 25 })
    expect(body.result).toHaveLength(1)
    const [event] = body.result
    expect(Object.keys(event ?? {}).sort()).toEqual(['id', 'occurred_at', 'payload', 'type'])
    expect(event).toMatchObject({ type: 'ticket:created', id: expect.stringMatching(/^[0-9A-HJKMNP-TV-Z]{26}$/) })
    expect(event?.payload['ticket']).toMatchObject({ id })
  })

  it('pages through the log by after_id, seeing every event once, in order', async () => {
    for (let index = 0; index < 3; index++) {
      const { id } = await createPendingTicket(fixture)
      await fixture.api(`/api/v1/tickets/${id}/takeover`, { method: 'PATCH', body: { assigneeId: USER } })
    }
    const { result: expected } = await fixture.service.events({ workspaceId: WORKSPACE_A, limit: 1000 })
    expect(expected.length).toBeGreaterThan(4)

    const seen: string[] = []
    let afterId: string | undefined
    for (;;) {
      const body = await page(`?limit=4${afterId === undefined ? '' : `&after_id=${afterId}`}`)
      expect(body.query).toEqual({ limit: 4, ...(afterId === undefined ? {} : { after_id: afterId }) })
      seen.push(...body.result.map((event) => event.id))
      if (body.result.length < 4) break
      afterId = body.result.at(-1)?.id
    }
    expect(seen).toEqual(expected.map((event) => event.id))
  })

  it('filters by type and occurred_after', async () => {
    const { id } = await createPendingTicket(fixture)
    await fixture.api(`/api/v1/tickets/${id}/takeover`, { method: 'PATCH', body: { assigneeId: USER } })
    const assigned = await page('?type=ticket:assigned')
    expect(assigned.query).toEqual({ limit: 25, type: 'ticket:assigned' })
    expect(assigned.result.map((event) => event.type)).toEqual(['ticket:assigned'])

    const future = await page('?occurred_after=2999-01-01T00:00:00Z')
    expect(future.result).toEqual([])
    expect(future.query['occurred_after']).toEqual(expect.stringMatching(/^2999-01-01T00:00:00/))
  })

  it('shows each workspace only its own events', async () => {
    await createPendingTicket(fixture)
    await createPendingTicket(fixture, {}, KEY_B)
    const mine = await page('')
    const theirs = await page('', KEY_B)
    expect(mine.result).toHaveLength(1)
    expect(theirs.result).toHaveLength(1)
    expect(mine.result[0]?.id).not.toBe(theirs.result[0]?.id)
  })

  it('rejects a limit out of range, a malformed after_id and unknown parameters with their names as paths', async () => {
    const response = await fixture.api('/v2/system/events?limit=5000&after_id=nope&afterId=x')
    expect(response.status).toBe(400)
    const problem = (await response.json()) as { issues: { path: string[] }[] }
    expect(problem.issues.map((issue) => issue.path.join('.')).sort()).toEqual(['afterId', 'after_id', 'limit'])
  })
})
