import { expect } from 'vitest'
import type { ContractContext } from './contract-context.js'
import type { DefineContractTest } from './contract-test.js'
import { chatId, createTicketCommand, tagCommand, tagId, ticketId, userId, WORKSPACE_A, WORKSPACE_B } from './fixtures.js'
import { observeStore } from './observe-store.js'

/** The list fixture's tickets in workspace A, by what makes each one special. */
const T = {
  fire: ticketId(1),
  refund: ticketId(2),
  snake: ticketId(3),
  path: ticketId(4),
  jammed: ticketId(5),
  decoy: ticketId(6),
  archived: ticketId(7),
  deleted: ticketId(8),
} as const
type Key = keyof typeof T
/** A ticket in workspace B that matches every filter the cases use. */
const OTHER_WORKSPACE = ticketId(9)
const ALL_TICKETS = [...Object.values(T), OTHER_WORKSPACE]

/**
 * Eight tickets in workspace A, created one second apart in the order of {@link T},
 * and one in workspace B. The oldest ticket is changed last, so "newest first" cannot
 * be confused with "most recently updated".
 */
async function listFixture(t: ContractContext): Promise<void> {
  const create = (key: Key, fields: Parameters<typeof createTicketCommand>[2]) =>
    t.run(T[key], createTicketCommand(T[key], WORKSPACE_A, fields))
  await create('fire', { summary: 'Printer on fire', tags: [1] })
  await create('refund', { summary: 'Refund 50% of order' })
  await t.run(T.refund, { type: 'takeover', assigneeId: userId(1) })
  await create('snake', { summary: 'snake_case name rejected' })
  await t.run(T.snake, { type: 'takeover', assigneeId: userId(2) })
  await t.run(T.snake, { type: 'complete', userId: userId(2) })
  await create('path', { summary: 'Path C:\\temp\\new is missing', tags: [2, 3], chat: 2 })
  await create('jammed', { summary: 'PRINTER jammed again', chat: 2, assignee: 2 })
  // Matches `50%`, `_case` and `\temp` only if they are read as LIKE patterns.
  await create('decoy', { summary: '500 errors on the showcase temp page' })
  await create('archived', { summary: 'archived printer', tags: [1] })
  await t.run(T.archived, { type: 'archive' })
  await create('deleted', { summary: 'deleted printer', tags: [1] })
  await t.run(T.deleted, { type: 'delete' })
  await t.run(
    OTHER_WORKSPACE,
    createTicketCommand(OTHER_WORKSPACE, WORKSPACE_B, { summary: 'Printer in another workspace', tags: [1, 3], assignee: 1 }),
  )
  await t.run(T.fire, tagCommand(4))
}

async function listedKeys(t: ContractContext, query: Record<string, unknown>): Promise<string[]> {
  const byId = new Map(Object.entries(T).map(([key, id]) => [id as string, key]))
  const { result } = await t.tickets.list({ workspaceId: WORKSPACE_A, ...query })
  return result.map((ticket) => byId.get(ticket.id) ?? `unexpected ticket ${ticket.id} of workspace ${ticket.workspaceId}`)
}

/** One table row: a test title and the queries it runs with the tickets each must list, in order. */
interface ListCase {
  readonly title: string
  readonly queries: ReadonlyArray<readonly [Record<string, unknown>, readonly Key[]]>
}

const LIST_CASES: readonly ListCase[] = [
  {
    title: 'list() orders tickets by newest createdAt first, not by the latest change',
    queries: [[{}, ['decoy', 'jammed', 'path', 'snake', 'refund', 'fire']]],
  },
  {
    title: 'list() filters by status',
    queries: [
      [{ status: 'pending' }, ['decoy', 'jammed', 'path', 'fire']],
      [{ status: 'ongoing' }, ['refund']],
      [{ status: 'completed' }, ['snake']],
    ],
  },
  {
    title: 'list() filters by any of assigneeIds',
    queries: [
      [{ assigneeIds: [userId(1), userId(2)] }, ['jammed', 'snake', 'refund']],
      [{ assigneeIds: [userId(1)] }, ['refund']],
      [{ assigneeIds: [userId(7)] }, []],
    ],
  },
  {
    title: 'list() filters by any of chatIds',
    queries: [
      [{ chatIds: [chatId(2)] }, ['jammed', 'path']],
      [{ chatIds: [chatId(1), chatId(2)] }, ['decoy', 'jammed', 'path', 'snake', 'refund', 'fire']],
    ],
  },
  {
    title: 'list() filters by any of tagIds',
    queries: [
      [{ tagIds: [tagId(1), tagId(3)] }, ['path', 'fire']],
      [{ tagIds: [tagId(4)] }, ['fire']],
      [{ tagIds: [tagId(5)] }, []],
    ],
  },
  {
    title: 'list() search is a case-insensitive substring of the summary',
    queries: [
      [{ search: 'printer' }, ['jammed', 'fire']],
      [{ search: 'PrInTeR' }, ['jammed', 'fire']],
      [{ search: 'on fire' }, ['fire']],
      [{ search: 'no such words' }, []],
    ],
  },
  {
    title: 'list() search takes %, _ and \\ literally, never as patterns',
    queries: [
      [{ search: '50%' }, ['refund']],
      [{ search: '%' }, ['refund']],
      [{ search: '_case' }, ['snake']],
      [{ search: '_' }, ['snake']],
      [{ search: '\\temp' }, ['path']],
      [{ search: 'c:\\TEMP\\new' }, ['path']],
    ],
  },
  {
    title: 'list() hides archived and deleted tickets unless includeRemoved',
    queries: [
      [{ includeRemoved: true }, ['deleted', 'archived', 'decoy', 'jammed', 'path', 'snake', 'refund', 'fire']],
      [{ includeRemoved: false }, ['decoy', 'jammed', 'path', 'snake', 'refund', 'fire']],
      [{ includeRemoved: true, search: 'printer' }, ['deleted', 'archived', 'jammed', 'fire']],
    ],
  },
  {
    title: 'list() combines filters: every filter must match',
    queries: [
      [{ status: 'pending', tagIds: [tagId(1), tagId(2)], search: 'printer' }, ['fire']],
      [{ chatIds: [chatId(2)], assigneeIds: [userId(2)], search: 'jammed' }, ['jammed']],
      [{ status: 'ongoing', tagIds: [tagId(1)] }, []],
    ],
  },
  {
    title: 'list() pages with pageNumber and pageSize, without gaps or overlaps',
    queries: [
      [{ pageSize: 4 }, ['decoy', 'jammed', 'path', 'snake']],
      [{ pageSize: 4, pageNumber: 2 }, ['refund', 'fire']],
      [{ pageSize: 4, pageNumber: 3 }, []],
      [{ pageSize: 3, pageNumber: 1, includeRemoved: true }, ['deleted', 'archived', 'decoy']],
      [{ pageSize: 3, pageNumber: 2, includeRemoved: true }, ['jammed', 'path', 'snake']],
      [{ pageSize: 3, pageNumber: 3, includeRemoved: true }, ['refund', 'fire']],
      [{ pageSize: 1, pageNumber: 6 }, ['fire']],
    ],
  },
]

/** The ticket API list: the projection kept with the append, its filters, order and pages. */
export function defineListTests(test: DefineContractTest): void {
  for (const { title, queries } of LIST_CASES) {
    test(title, async (t) => {
      await listFixture(t)
      for (const [query, expected] of queries) {
        expect(await listedKeys(t, query), JSON.stringify(query)).toEqual(expected)
      }
    })
  }

  test('list() rows are the tickets themselves, equal to what load() returns', async (t) => {
    await listFixture(t)
    const { result } = await t.tickets.list({ workspaceId: WORKSPACE_A, includeRemoved: true, pageSize: 100 })
    expect(result).toHaveLength(Object.keys(T).length)
    for (const row of result) expect(row).toEqual(await t.tickets.load(row.id))
  })

  test('list() reports the applied query with its defaults', async (t) => {
    await listFixture(t)
    const page = await t.tickets.list({ workspaceId: WORKSPACE_A })
    expect(page.query).toEqual({
      workspaceId: WORKSPACE_A,
      assigneeIds: [],
      chatIds: [],
      tagIds: [],
      includeRemoved: false,
      pageNumber: 1,
      pageSize: 10,
    })
    const filtered = await t.tickets.list({
      workspaceId: WORKSPACE_A,
      status: 'pending',
      tagIds: [tagId(1)],
      search: 'fire',
      pageNumber: 2,
      pageSize: 5,
    })
    expect(filtered.query).toEqual({
      workspaceId: WORKSPACE_A,
      status: 'pending',
      assigneeIds: [],
      chatIds: [],
      tagIds: [tagId(1)],
      search: 'fire',
      includeRemoved: false,
      pageNumber: 2,
      pageSize: 5,
    })
  })

  test('list() shows every change as soon as execute resolves', async (t) => {
    const id = ticketId(1)
    const listed = async (query: Record<string, unknown>) =>
      (await t.tickets.list({ workspaceId: WORKSPACE_A, ...query })).result.map((ticket) => ticket.id)

    const created = await t.run(id, createTicketCommand(id, WORKSPACE_A, { summary: 'fresh ticket' }))
    expect((await t.tickets.list({ workspaceId: WORKSPACE_A })).result).toEqual([created.state])
    await t.run(id, tagCommand(1))
    expect(await listed({ tagIds: [tagId(1)] })).toEqual([id])
    await t.run(id, { type: 'untag', tagId: tagId(1) })
    expect(await listed({ tagIds: [tagId(1)] })).toEqual([])
    await t.run(id, { type: 'takeover', assigneeId: userId(1) })
    expect(await listed({ status: 'ongoing', assigneeIds: [userId(1)] })).toEqual([id])
    await t.run(id, { type: 'update', summary: 'renamed ticket' })
    expect(await listed({ search: 'renamed' })).toEqual([id])
    expect(await listed({ search: 'fresh' })).toEqual([])
    await t.run(id, { type: 'archive' })
    expect(await listed({})).toEqual([])
    const unarchived = await t.run(id, { type: 'unarchive' })
    expect((await t.tickets.list({ workspaceId: WORKSPACE_A })).result).toEqual([unarchived.state])
    await t.run(id, { type: 'delete' })
    expect(await listed({})).toEqual([])
    expect(await listed({ includeRemoved: true })).toEqual([id])
  })

  test('list() matches search text literally: quotes, wildcards, ";", "--" and comment markers match themselves', async (t) => {
    await listFixture(t)
    const summaries = {
      dashes: 'Customer asks: refund -- urgent',
      semicolon: 'Coupon 50% off; refund the rest',
      quotes: 'O\'Brien /* vip */ said "done"',
      underscore: 'order_id missing',
    }
    const ids = Object.fromEntries(Object.keys(summaries).map((key, index) => [key, ticketId(20 + index)]))
    for (const [key, summary] of Object.entries(summaries)) {
      const id = ids[key] as string
      await t.run(id, createTicketCommand(id, WORKSPACE_A, { summary }))
    }
    const before = await observeStore(t, [...ALL_TICKETS, ...Object.values(ids)])
    const found = async (search: string) =>
      (await t.tickets.list({ workspaceId: WORKSPACE_A, search, includeRemoved: true, pageSize: 100 })).result.map((ticket) => ticket.id)

    expect(await found('refund -- urgent')).toEqual([ids['dashes']])
    expect(await found('50% off; refund')).toEqual([ids['semicolon']])
    expect(await found("O'Brien /* vip */")).toEqual([ids['quotes']])
    expect(await found('"done"')).toEqual([ids['quotes']])
    // `%` and `_` are the LIKE wildcards: read literally, they match only summaries holding them.
    expect(await found('%')).toEqual([ids['semicolon'], T.refund])
    expect(await found('_')).toEqual([ids['underscore'], T.snake])
    for (const search of ["'; DROP TABLE events; --", "' OR 1=1 --", "' OR '1'='1", "') UNION SELECT * FROM events", '*/ --']) {
      expect(await found(search), search).toEqual([])
    }
    expect(await observeStore(t, [...ALL_TICKETS, ...Object.values(ids)])).toEqual(before)
  })
}
