import { expect } from 'vitest'
import type { Ticket } from '../../core/model/ticket.js'
import type { ListQuery, TicketsPage } from '../../service/ticket-service.js'
import type { ContractContext } from './contract-context.js'
import type { DefineContractTest } from './contract-test.js'
import { expectTicketError } from './expect-ticket-error.js'
import { createTicketCommand, ticketId, WORKSPACE_A, WORKSPACE_B } from './fixtures.js'
import { untyped } from './untyped.js'

/**
 * Creates `count` tickets in workspace A with summaries `ticket 0`, `ticket 1`, …;
 * `sameInstant` creates them all in one millisecond (the clock standing still), so only
 * their ids order them. Plus one ticket in workspace B, which no page may show.
 */
async function createTickets(t: ContractContext, count: number, { sameInstant = false, first = 0 } = {}): Promise<void> {
  for (let n = first; n < first + count; n++) {
    const id = ticketId(100 + n)
    const command = createTicketCommand(id, WORKSPACE_A, { summary: `ticket ${n}${n % 3 === 0 ? ' printer' : ''}` })
    if (sameInstant) await t.tickets.execute(id, command)
    else await t.run(id, command)
  }
  const other = ticketId(99)
  if ((await t.tickets.load(other)) === null) await t.run(other, createTicketCommand(other, WORKSPACE_B, { summary: 'ticket printer' }))
}

/** Follows `nextCursor` from the first page to the end; returns every page. */
async function pagesByCursor(t: ContractContext, query: Omit<ListQuery, 'workspaceId'>): Promise<TicketsPage[]> {
  const pages: TicketsPage[] = []
  let cursor: string | undefined
  for (let guard = 0; guard < 100; guard++) {
    const page = await t.tickets.list({ workspaceId: WORKSPACE_A, ...query, ...(cursor === undefined ? {} : { cursor }) })
    pages.push(page)
    if (page.nextCursor === null) return pages
    cursor = page.nextCursor
  }
  throw new Error('list() kept answering a nextCursor after 100 pages: the cursor does not move')
}

const ids = (tickets: readonly Ticket[]): string[] => tickets.map((ticket) => ticket.id)

/** The keyset cursor of the ticket list (`cursor` in, `nextCursor` out), for stores that declare `supportsListCursor`. */
export function defineListCursorTests(test: DefineContractTest): void {
  test('list() pages by cursor through every ticket in list order, without gaps or overlaps', async (t) => {
    await createTickets(t, 7)
    if (!t.capabilities.supportsListCursor) {
      const page = await t.tickets.list({ workspaceId: WORKSPACE_A, pageSize: 2 })
      expect(page.nextCursor).toBeNull()
      return
    }
    const everything = ids((await t.tickets.list({ workspaceId: WORKSPACE_A, pageSize: 100 })).result)
    expect(everything).toHaveLength(7)
    for (const pageSize of [1, 2, 3, 7, 8]) {
      const pages = await pagesByCursor(t, { pageSize })
      expect(
        pages.flatMap((page) => ids(page.result)),
        `pageSize ${pageSize}`,
      ).toEqual(everything)
      // A full page offers a cursor (possibly to an empty page); a short one is the last.
      for (const page of pages) expect(page.nextCursor === null, `pageSize ${pageSize}`).toBe(page.result.length < pageSize)
      // The same pages as pageNumber gives while nothing changes.
      for (const [index, page] of pages.entries()) {
        const byNumber = await t.tickets.list({ workspaceId: WORKSPACE_A, pageSize, pageNumber: index + 1 })
        expect(ids(page.result), `pageSize ${pageSize}, page ${index + 1}`).toEqual(ids(byNumber.result))
      }
    }
  })

  test('list() cursor orders tickets created in the same millisecond by id', async (t) => {
    if (!t.capabilities.supportsListCursor) return
    await createTickets(t, 6, { sameInstant: true })
    const everything = ids((await t.tickets.list({ workspaceId: WORKSPACE_A, pageSize: 100 })).result)
    expect(everything).toEqual([...everything].sort())
    const pages = await pagesByCursor(t, { pageSize: 4 })
    expect(pages.map((page) => page.result.length)).toEqual([4, 2])
    expect(pages.flatMap((page) => ids(page.result))).toEqual(everything)
  })

  test('list() cursor keeps its place while newer tickets are created', async (t) => {
    if (!t.capabilities.supportsListCursor) return
    await createTickets(t, 4)
    const first = await t.tickets.list({ workspaceId: WORKSPACE_A, pageSize: 2 })
    const rest = ids((await t.tickets.list({ workspaceId: WORKSPACE_A, pageSize: 100 })).result).slice(2)
    // Two newer tickets would shift a pageNumber page by two rows; the cursor's page does not move.
    await createTickets(t, 2, { first: 4 })
    const second = await t.tickets.list({ workspaceId: WORKSPACE_A, pageSize: 2, cursor: first.nextCursor as string })
    expect(ids(second.result)).toEqual(rest.slice(0, 2))
  })

  test('list() cursor pages apply every filter', async (t) => {
    if (!t.capabilities.supportsListCursor) return
    await createTickets(t, 9)
    const matching = ids((await t.tickets.list({ workspaceId: WORKSPACE_A, search: 'printer', pageSize: 100 })).result)
    expect(matching).toHaveLength(3)
    const pages = await pagesByCursor(t, { search: 'printer', status: 'pending', pageSize: 2 })
    expect(pages.flatMap((page) => ids(page.result))).toEqual(matching)
  })

  test('list() refuses a malformed cursor, or one beside a pageNumber past 1, with VALIDATION', async (t) => {
    await createTickets(t, 3)
    for (const cursor of ['not-a-cursor', '', 'x'.repeat(500), 'WzEsIjIwMjQiLCJ4Il0']) {
      await expectTicketError(() => t.tickets.list(untyped({ workspaceId: WORKSPACE_A, cursor })), 'VALIDATION', {
        issuePath: 'cursor',
        label: JSON.stringify(cursor),
      })
    }
    if (!t.capabilities.supportsListCursor) return
    const { nextCursor } = await t.tickets.list({ workspaceId: WORKSPACE_A, pageSize: 1 })
    await expectTicketError(
      () => t.tickets.list({ workspaceId: WORKSPACE_A, pageSize: 1, pageNumber: 2, cursor: nextCursor as string }),
      'VALIDATION',
      { issuePath: 'pageNumber' },
    )
  })
}
