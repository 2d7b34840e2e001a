import { describe, expectTypeOf, it } from 'vitest'
import type { ListPosition, ListQuery, StoreCapabilities, TicketService, TicketsPage } from '../../src/index.js'

describe('the list cursor types', () => {
  it('takes a cursor in and gives nextCursor out, and applies it as after', () => {
    expectTypeOf<ListQuery['cursor']>().toEqualTypeOf<string | undefined>()
    expectTypeOf<TicketsPage['nextCursor']>().toEqualTypeOf<string | null>()
    expectTypeOf<TicketsPage['query']['after']>().toEqualTypeOf<ListPosition | undefined>()
    expectTypeOf<ListPosition>().toEqualTypeOf<{ readonly createdAt: string; readonly ticketId: string }>()
    expectTypeOf<StoreCapabilities['supportsListCursor']>().toEqualTypeOf<boolean | undefined>()
  })

  it('refuses a misspelt cursor key or a cursor that is not text', () => {
    const list = (null as unknown as TicketService).list
    const workspaceId = '0b5c2f4e-3c1a-4d7e-9f10-1a2b3c4d5e6f'
    // @ts-expect-error `cursor`, not `nextCursor`, goes in
    void list({ workspaceId, nextCursor: 'x' })
    // @ts-expect-error a cursor is the opaque text a page gave, not a position
    void list({ workspaceId, cursor: { createdAt: '2024-01-01T00:00:00.000Z', ticketId: workspaceId } })
    expectTypeOf(list).parameter(0).toExtend<ListQuery>()
  })
})
