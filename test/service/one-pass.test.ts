/**
 * One pass per command: each call validates its input exactly once, and decides a
 * command once per state it decides on. The zod entry point (`safeParse`) and the
 * service's way into `handle` (`handleParsed`) are wrapped with pass-through spies, so
 * the tests count what really runs.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import * as z from 'zod/mini'
import { handleParsed as spiedDecision } from '../../src/core/reducer/handle.js'
import { createTicketHandler } from '../../src/http/index.js'
import { handle, parseCommand, type TicketService, type TicketStore } from '../../src/index.js'
import { commandSchema, eventsQuerySchema, tagCommandSchema, takeoverCommandSchema } from '../../src/schemas/index.js'
import { createTicketService } from '../../src/service/index.js'
import { memoryStore } from '../../src/stores/memory/index.js'
import { given, handleUntyped, rejection } from '../support/core-fixtures.js'
import { untyped } from '../support/untyped.js'
import { ALICE, BOB, createCommand, TICKET, WORKSPACE } from './service-fixtures.js'

vi.mock('zod/mini', async (importOriginal) => {
  const zod = await importOriginal<typeof import('zod/mini')>()
  return { ...zod, safeParse: vi.fn(zod.safeParse) }
})
vi.mock('../../src/core/reducer/handle.js', async (importOriginal) => {
  const module = await importOriginal<typeof import('../../src/core/reducer/handle.js')>()
  // The service decides through `handleParsed` (`handle` without the parse), so counting its calls counts decisions.
  return { ...module, handleParsed: vi.fn(module.handleParsed) }
})

const safeParse = vi.mocked(z.safeParse)
/** How many times `schema` ran since the last reset. */
const parsesOf = (schema: unknown): number => safeParse.mock.calls.filter(([used]) => used === schema).length
const decisions = (): number => vi.mocked(spiedDecision).mock.calls.length

/** A store without `currentVersion`, so a cached state can only be confirmed by a reload. */
function withoutCurrentVersion(store: TicketStore): TicketStore {
  const { currentVersion: _, ...rest } = store
  return rest as TicketStore
}

async function ticketWithTag(store: TicketStore = memoryStore()): Promise<TicketService> {
  const tickets = createTicketService({ store })
  await tickets.execute(TICKET, createCommand())
  await tickets.execute(TICKET, { type: 'tag', tagId: BOB })
  return tickets
}

beforeEach(() => {
  safeParse.mockClear()
  vi.mocked(spiedDecision).mockClear()
})
afterEach(() => vi.clearAllMocks())

describe('validating once', () => {
  it('parses a plain command once when handle gets it', () => {
    const { state } = given(createCommand())
    safeParse.mockClear()
    handle(state, { type: 'tag', tagId: ALICE })
    expect(parsesOf(commandSchema)).toBe(1)
  })

  it('trusts what parseCommand returned: handle does not parse it again', () => {
    const { state } = given(createCommand())
    const command = parseCommand({ type: 'tag', tagId: ALICE })
    safeParse.mockClear()
    handle(state, command)
    expect(parsesOf(commandSchema)).toBe(0)
  })

  it('still parses a plain copy of a parsed command: trust is by identity, not by shape or type', () => {
    const { state } = given(createCommand())
    const parsed = parseCommand({ type: 'tag', tagId: ALICE })
    // A copy with one field changed is a new object: it is validated, and refused.
    const altered = { ...parsed, tagId: 'not-a-uuid' }
    expect(rejection(() => handle(state, altered)).code).toBe('VALIDATION')
    expect(parsesOf(commandSchema)).toBeGreaterThanOrEqual(2)
  })

  it('parses a command once per execute, the service and handle together', async () => {
    const tickets = await ticketWithTag()
    safeParse.mockClear()
    await tickets.execute(TICKET, { type: 'assign', assigneeId: ALICE })
    expect(parsesOf(commandSchema)).toBe(1)
  })

  it('parses a request body once on its way from HTTP through the service to handle', async () => {
    const tickets = await ticketWithTag()
    const handler = createTicketHandler({ service: tickets, authenticate: () => ({ workspaceId: WORKSPACE }) })
    safeParse.mockClear()
    const response = await handler(
      new Request(`http://localhost/api/v1/tickets/${TICKET}/takeover`, {
        method: 'PATCH',
        headers: { authorization: 'key', 'content-type': 'application/json' },
        body: JSON.stringify({ assigneeId: ALICE }),
      }),
    )
    expect(response.status).toBe(200)
    expect(parsesOf(takeoverCommandSchema)).toBe(1)
    expect(parsesOf(commandSchema)).toBe(0)
    const tag = await handler(
      new Request(`http://localhost/api/v1/tickets/${TICKET}/tags`, {
        method: 'POST',
        headers: { authorization: 'key', 'content-type': 'application/json' },
        body: JSON.stringify({ tagId: ALICE }),
      }),
    )
    expect(tag.status).toBe(200)
    expect(parsesOf(tagCommandSchema)).toBe(1)
    expect(parsesOf(commandSchema)).toBe(0)
  })

  it('parses the events query once on HTTP, in its wire form, and not again in the service', async () => {
    const tickets = await ticketWithTag()
    const handler = createTicketHandler({ service: tickets, authenticate: () => ({ workspaceId: WORKSPACE }) })
    safeParse.mockClear()
    const response = await handler(
      new Request('http://localhost/v2/system/events?limit=10&occurred_after=2020-01-01T02:00:00%2B02:00&type=ticket:created', {
        headers: { authorization: 'key' },
      }),
    )
    expect(response.status).toBe(200)
    const body = (await response.json()) as { query: unknown; result: unknown[] }
    expect(body.query).toEqual({ limit: 10, occurred_after: '2020-01-01T00:00:00.000Z', type: 'ticket:created' })
    expect(body.result).toHaveLength(1)
    expect(parsesOf(eventsQuerySchema)).toBe(0)
  })

  it('parses a query a caller passes to events() once, and trusts the applied query it answered with', async () => {
    const tickets = await ticketWithTag()
    safeParse.mockClear()
    const page = await tickets.events({ workspaceId: WORKSPACE, limit: 1 })
    expect(parsesOf(eventsQuerySchema)).toBe(1)
    await tickets.events(page.query)
    expect(parsesOf(eventsQuerySchema)).toBe(1)
    // A plain copy is parsed again (and refused when it does not fit).
    await expect(tickets.events(untyped({ ...page.query, limit: 5000 }))).rejects.toMatchObject({ code: 'VALIDATION' })
  })

  it('answers with frozen applied queries, which it can trust, and leaves the caller’s objects alone', async () => {
    const tickets = await ticketWithTag()
    const tagIds = [BOB]
    const listed = await tickets.list({ workspaceId: WORKSPACE, tagIds })
    expect(listed.result).toHaveLength(1)
    expect(Object.isFrozen(listed.query)).toBe(true)
    expect(Object.isFrozen(listed.query.tagIds)).toBe(true)
    expect(Object.isFrozen(tagIds)).toBe(false)
    expect(Object.isFrozen((await tickets.events()).query)).toBe(true)
  })
})

describe('deciding once', () => {
  it('decides a no-op on a cached state once when the store confirms the state is current', async () => {
    const tickets = await ticketWithTag()
    vi.mocked(spiedDecision).mockClear()
    const { events } = await tickets.execute(TICKET, { type: 'tag', tagId: BOB })
    expect(events).toEqual([])
    expect(decisions()).toBe(1)
  })

  it('decides a rejection on a cached state once when the store confirms the state is current', async () => {
    const tickets = await ticketWithTag()
    await tickets.execute(TICKET, { type: 'complete', userId: ALICE })
    vi.mocked(spiedDecision).mockClear()
    await expect(tickets.execute(TICKET, { type: 'complete', userId: ALICE })).rejects.toMatchObject({ code: 'INVALID_TRANSITION' })
    expect(decisions()).toBe(1)
  })

  it('decides a no-op once on a store without currentVersion: the reload finds the same version', async () => {
    const tickets = await ticketWithTag(withoutCurrentVersion(memoryStore()))
    vi.mocked(spiedDecision).mockClear()
    expect((await tickets.execute(TICKET, { type: 'tag', tagId: BOB })).events).toEqual([])
    expect(decisions()).toBe(1)
  })

  it('decides again on the fresh state when the cached one was stale, and the fresh decision wins', async () => {
    const store = memoryStore()
    const mine = await ticketWithTag(store)
    const theirs = createTicketService({ store })
    await theirs.execute(TICKET, { type: 'untag', tagId: BOB })
    vi.mocked(spiedDecision).mockClear()
    // On my cached state the tag is there (a no-op); on the store's it is not.
    const { events, state } = await mine.execute(TICKET, { type: 'tag', tagId: BOB })
    expect(events.map((event) => event.type)).toContain('ticket:tag:updated')
    expect(state.tags).toEqual([BOB])
    expect(decisions()).toBe(2)
  })

  it('answers a JavaScript caller’s junk with VALIDATION before deciding anything', async () => {
    const tickets = await ticketWithTag()
    vi.mocked(spiedDecision).mockClear()
    await expect(tickets.execute(TICKET, untyped({ type: 'tag', tagId: 42 }))).rejects.toMatchObject({ code: 'VALIDATION' })
    expect(decisions()).toBe(0)
    expect(() => handleUntyped(null, { type: 'nope' })).toThrow(expect.objectContaining({ code: 'VALIDATION' }))
  })
})
