import { describe, expect, it } from 'vitest'
import { createEventUpcasting } from '../../src/core/upcasting/event-upcasting.js'
import { EVENT_UPCASTERS, type EventUpcaster, type HandleResult, handle, type TicketEvent } from '../../src/index.js'
import { createTicketService } from '../../src/service/create-ticket-service.js'
import { memoryStore } from '../../src/stores/memory/index.js'
import { subscribe } from '../../src/subscriptions/index.js'
import { createTestContext } from '../../src/testing/index.js'
import { batchFor } from '../../src/testing/store-contract/batch-for.js'
import { PRIVACY_UPCASTERS } from '../../src/testing/store-contract/upcasting-tests.js'

const TICKET = '2d5c2f4e-3c1a-4d7e-9f10-1a2b3c4d5e6f'
const WORKSPACE = '0b5c2f4e-3c1a-4d7e-9f10-1a2b3c4d5e6f'
const CHAT = '1c5c2f4e-3c1a-4d7e-9f10-1a2b3c4d5e6f'
const ALICE = '3a5c2f4e-3c1a-4d7e-9f10-1a2b3c4d5e6f'
const COMMENT = '4a5c2f4e-3c1a-4d7e-9f10-1a2b3c4d5e6f'

/** A created ticket with a comment and its privacy changed: the last event is a `ticket:comment:privacy_changed`. */
function privacyChange(): { readonly events: readonly TicketEvent[]; readonly changed: TicketEvent; readonly result: HandleResult } {
  const ctx = createTestContext()
  const created = handle(
    null,
    { type: 'create', ticketId: TICKET, workspaceId: WORKSPACE, chatId: CHAT, ticketingTeamId: null, assigneeId: null, status: 'pending' },
    ctx,
  )
  const commented = handle(created.state, { type: 'addComment', commentId: COMMENT, body: 'hi', public: true, authorId: ALICE }, ctx)
  const hidden = handle(commented.state, { type: 'setCommentPrivacy', commentId: COMMENT, public: false }, ctx)
  const events = [...created.events, ...commented.events, ...hidden.events]
  return { events, changed: hidden.events[0] as TicketEvent, result: { ...hidden, events } }
}

const asVersion1 = (event: TicketEvent): TicketEvent =>
  ({ ...event, payload: { commentId: COMMENT, private: true } }) as unknown as TicketEvent

describe('the event upcaster chain', () => {
  it('is empty in this release: every event type is at schema version 1, and handle stamps nothing', () => {
    expect(EVENT_UPCASTERS).toEqual([])
    const { events } = privacyChange()
    expect(events.every((event) => event.meta.schemaVersion === undefined)).toBe(true)
  })

  it('reads an event without meta.schemaVersion as version 1 and runs every step after it, type untouched', () => {
    const upcasting = createEventUpcasting(PRIVACY_UPCASTERS)
    const { changed } = privacyChange()
    const stored = Object.freeze(asVersion1(changed))

    const read = upcasting.upcast(stored)

    expect(read).toEqual({ ...changed, meta: { ...changed.meta, schemaVersion: 3 } })
    expect(read.type).toBe(stored.type)
    expect(stored.payload).toEqual({ commentId: COMMENT, private: true })
    expect(upcasting.currentVersion('ticket:comment:privacy_changed')).toBe(3)
    expect(upcasting.currentVersion('ticket:created')).toBe(1)
  })

  it('hands back the very same events when none needs upcasting', () => {
    const upcasting = createEventUpcasting(PRIVACY_UPCASTERS)
    const { events } = privacyChange()
    const current = upcasting.stamp(events)
    expect(upcasting.upcastAll(current)).toBe(current)
    expect(createEventUpcasting(EVENT_UPCASTERS).upcastAll(events)).toBe(events)
  })

  it('refuses an event stored in a version newer than the chain knows, naming the event', () => {
    const upcasting = createEventUpcasting(PRIVACY_UPCASTERS)
    const { changed } = privacyChange()
    const fromTheFuture = { ...changed, meta: { ...changed.meta, schemaVersion: 4 } }
    expect(() => upcasting.upcast(fromTheFuture)).toThrow(
      expect.objectContaining({ code: 'VALIDATION', details: { eventId: changed.id, type: changed.type, version: changed.version } }),
    )
  })

  it.each<[string, readonly EventUpcaster[]]>([
    ['a chain that skips a version', [{ ...(PRIVACY_UPCASTERS[1] as EventUpcaster) }]],
    ['a chain with a version twice', [PRIVACY_UPCASTERS[0] as EventUpcaster, PRIVACY_UPCASTERS[0] as EventUpcaster]],
    ['an upcaster of an unknown type', [{ ...(PRIVACY_UPCASTERS[0] as EventUpcaster), type: 'ticket:exploded' as never }]],
    ['an upcaster without a function', [{ ...(PRIVACY_UPCASTERS[0] as EventUpcaster), upcast: 'rename' as never }]],
  ])('refuses %s when the service is created, with VALIDATION', (_, upcasters) => {
    expect(() => createTicketService({ store: memoryStore(), upcasters })).toThrow(expect.objectContaining({ code: 'VALIDATION' }))
  })

  it('delivers events stored in an older shape to a subscription in the current one', async () => {
    const store = memoryStore()
    await store.migrate()
    const { events, result } = privacyChange()
    // Written as version 1 of this history would have: the privacy change in its first shape.
    const stored = events.map((event) => (event.type === 'ticket:comment:privacy_changed' ? asVersion1(event) : event))
    await store.append(batchFor(0, { ...result, events: stored }))
    const service = createTicketService({ store, upcasters: PRIVACY_UPCASTERS })
    const seen: TicketEvent[] = []
    const controller = new AbortController()

    await subscribe({
      service,
      pollIntervalMs: 1,
      signal: controller.signal,
      handler: (event) => {
        seen.push(event)
        if (seen.length === events.length) controller.abort()
      },
    })

    expect(seen).toEqual(createEventUpcasting(PRIVACY_UPCASTERS).stamp(events))
    expect(seen.at(-1)?.payload).toEqual({ commentId: COMMENT, public: false })
  })
})
