import { expect } from 'vitest'
import { TICKET_SCHEMA_VERSION, type Ticket } from '../../core/model/ticket.js'
import { handle } from '../../core/reducer/handle.js'
import { replay } from '../../core/reducer/replay.js'
import type { TicketService } from '../../service/ticket-service.js'
import { batchFor } from './batch-for.js'
import type { ContractContext } from './contract-context.js'
import type { DefineContractTest } from './contract-test.js'
import { createTicketCommand, tagCommand, ticketId, WORKSPACE_A } from './fixtures.js'
import { settledLog } from './observe-store.js'

const SNAPSHOT_EVERY = 10

/** A ticket with 53 events (a create and 26 tags), written by a service that snapshots every 10. */
async function longTicket(
  t: ContractContext,
): Promise<{ readonly id: string; readonly tickets: TicketService; readonly largestBatch: number }> {
  const tickets = t.service({ snapshotEvery: SNAPSHOT_EVERY })
  const id = ticketId(1)
  let largestBatch = (await tickets.execute(id, createTicketCommand(id, WORKSPACE_A))).events.length
  for (let n = 1; n <= 26; n++) {
    t.clock.advance(1000)
    largestBatch = Math.max(largestBatch, (await tickets.execute(id, tagCommand(n))).events.length)
  }
  return { id, tickets, largestBatch }
}

/** Snapshots: kept with the append, read back with only the tail, and only under their own schema version. */
export function defineSnapshotTests(test: DefineContractTest): void {
  test('with snapshotEvery 10, loadStream returns a snapshot and only the tail after 50+ events', async (t) => {
    const { id, tickets, largestBatch } = await longTicket(t)
    const log = await settledLog(t)
    expect(log.length).toBeGreaterThanOrEqual(50)
    const loaded = await tickets.load(id)

    const stream = await t.store.loadStream(id, { snapshotSchemaVersion: TICKET_SCHEMA_VERSION })

    if (!t.capabilities.supportsSnapshots) {
      // Without snapshots the whole stream comes back every time.
      expect(stream).toEqual({ snapshot: null, events: log })
      return
    }
    const snapshot = stream?.snapshot as Ticket
    expect(snapshot).not.toBeNull()
    expect(snapshot).toEqual(replay(log.filter((event) => event.version <= snapshot.version)))
    expect(stream?.events).toEqual(log.filter((event) => event.version > snapshot.version))
    expect(stream?.events.length).toBeLessThan(SNAPSHOT_EVERY + largestBatch)
    expect(replay(stream?.events ?? [], snapshot)).toEqual(loaded)
    expect(loaded).toEqual(replay(log))
  })

  test('a snapshot written under another schema version is ignored, and the state is still right', async (t) => {
    const { id, tickets } = await longTicket(t)
    const current = (await tickets.load(id)) as Ticket
    t.clock.advance(1000)
    const next = handle(current, { type: 'update', summary: 'the real summary' }, t.ctx)
    // A snapshot from another version of the Ticket shape, deliberately wrong: it must never be read.
    const foreign: Ticket = { ...next.state, summary: 'from another schema version', tags: [] }
    await t.store.append({ ...batchFor(current.version, next), snapshot: { state: foreign, schemaVersion: TICKET_SCHEMA_VERSION + 1 } })

    const log = await settledLog(t)
    expect(await tickets.load(id)).toEqual(replay(log))
    expect((await tickets.load(id))?.summary).toBe('the real summary')
    const stream = await t.store.loadStream(id, { snapshotSchemaVersion: TICKET_SCHEMA_VERSION })
    expect(stream?.snapshot?.summary ?? null).not.toBe('from another schema version')
    expect(replay(stream?.events ?? [], stream?.snapshot ?? null)).toEqual(replay(log))
    // Asked for that other version, the store hands back that snapshot (or none, without snapshots).
    const foreignStream = await t.store.loadStream(id, { snapshotSchemaVersion: TICKET_SCHEMA_VERSION + 1 })
    expect(foreignStream?.snapshot ?? null).toEqual(t.capabilities.supportsSnapshots ? foreign : null)
    // And commands go on from the right state.
    const after = await tickets.execute(id, tagCommand(40))
    expect(after.state).toEqual(replay(await settledLog(t)))
  })

  test('loadStream ignores snapshots of other schema versions: an unknown version gets the whole stream', async (t) => {
    const { id } = await longTicket(t)
    const log = await settledLog(t)

    expect(await t.store.loadStream(id, { snapshotSchemaVersion: TICKET_SCHEMA_VERSION + 7 })).toEqual({ snapshot: null, events: log })
  })
}
