import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, afterEach, describe, expect, it } from 'vitest'
import type { TicketStore } from '../../src/store-contract/ticket-store.js'
import { memoryStore } from '../../src/stores/memory/index.js'
import { sqliteStore } from '../../src/stores/sqlite/index.js'
import { createPostgresTestDatabase } from '../support/postgres.js'
import { CHAT, createPendingTicket, type HttpFixture, KEY_A, startHttpFixture, TAG, TEAM, WORKSPACE_A } from './http-fixture.js'

const directory = mkdtempSync(join(tmpdir(), 'ticket-events-http-hygiene-'))
const postgres = createPostgresTestDatabase()
afterAll(async () => {
  rmSync(directory, { recursive: true, force: true })
  await postgres.dispose()
})

let files = 0
const STORES: [name: string, makeStore: () => TicketStore | Promise<TicketStore>][] = [
  ['memory', () => memoryStore()],
  ['sqlite', () => sqliteStore({ filename: join(directory, `store-${++files}.db`) })],
  [`postgres (${postgres.kind})`, () => postgres.createStore()],
]

/** An API key that authenticates as workspace A, spelled in upper case. */
const KEY_A_UPPER = 'key-workspace-a-upper'

interface Problem {
  code: string
  issues?: { path: (string | number)[]; message: string }[]
}

describe.each(STORES)('HTTP input rules on the %s store', (_, makeStore) => {
  let fixture: HttpFixture
  const start = async () => {
    fixture = await startHttpFixture({ store: await makeStore(), keys: { [KEY_A_UPPER]: WORKSPACE_A.toUpperCase() } })
    return fixture
  }
  afterEach(async () => {
    await fixture.close()
  })

  /** Asserts a `400` VALIDATION problem with an issue at `path`, and returns its issues. */
  async function expectBadRequest(response: Response, path: (string | number)[]): Promise<NonNullable<Problem['issues']>> {
    const problem = (await response.json()) as Problem
    expect(response.status, JSON.stringify(problem)).toBe(400)
    expect(problem.code).toBe('VALIDATION')
    expect(problem.issues?.map((issue) => issue.path)).toContainEqual(path)
    return problem.issues ?? []
  }

  const create = (body: unknown, headers: Record<string, string> = {}) => fixture.api('/api/v1/tickets', { method: 'POST', body, headers })
  const createBody = { chatId: CHAT, ticketingTeamId: TEAM, assigneeId: null, status: 'pending' }
  const eventCount = async () => (await fixture.service.events({ limit: 1000 })).result.length

  it('answers U+0000 in a body, an events type filter or a search with 400, and stores nothing', async () => {
    await start()
    const issues = await expectBadRequest(await create({ ...createBody, summary: 'Printer\u0000' }), ['summary'])
    expect(issues[0]?.message).toBe('Must not contain the NUL character (U+0000)')
    await expectBadRequest(await create({ ...createBody, customFields: { note: { deep: ['\u0000'] } } }), ['customFields', 'note'])
    await expectBadRequest(await fixture.api('/v2/system/events?type=%00'), ['type'])
    await expectBadRequest(await fixture.api('/api/v1/tickets/details?search=refund%00'), ['search'])
    expect(await eventCount()).toBe(0)
  })

  it('answers a lone surrogate in a JSON body with 400, and stores nothing', async () => {
    await start()
    // Written as JSON text: JSON.parse turns the escapes into lone surrogates, as it does for any client's body.
    const raw = (fields: string) => `{"chatId":"${CHAT}","ticketingTeamId":null,"assigneeId":null,"status":"pending",${fields}}`
    await expectBadRequest(await create(raw('"summary":"x\\ud83d"')), ['summary'])
    await expectBadRequest(await create(raw('"customFields":{"note":"\\udc00"}')), ['customFields', 'note'])
    expect(await eventCount()).toBe(0)
  })

  it('answers control characters in identifiers with 400, and keeps them in a summary', async () => {
    await start()
    await expectBadRequest(await fixture.api('/v2/system/events?type=ticket%3Acreated%01'), ['type'])
    await expectBadRequest(await create(createBody, { 'idempotency-key': 'create\t1' }), ['idempotency-key'])
    expect(await eventCount()).toBe(0)

    const summary = 'Printer on fire\n\tsecond line \u0001\u007f'
    const { id } = await createPendingTicket(fixture, { summary })
    const details = (await (await fixture.api(`/api/v1/tickets/${id}/details`)).json()) as { summary: string }
    expect(details.summary).toBe(summary)
    const search = encodeURIComponent('fire\n\tSECOND')
    const found = (await (await fixture.api(`/api/v1/tickets/details?search=${search}`)).json()) as { id: string }[]
    expect(found.map((ticket) => ticket.id)).toEqual([id])
  })

  it('answers an occurred_after outside years 0001–9999 in UTC with 400, and takes the edges', async () => {
    await start()
    await createPendingTicket(fixture)
    for (const time of ['9999-12-31T23:59:59-14:00', '0000-01-01T00:00:00Z', '0001-01-01T00:30:00+01:00']) {
      const issues = await expectBadRequest(await fixture.api(`/v2/system/events?occurred_after=${encodeURIComponent(time)}`), [
        'occurred_after',
      ])
      expect(issues[0]?.message).toBe('Expected a date-time between years 0001 and 9999 in UTC')
    }
    const earliest = await fixture.api(`/v2/system/events?occurred_after=${encodeURIComponent('0001-01-01T01:00:00+01:00')}`)
    expect(earliest.status).toBe(200)
    expect(await earliest.json()).toMatchObject({
      query: { occurred_after: '0001-01-01T00:00:00.000Z' },
      result: [{ type: 'ticket:created' }],
    })
    const latest = await fixture.api('/v2/system/events?occurred_after=9999-12-31T23:59:59.999Z')
    expect(await latest.json()).toMatchObject({ result: [] })
  })

  it('treats upper-case UUIDs as their lower-case form: in paths, bodies, filters and the authenticated workspace', async () => {
    await start()
    const ticketId = '5f0c8a4e-1b2d-4c3e-8f9a-0b1c2d3e4f5a'
    const created = await createPendingTicket(fixture, { ticketId: ticketId.toUpperCase(), chatId: CHAT.toUpperCase() })
    expect(created).toMatchObject({ id: ticketId, chatId: CHAT })
    const again = await create({ ...createBody, ticketId })
    expect(again.status).toBe(409)

    const tagged = await fixture.api(`/api/v1/tickets/${ticketId.toUpperCase()}/tags`, {
      method: 'POST',
      body: { tagId: TAG.toUpperCase() },
    })
    expect(await tagged.json()).toMatchObject({ ticketId, tagId: TAG })
    const byTag = await fixture.api(`/api/v1/tickets/details?tagIds=${TAG.toUpperCase()}&chatIds=${CHAT.toUpperCase()}`)
    expect(((await byTag.json()) as { id: string }[]).map((ticket) => ticket.id)).toEqual([ticketId])

    // An authenticator that answers the workspace in upper case scopes the caller to the same workspace.
    const asUpper = { headers: { authorization: KEY_A_UPPER } }
    expect((await fixture.api(`/api/v1/tickets/${ticketId}/details`, asUpper)).status).toBe(200)
    const events = (await (await fixture.api('/v2/system/events', asUpper)).json()) as { result: unknown[] }
    expect(events.result).toHaveLength((await fixture.service.events({ workspaceId: WORKSPACE_A })).result.length)
    // …and a retried create under the same Idempotency-Key names the same ticket, whichever spelling authenticated it.
    const first = await create(createBody, { 'idempotency-key': 'create-42', authorization: KEY_A })
    const retried = await create(createBody, { 'idempotency-key': 'create-42', authorization: KEY_A_UPPER })
    expect(retried.status).toBe(200)
    expect(((await retried.json()) as { id: string }).id).toBe(((await first.json()) as { id: string }).id)
  })

  it('matches search text literally: quotes, wildcards, ";", "--" and comment markers match themselves', async () => {
    await start()
    const ids: Record<string, string> = {}
    for (const summary of ['refund -- urgent', '50% off; refund', "O'Brien /* vip */", 'order_id missing']) {
      ids[summary] = (await createPendingTicket(fixture, { summary })).id
    }
    const search = async (text: string) => {
      const response = await fixture.api(`/api/v1/tickets/details?search=${encodeURIComponent(text)}`)
      expect(response.status).toBe(200)
      return ((await response.json()) as { id: string }[]).map((ticket) => ticket.id)
    }
    expect(await search('refund -- urgent')).toEqual([ids['refund -- urgent']])
    expect(await search('50% off; refund')).toEqual([ids['50% off; refund']])
    expect(await search("o'brien /* VIP */")).toEqual([ids["O'Brien /* vip */"]])
    expect(await search('%')).toEqual([ids['50% off; refund']])
    expect(await search('_')).toEqual([ids['order_id missing']])
    expect(await search("'; DROP TABLE tickets; --")).toEqual([])
  })

  it('says a missing field is missing, and where null is allowed says so', async () => {
    await start()
    const { chatId: _, assigneeId: __, ...partial } = createBody
    const issues = await expectBadRequest(await create(partial), ['chatId'])
    expect(issues).toEqual([
      { path: ['chatId'], message: 'Missing required value: expected a UUID', code: 'invalid_type' },
      { path: ['assigneeId'], message: 'Missing required value: expected a UUID, or null for none', code: 'invalid_type' },
    ])
  })
})
