import { expect } from 'vitest'
import type { Command } from '../../core/model/command.js'
import type { TicketEvent } from '../../core/model/event.js'
import type { Ticket } from '../../core/model/ticket.js'
import { type HandleResult, handle } from '../../core/reducer/handle.js'
import { replay } from '../../core/reducer/replay.js'
import type { EventUpcaster } from '../../core/upcasting/event-upcaster.js'
import { batchFor } from './batch-for.js'
import type { ContractContext } from './contract-context.js'
import type { DefineContractTest } from './contract-test.js'
import { createTicketCommand, ticketId, userId, WORKSPACE_A } from './fixtures.js'

const EPOCH = '1970-01-01T00:00:00.000Z'
const COMMENT = '0000c0de-0000-4000-8000-000000000001'

/**
 * A payload history for the test, two shape changes of `ticket:comment:privacy_changed`
 * (the library's own chain is empty: no event type has changed shape yet):
 * 1. `{ commentId, private }`, the flag inverted;
 * 2. `{ commentId, visibility: 'public' | 'private' }`;
 * 3. `{ commentId, public }`, today's shape.
 */
export const PRIVACY_UPCASTERS: readonly EventUpcaster[] = [
  {
    type: 'ticket:comment:privacy_changed',
    fromVersion: 1,
    upcast: ({ private: hidden, ...rest }) => ({ ...rest, visibility: hidden === true ? 'private' : 'public' }),
  },
  {
    type: 'ticket:comment:privacy_changed',
    fromVersion: 2,
    upcast: ({ visibility, ...rest }) => ({ ...rest, public: visibility === 'public' }),
  },
]

/** A `ticket:comment:privacy_changed` event of today's shape rewritten as schema version 1 or 2 would have stored it. */
function inOldShape(event: TicketEvent, schemaVersion: 1 | 2): TicketEvent {
  if (event.type !== 'ticket:comment:privacy_changed') return event
  const { commentId, public: isPublic } = event.payload
  const payload = schemaVersion === 1 ? { commentId, private: !isPublic } : { commentId, visibility: isPublic ? 'public' : 'private' }
  const { schemaVersion: _current, ...meta } = event.meta
  return { ...event, payload, meta: schemaVersion === 1 ? meta : { ...meta, schemaVersion } } as unknown as TicketEvent
}

/** Today's shape under {@link PRIVACY_UPCASTERS}: version 3, stamped. */
function inCurrentShape(event: TicketEvent): TicketEvent {
  return event.type === 'ticket:comment:privacy_changed' ? { ...event, meta: { ...event.meta, schemaVersion: 3 } } : event
}

/**
 * Writes a ticket into the store as three versions of the library would have: a comment
 * hidden by version 1 (recorded as command `hide-1`), shown by version 2, hidden again
 * by today's. Returns the events as today's code reads them.
 */
async function writeOldStream(
  t: ContractContext,
  id: string,
): Promise<{ readonly current: readonly TicketEvent[]; readonly hidden: HandleResult }> {
  await t.store.migrate()
  let state: Ticket | null = null
  const current: TicketEvent[] = []
  const write = async (command: Command, schemaVersion: 1 | 2 | 3, commandId?: string) => {
    t.clock.advance(1000)
    const result = handle(state, command, t.ctx)
    const stored = {
      ...result,
      events: result.events.map((event) => (schemaVersion === 3 ? inCurrentShape(event) : inOldShape(event, schemaVersion))),
    }
    const record = commandId === undefined ? {} : { command: { commandId, recordedAt: t.clock.now().toISOString() } }
    await t.store.append(batchFor(state?.version ?? 0, stored, record))
    current.push(...result.events.map(inCurrentShape))
    state = result.state
    return { ...result, events: result.events.map(inCurrentShape) }
  }
  await write(createTicketCommand(id, WORKSPACE_A), 1)
  await write({ type: 'addComment', commentId: COMMENT, body: 'Call me back', public: true, authorId: userId(1) }, 1)
  const hidden = await write({ type: 'setCommentPrivacy', commentId: COMMENT, public: false }, 1, 'hide-1')
  await write({ type: 'setCommentPrivacy', commentId: COMMENT, public: true }, 2)
  await write({ type: 'setCommentPrivacy', commentId: COMMENT, public: false }, 3)
  return { current, hidden }
}

/** Event upcasting: a stream stored in older shapes reads as today's, through every read path of the service. */
export function defineUpcastingTests(test: DefineContractTest): void {
  test('keeps each event’s stored shape and schema version as written', async (t) => {
    const id = ticketId(1)
    await writeOldStream(t, id)
    const stored = (await t.store.readEvents({ limit: 1000 })).filter((event) => event.type === 'ticket:comment:privacy_changed')
    expect(stored.map((event) => [event.meta.schemaVersion, event.payload])).toEqual([
      [undefined, { commentId: COMMENT, private: true }],
      [2, { commentId: COMMENT, visibility: 'public' }],
      [3, { commentId: COMMENT, public: false }],
    ])
  })

  test('a stream stored in older shapes loads to the right state, now and at every version', async (t) => {
    const id = ticketId(1)
    const { current } = await writeOldStream(t, id)
    const tickets = t.service({ upcasters: PRIVACY_UPCASTERS })

    const loaded = await tickets.load(id)

    expect(loaded).toEqual(replay(current))
    expect(loaded?.comments[COMMENT]?.public).toBe(false)
    for (let version = 1; version <= current.length; version++) {
      expect(await tickets.load(id, { version }), `version ${version}`).toEqual(replay(current.slice(0, version)))
    }
  })

  test('events() returns every event in its current shape', async (t) => {
    const id = ticketId(1)
    const { current } = await writeOldStream(t, id)
    const tickets = t.service({ upcasters: PRIVACY_UPCASTERS })

    expect((await tickets.events({ limit: 1000 })).result).toEqual(current)
    expect((await tickets.events({ type: 'ticket:comment:privacy_changed', limit: 1000 })).result).toEqual(
      current.filter((event) => event.type === 'ticket:comment:privacy_changed'),
    )
  })

  test('a remembered command result recorded in an older shape is returned in the current one', async (t) => {
    const id = ticketId(1)
    const { hidden } = await writeOldStream(t, id)
    const tickets = t.service({ upcasters: PRIVACY_UPCASTERS })

    const repeated = await tickets.execute(id, {
      type: 'setCommentPrivacy',
      commentId: COMMENT,
      public: false,
      meta: { commandId: 'hide-1' },
    })

    expect(repeated.events).toEqual(hidden.events)
    expect(await t.store.findCommand(id, 'hide-1', EPOCH)).not.toEqual(repeated)
  })

  test('new events are stored stamped with their type’s current schema version', async (t) => {
    const id = ticketId(1)
    await writeOldStream(t, id)
    const tickets = t.service({ upcasters: PRIVACY_UPCASTERS })

    const shown = await tickets.execute(id, { type: 'setCommentPrivacy', commentId: COMMENT, public: true })

    expect(shown.events.map((event) => event.meta.schemaVersion)).toEqual([3])
    const stored = await t.store.readEvents({ limit: 1000 })
    expect(stored.at(-1)).toEqual(shown.events[0])
    expect((await tickets.load(id))?.comments[COMMENT]?.public).toBe(true)
  })
}
