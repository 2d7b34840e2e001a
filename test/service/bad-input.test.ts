import { describe, expect, it } from 'vitest'
import { createTicketService, type TicketService } from '../../src/service/index.js'
import { memoryStore } from '../../src/stores/memory/index.js'
import { expectTicketError } from '../../src/testing/store-contract/expect-ticket-error.js'
import { untyped } from '../support/untyped.js'
import { ALICE, createCommand, everything, OTHER_WORKSPACE, rejectionOf, TICKET, WORKSPACE } from './service-fixtures.js'

const UNKNOWN_ULID = '01HWTCTT509VV8X9XYGPTR5N8Q'

/** A service with a ticket in each workspace, some history and a comment. */
async function populated(): Promise<TicketService> {
  const tickets = createTicketService({ store: memoryStore() })
  await tickets.execute(TICKET, createCommand(WORKSPACE, 'Cannot log in'))
  await tickets.execute(TICKET, { type: 'takeover', assigneeId: ALICE })
  await tickets.execute('9d5c2f4e-3c1a-4d7e-9f10-1a2b3c4d5e6f', createCommand(OTHER_WORKSPACE, 'Refund'))
  return tickets
}

/** The service as a JavaScript caller sees it: no types, so every call reaches the runtime validation. */
interface UntypedTickets {
  execute(...args: unknown[]): Promise<unknown>
  load(...args: unknown[]): Promise<unknown>
  events(...args: unknown[]): Promise<unknown>
  list(...args: unknown[]): Promise<unknown>
}
const untypedTickets = (tickets: TicketService): UntypedTickets => tickets as unknown as UntypedTickets

/** Calls that must fail with VALIDATION, each named for the test title. */
const badCalls: [string, (tickets: UntypedTickets) => Promise<unknown>][] = [
  // execute: the ticket id
  ['execute with a ticket id that is not a UUID', (t) => t.execute('ticket-1', { type: 'takeover', assigneeId: ALICE })],
  ['execute with a numeric ticket id', (t) => t.execute(42, { type: 'takeover', assigneeId: ALICE })],
  ['execute with no ticket id', (t) => t.execute(undefined, { type: 'takeover', assigneeId: ALICE })],
  // execute: the command
  ['execute with a null command', (t) => t.execute(TICKET, null)],
  ['execute with a command of unknown type', (t) => t.execute(TICKET, { type: 'reopen' })],
  ['execute with a command carrying an unknown key', (t) => t.execute(TICKET, { type: 'takeover', assigneeId: ALICE, force: true })],
  ['execute with a malformed assignee id', (t) => t.execute(TICKET, { type: 'assign', assigneeId: "1' OR '1'='1" })],
  [
    'execute with an over-long command id',
    (t) => t.execute(TICKET, { type: 'markViewed', userId: ALICE, meta: { commandId: 'x'.repeat(256) } }),
  ],
  [
    'execute with a prototype-polluting custom field',
    (t) => t.execute(TICKET, JSON.parse('{"type":"update","customFields":{"__proto__":{"x":1}}}')),
  ],
  // execute: the scope
  ['execute with a malformed scope workspace id', (t) => t.execute(TICKET, { type: 'markViewed', userId: ALICE }, { workspaceId: 'acme' })],
  ['execute with an unknown scope key', (t) => t.execute(TICKET, { type: 'markViewed', userId: ALICE }, { tenant: WORKSPACE })],
  // load
  ['load with a ticket id that is not a UUID', (t) => t.load('../etc/passwd')],
  ['load with an object for a ticket id', (t) => t.load({ id: TICKET })],
  ['load with a malformed scope', (t) => t.load(TICKET, undefined, { workspaceId: 7 })],
  ['load with the scope where the options go (the 0.1 order)', (t) => t.load(TICKET, { workspaceId: WORKSPACE })],
  ['load with an unknown option', (t) => t.load(TICKET, { asOf: 1 })],
  ['load at version 0', (t) => t.load(TICKET, { version: 0 })],
  ['load at a fractional version', (t) => t.load(TICKET, { version: 2.5 })],
  // execute: the options
  [
    'execute with a negative expectedVersion',
    (t) => t.execute(TICKET, { type: 'markViewed', userId: ALICE }, undefined, { expectedVersion: -1 }),
  ],
  ['execute with an unknown option', (t) => t.execute(TICKET, { type: 'markViewed', userId: ALICE }, undefined, { force: true })],
  // events
  ['events with an unknown filter key', (t) => t.events({ ticketId: TICKET })],
  ['events with limit 5000', (t) => t.events({ limit: 5000 })],
  ['events with a negative limit', (t) => t.events({ limit: -1 })],
  ['events with a fractional limit', (t) => t.events({ limit: 2.5 })],
  ['events with a limit given as text', (t) => t.events({ limit: '10' })],
  ['events with a malformed afterId', (t) => t.events({ afterId: 'not-a-ulid' })],
  ['events with an afterId that names no event', (t) => t.events({ afterId: UNKNOWN_ULID })],
  ['events with a malformed occurredAfter', (t) => t.events({ occurredAfter: 'yesterday' })],
  ['events with an occurredAfter without a time zone', (t) => t.events({ occurredAfter: '2024-05-01T09:00:00' })],
  ['events with an empty type', (t) => t.events({ type: '' })],
  ['events with a type over 255 characters', (t) => t.events({ type: 't'.repeat(256) })],
  ['events with a malformed workspace id', (t) => t.events({ workspaceId: "' OR 1=1 --" })],
  ['events with null for a query', (t) => t.events(null)],
  ['events with an array for a query', (t) => t.events([])],
  // list
  ['list with no query', (t) => t.list(undefined)],
  ['list without a workspace id', (t) => t.list({})],
  ['list with an unknown filter key', (t) => t.list({ workspaceId: WORKSPACE, responderIds: [] })],
  ['list with pageSize 0', (t) => t.list({ workspaceId: WORKSPACE, pageSize: 0 })],
  ['list with pageSize 101', (t) => t.list({ workspaceId: WORKSPACE, pageSize: 101 })],
  ['list with pageNumber 0', (t) => t.list({ workspaceId: WORKSPACE, pageNumber: 0 })],
  ['list with an unknown status', (t) => t.list({ workspaceId: WORKSPACE, status: 'open' })],
  ['list with a malformed tag id', (t) => t.list({ workspaceId: WORKSPACE, tagIds: ['vip'] })],
  ['list with a search over 200 characters', (t) => t.list({ workspaceId: WORKSPACE, search: 's'.repeat(201) })],
  ['list with a NUL in the search text', (t) => t.list({ workspaceId: WORKSPACE, search: 'refund\u0000' })],
  ['list with includeRemoved given as text', (t) => t.list({ workspaceId: WORKSPACE, includeRemoved: 'yes' })],
]

describe('bad input', () => {
  it.each(badCalls)('rejects %s with VALIDATION and changes nothing', async (_, call) => {
    const tickets = await populated()
    const before = await everything(tickets)
    const error = await rejectionOf(call(untypedTickets(tickets)))
    expect(error.code).toBe('VALIDATION')
    expect(error.issues.length).toBeGreaterThan(0)
    expect(await everything(tickets)).toEqual(before)
  })

  it('names the offending field in the issue paths', async () => {
    const tickets = await populated()
    const error = await rejectionOf(tickets.list({ workspaceId: WORKSPACE, pageSize: 0, tagIds: ['vip'] }))
    expect(error.issues.map((issue) => issue.path)).toEqual(expect.arrayContaining([['pageSize'], ['tagIds', 0]]))
    expect((await rejectionOf(untypedTickets(tickets).execute('nope', {}))).issues.map((issue) => issue.path)).toEqual([['ticketId']])
  })

  it('matches quotes and wildcards in a search literally instead of as a pattern', async () => {
    const tickets = await populated()
    await tickets.execute('8d5c2f4e-3c1a-4d7e-9f10-1a2b3c4d5e6f', createCommand(WORKSPACE, "Quote: 100%' OR 1=1 in the logs"))
    const { result } = await tickets.list({ workspaceId: WORKSPACE, search: "%' OR 1=1" })
    expect(result.map((ticket) => ticket.summary)).toEqual(["Quote: 100%' OR 1=1 in the logs"])
    expect((await tickets.list({ workspaceId: WORKSPACE, search: '%' })).result.length).toBe(1)
    expect((await tickets.list({ workspaceId: WORKSPACE, search: '_' })).result.length).toBe(0)
  })

  it.each([
    ['no store', {}],
    ['a store without its methods', { store: { name: 'broken' } }],
    ['snapshotEvery 0', { store: memoryStore(), snapshotEvery: 0 }],
    ['a negative dedupe window', { store: memoryStore(), dedupeWindowMs: -1 }],
    ['a fractional maxRetries', { store: memoryStore(), maxRetries: 1.5 }],
    ['an unknown option', { store: memoryStore(), retries: 3 }],
    ['a capability that is not a boolean', { store: { ...memoryStore(), capabilities: { supportsSnapshots: 'yes' } } }],
    [
      'a capability declared for a method the store lacks',
      { store: { ...memoryStore(), hasEvent: undefined, capabilities: { supportsHasEvent: true } } },
    ],
  ])('refuses to create a service with %s', (_, options) => {
    expect(() => createTicketService(untyped(options))).toThrow(expect.objectContaining({ code: 'VALIDATION' }))
  })

  it('refuses a clock that returns an invalid date', async () => {
    const tickets = createTicketService({ store: memoryStore(), ctx: { now: () => new Date('garbage') } })
    const error = await rejectionOf(tickets.execute(TICKET, createCommand()))
    expect(error.code).toBe('VALIDATION')
    expect(await tickets.load(TICKET)).toBeNull()
  })
})

describe('applied queries', () => {
  it('fills in the events defaults and normalises occurredAfter to UTC', async () => {
    const tickets = await populated()
    const { query } = await tickets.events({ occurredAfter: '2024-05-01T12:00:00+02:00' })
    expect(query).toEqual({ occurredAfter: '2024-05-01T10:00:00.000Z', limit: 25 })
  })

  it('returns an empty result for limit 0', async () => {
    const tickets = await populated()
    expect(await tickets.events({ limit: 0 })).toEqual({ query: { limit: 0 }, result: [] })
  })

  it('fills in the list defaults', async () => {
    const tickets = await populated()
    const { query } = await tickets.list({ workspaceId: WORKSPACE })
    expect(query).toEqual({
      workspaceId: WORKSPACE,
      assigneeIds: [],
      chatIds: [],
      tagIds: [],
      includeRemoved: false,
      pageNumber: 1,
      pageSize: 10,
    })
  })

  it('accepts a single id where the list query takes a list', async () => {
    const tickets = await populated()
    const { query, result } = await tickets.list({ workspaceId: WORKSPACE, assigneeIds: ALICE })
    expect(query.assigneeIds).toEqual([ALICE])
    expect(result.map((ticket) => ticket.id)).toEqual([TICKET])
  })
})

describe('a clock that gives no valid time', () => {
  // The service reads the clock only for a command id's window; `handle` reads it for the
  // events' time. Either way an invalid Date is refused before anything is stored.
  const brokenClock = { now: () => new Date(Number.NaN) }

  it('refuses a command that would append with VALIDATION, and stores nothing', async () => {
    const store = memoryStore()
    const tickets = createTicketService({ store, ctx: brokenClock })
    await expectTicketError(() => tickets.execute(TICKET, createCommand()), 'VALIDATION', { issuePath: 'now' })
    expect((await tickets.events()).result).toEqual([])
  })

  it('refuses a command with an id with VALIDATION before looking it up, and stores nothing', async () => {
    const store = memoryStore()
    const tickets = createTicketService({ store, ctx: brokenClock })
    const command = { ...createCommand(), meta: { commandId: 'create-1' } }
    await expectTicketError(() => tickets.execute(TICKET, command), 'VALIDATION', { issuePath: 'now' })
    expect((await tickets.events()).result).toEqual([])
    expect(await store.findCommand(TICKET, 'create-1', '1970-01-01T00:00:00.000Z')).toBeNull()
  })
})
