import { describe, expect, it } from 'vitest'
import { replay, TICKET_SCHEMA_VERSION, type TicketEvent } from '../../src/index.js'
import { createTicketService, type TicketService } from '../../src/service/index.js'
import type { TicketStore } from '../../src/store-contract/ticket-store.js'
import { memoryStore } from '../../src/stores/memory/index.js'
import { createTestContext } from '../../src/testing/index.js'
import { ALICE, createCommand, instrument, TICKET, uuid } from './service-fixtures.js'

/** Creates the ticket and views it until it has `version` events (each view is one event). */
async function growTicket(tickets: TicketService, version: number): Promise<void> {
  await tickets.execute(TICKET, createCommand())
  for (let n = 1; n < version; n++) await tickets.execute(TICKET, { type: 'markViewed', userId: uuid(5, n) })
}

/** Every event of the log, paging with `afterId`. */
async function wholeLog(tickets: TicketService): Promise<TicketEvent[]> {
  const all: TicketEvent[] = []
  for (;;) {
    const last = all.at(-1)
    const { result } = await tickets.events({ limit: 1000, ...(last ? { afterId: last.id } : {}) })
    if (result.length === 0) return all
    all.push(...result)
  }
}

describe('snapshots', () => {
  it('loads a ticket of 1,005 events from its newest snapshot and the 5 events after it', async () => {
    const { store, log } = instrument(memoryStore())
    const tickets = createTicketService({ store, ctx: createTestContext() })
    await growTicket(tickets, 1005)
    log.loads.length = 0

    const ticket = await tickets.load(TICKET)

    expect(log.loads).toEqual([{ events: 5, snapshot: true }])
    const events = await wholeLog(tickets)
    expect(events.length).toBe(1005)
    expect(ticket).toEqual(replay(events))
    expect(ticket?.version).toBe(1005)
  })

  it('writes a snapshot exactly when a command’s events cross a multiple of snapshotEvery', async () => {
    const { store, log } = instrument(memoryStore())
    const tickets = createTicketService({ store, snapshotEvery: 4 })
    await tickets.execute(TICKET, createCommand()) // version 1
    await tickets.execute(TICKET, { type: 'markViewed', userId: ALICE }) // 2
    await tickets.execute(TICKET, { type: 'takeover', assigneeId: ALICE }) // 3–5: crosses 4
    await tickets.execute(TICKET, { type: 'markViewed', userId: ALICE }) // 6
    await tickets.execute(TICKET, { type: 'markViewed', userId: ALICE }) // 7
    await tickets.execute(TICKET, { type: 'markViewed', userId: ALICE }) // 8: lands on 8

    expect(log.appends.map((batch) => batch.snapshot?.state.version ?? null)).toEqual([null, null, 5, null, null, 8])
    expect(log.appends.every((batch) => batch.snapshot === undefined || batch.snapshot.schemaVersion === TICKET_SCHEMA_VERSION)).toBe(true)
  })

  it('ignores a snapshot written under another schema version and still gives the right state', async () => {
    const real = memoryStore()
    // A store holding snapshots from an older release: their shape (here, a wrong summary)
    // must never reach the caller, because their schema version differs.
    const olderRelease: TicketStore = {
      ...real,
      append: (batch) =>
        real.append({
          ...batch,
          ...(batch.snapshot
            ? { snapshot: { schemaVersion: TICKET_SCHEMA_VERSION - 1, state: { ...batch.snapshot.state, summary: 'stale shape' } } }
            : {}),
        }),
    }
    const { store, log } = instrument(olderRelease)
    const tickets = createTicketService({ store, snapshotEvery: 10 })
    await growTicket(tickets, 35)
    log.loads.length = 0

    const ticket = await tickets.load(TICKET)

    expect(log.loads).toEqual([{ events: 35, snapshot: false }])
    expect(ticket?.summary).toBe('Customer cannot log in')
    expect(ticket).toEqual(replay(await wholeLog(tickets)))
  })

  it('rebuilds an outdated snapshot on the next append after a load that had to replay the long tail', async () => {
    const shared = memoryStore()
    // An older release wrote the snapshots of this ticket (schema version − 1).
    const olderRelease: TicketStore = {
      ...shared,
      append: (batch) =>
        shared.append({
          ...batch,
          ...(batch.snapshot ? { snapshot: { schemaVersion: TICKET_SCHEMA_VERSION - 1, state: batch.snapshot.state } } : {}),
        }),
    }
    await growTicket(createTicketService({ store: olderRelease, snapshotEvery: 10 }), 35)

    // This release loads the ticket, finds no usable snapshot, and rebuilds one on its next write,
    // though version 36 crosses no multiple of snapshotEvery.
    const { store, log } = instrument(shared)
    const tickets = createTicketService({ store, snapshotEvery: 10 })
    await tickets.execute(TICKET, { type: 'markViewed', userId: ALICE })
    expect(log.loads).toEqual([{ events: 35, snapshot: false }])
    expect(log.appends[0]?.snapshot).toMatchObject({ schemaVersion: TICKET_SCHEMA_VERSION, state: { version: 36 } })
    await tickets.execute(TICKET, { type: 'markViewed', userId: ALICE })
    expect(log.appends[1]?.snapshot).toBeUndefined()

    log.loads.length = 0
    const reloaded = await createTicketService({ store }).load(TICKET)
    expect(log.loads).toEqual([{ events: 1, snapshot: true }])
    expect(reloaded?.version).toBe(37)
  })

  it('writes no snapshots to a store that does not support them, and loads the whole stream', async () => {
    const { store, log } = instrument(memoryStore({ supportsSnapshots: false }))
    const tickets = createTicketService({ store, snapshotEvery: 5 })
    await growTicket(tickets, 23)
    log.loads.length = 0

    const ticket = await tickets.load(TICKET)

    expect(log.appends.some((batch) => batch.snapshot !== undefined)).toBe(false)
    expect(log.loads).toEqual([{ events: 23, snapshot: false }])
    expect(ticket?.version).toBe(23)
  })

  it('continues commands from a snapshot with the right versions', async () => {
    const tickets = createTicketService({ store: memoryStore(), snapshotEvery: 3 })
    await growTicket(tickets, 7)
    const result = await tickets.execute(TICKET, { type: 'takeover', assigneeId: ALICE })
    expect(result.events.map((event) => event.version)).toEqual([8, 9, 10])
    expect(await tickets.load(TICKET)).toEqual(replay(await wholeLog(tickets)))
  })
})
