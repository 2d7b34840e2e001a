import { expect } from 'vitest'
import { TICKET_SCHEMA_VERSION, type Ticket } from '../../core/model/ticket.js'
import { handle } from '../../core/reducer/handle.js'
import { replay } from '../../core/reducer/replay.js'
import type { ListTicketsQuery } from '../../store-contract/ticket-store.js'
import { batchFor } from './batch-for.js'
import type { ContractContext } from './contract-context.js'
import type { DefineContractTest } from './contract-test.js'
import { expectTicketError } from './expect-ticket-error.js'
import { addCommentCommand, createTicketCommand, tagCommand, tagId, ticketId, userId, WORKSPACE_A, WORKSPACE_B } from './fixtures.js'
import { INTERLEAVED_TICKETS, runInterleavedHistory } from './interleaved-history.js'
import { observeStore, settledLog } from './observe-store.js'

const EPOCH = '1970-01-01T00:00:00.000Z'

/** A direct `listTickets` query for one workspace, with every filter off. */
function everyTicketOf(workspaceId: string): ListTicketsQuery {
  return { workspaceId, assigneeIds: [], chatIds: [], tagIds: [], includeRemoved: true, pageNumber: 1, pageSize: 100 }
}

/** Creates ticket 1 and tags it: version 3, with a state older than the current one to hand. */
async function ticketWithHistory(t: ContractContext): Promise<{ readonly id: string; readonly first: Ticket; readonly current: Ticket }> {
  const id = ticketId(1)
  const first = (await t.run(id, createTicketCommand(id, WORKSPACE_A, { summary: 'original summary' }))).state
  const current = (await t.run(id, tagCommand(1))).state
  return { id, first, current }
}

/** Atomic appends with an expected version, contiguous versions, and state equal to the replayed stream. */
export function defineAppendTests(test: DefineContractTest): void {
  test('append with a stale expectedVersion raises CONCURRENCY and writes nothing (events, projection, snapshot, command record)', async (t) => {
    const { id, first } = await ticketWithHistory(t)
    const before = await observeStore(t, [id])
    t.clock.advance(1000)
    const stale = handle(first, { type: 'update', summary: 'stale write', meta: { commandId: 'stale-command' } }, t.ctx)
    const recordedAt = t.clock.now().toISOString()
    const batch = batchFor(first.version, stale, {
      command: { commandId: 'stale-command', recordedAt },
      snapshotSchemaVersion: TICKET_SCHEMA_VERSION,
    })

    await expectTicketError(() => t.store.append(batch), 'CONCURRENCY')

    expect(await observeStore(t, [id])).toEqual(before)
    expect(await t.store.findCommand(id, 'stale-command', EPOCH)).toBeNull()
    expect((await t.tickets.list({ workspaceId: WORKSPACE_A, search: 'stale write' })).result).toEqual([])
  })

  test('append with an expectedVersion ahead of the stream raises CONCURRENCY and writes nothing', async (t) => {
    const { id, current } = await ticketWithHistory(t)
    const before = await observeStore(t, [id])
    // Events numbered past a gap: a store that only guards against duplicate versions would take them.
    const ahead: Ticket = { ...current, version: current.version + 3 }
    const result = handle(ahead, { type: 'update', summary: 'written past a gap' }, t.ctx)

    await expectTicketError(() => t.store.append(batchFor(ahead.version, result)), 'CONCURRENCY')

    expect(await observeStore(t, [id])).toEqual(before)
  })

  test('append of a new ticket under an id already taken raises CONCURRENCY and writes nothing', async (t) => {
    const { id } = await ticketWithHistory(t)
    const before = await observeStore(t, [id])
    const again = handle(null, createTicketCommand(id, WORKSPACE_B, { summary: 'second create' }), t.ctx)

    await expectTicketError(() => t.store.append(batchFor(0, again)), 'CONCURRENCY')

    expect(await observeStore(t, [id])).toEqual(before)
    expect(await t.store.listTickets(everyTicketOf(WORKSPACE_B))).toEqual([])
  })

  test('append of a second record of one command id on a ticket raises CONCURRENCY and writes nothing', async (t) => {
    const { id } = await ticketWithHistory(t)
    const first = await t.run(id, addCommentCommand('first run', 'command-1'))
    const before = await observeStore(t, [id])
    const second = handle(first.state, addCommentCommand('second run', 'command-1'), t.ctx)
    const batch = batchFor(first.state.version, second, { command: { commandId: 'command-1', recordedAt: t.clock.now().toISOString() } })

    await expectTicketError(() => t.store.append(batch), 'CONCURRENCY')

    expect(await observeStore(t, [id])).toEqual(before)
    expect(await t.store.findCommand(id, 'command-1', EPOCH)).toEqual(first)
  })

  test('append stores a batch whole: events, projection row and command record', async (t) => {
    await t.store.migrate()
    const id = ticketId(1)
    t.clock.advance(1000)
    const created = handle(null, createTicketCommand(id, WORKSPACE_A, { summary: 'written directly', commandId: 'create-1' }), t.ctx)
    const recordedAt = t.clock.now().toISOString()

    await t.store.append(batchFor(0, created, { command: { commandId: 'create-1', recordedAt } }))

    expect(await t.store.loadStream(id, { snapshotSchemaVersion: TICKET_SCHEMA_VERSION })).toEqual({
      snapshot: null,
      events: created.events,
    })
    await settledLog(t)
    expect(await t.store.readEvents({ limit: 1000 })).toEqual(created.events)
    expect(await t.store.listTickets(everyTicketOf(WORKSPACE_A))).toEqual([created.state])
    // The record is found from the instant it was recorded on, and not by a window that starts later.
    expect(await t.store.findCommand(id, 'create-1', recordedAt)).toEqual({
      state: created.state,
      events: created.events,
      audit: created.audit,
    })
    const later = new Date(Date.parse(recordedAt) + 1).toISOString()
    expect(await t.store.findCommand(id, 'create-1', later)).toBeNull()
    expect(await t.store.findCommand(ticketId(2), 'create-1', EPOCH)).toBeNull()
  })

  test('concurrent commands on one ticket all land, with contiguous versions', async (t) => {
    const id = ticketId(1)
    await t.run(id, createTicketCommand(id, WORKSPACE_A))
    const tags = [1, 2, 3, 4, 5, 6]
    t.clock.advance(1000)

    const results = await Promise.all(tags.map((n) => t.tickets.execute(id, tagCommand(n))))

    const stream = (await settledLog(t)).filter((event) => event.ticketId === id)
    expect(stream.map((event) => event.version)).toEqual(stream.map((_, index) => index + 1))
    expect(stream).toHaveLength(1 + 2 * tags.length)
    // Every command's events are stored exactly as it returned them, each under its own versions.
    const returned = results.flatMap((result) => result.events).sort((left, right) => left.version - right.version)
    expect(returned).toEqual(stream.slice(1))
    const loaded = await t.tickets.load(id)
    expect([...(loaded?.tags ?? [])].sort()).toEqual(tags.map(tagId).sort())
    expect(loaded?.version).toBe(stream.length)
  })

  test('two concurrent creates of one ticket: one is stored, the other is ALREADY_EXISTS', async (t) => {
    const id = ticketId(1)
    t.clock.advance(1000)
    const outcomes = await Promise.allSettled([
      t.tickets.execute(id, createTicketCommand(id, WORKSPACE_A, { summary: 'first writer' })),
      t.tickets.execute(id, createTicketCommand(id, WORKSPACE_A, { summary: 'second writer' })),
    ])

    const stored = outcomes.flatMap((outcome) => (outcome.status === 'fulfilled' ? [outcome.value] : []))
    const refused = outcomes.flatMap((outcome) => (outcome.status === 'rejected' ? [outcome.reason as unknown] : []))
    expect(stored).toHaveLength(1)
    expect(refused.map((reason) => (reason as { code?: unknown }).code)).toEqual(['ALREADY_EXISTS'])
    expect(await settledLog(t)).toEqual(stored[0]?.events)
    expect(await t.tickets.load(id)).toEqual(stored[0]?.state)
  })

  test('versions are contiguous per ticket and load equals replay of the stored events', async (t) => {
    const history = await runInterleavedHistory(t)

    const log = await settledLog(t)
    for (const id of INTERLEAVED_TICKETS) {
      const stream = log.filter((event) => event.ticketId === id)
      expect(stream.map((event) => event.version)).toEqual(stream.map((_, index) => index + 1))
      const loaded = await t.tickets.load(id)
      expect(loaded).toEqual(history.states.get(id))
      expect(loaded).toEqual(replay(stream))
      expect(loaded?.version).toBe(stream.length)
      const stored = await t.store.loadStream(id, { snapshotSchemaVersion: TICKET_SCHEMA_VERSION })
      expect(stored === null ? null : replay(stored.events, stored.snapshot)).toEqual(loaded)
    }
  })

  test('a rejected command (takeover of an ongoing ticket) appends nothing', async (t) => {
    const id = ticketId(1)
    await t.run(id, createTicketCommand(id, WORKSPACE_A))
    await t.run(id, { type: 'takeover', assigneeId: userId(1) })
    const before = await observeStore(t, [id])

    await expectTicketError(
      () => t.run(id, { type: 'takeover', assigneeId: userId(2), meta: { commandId: 'late-takeover' } }),
      'INVALID_TRANSITION',
    )

    expect(await observeStore(t, [id])).toEqual(before)
    expect(await t.store.findCommand(id, 'late-takeover', EPOCH)).toBeNull()
  })

  test('a command on a missing ticket is NOT_FOUND and appends nothing', async (t) => {
    const id = ticketId(1)
    await t.run(ticketId(2), createTicketCommand(ticketId(2), WORKSPACE_A))
    const before = await observeStore(t, [id, ticketId(2)])

    await expectTicketError(() => t.run(id, tagCommand(1)), 'NOT_FOUND')

    expect(await observeStore(t, [id, ticketId(2)])).toEqual(before)
  })
}
