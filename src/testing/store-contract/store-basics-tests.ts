import { expect } from 'vitest'
import { TICKET_SCHEMA_VERSION } from '../../core/model/ticket.js'
import type { DefineContractTest } from './contract-test.js'
import { createTicketCommand, ticketId, WORKSPACE_A } from './fixtures.js'
import { settledLog } from './observe-store.js'

/** The store's own promises: a name, capabilities, an idempotent `migrate()`, an empty start. */
export function defineStoreBasicsTests(test: DefineContractTest): void {
  test('names itself and declares its capabilities as booleans', async (t) => {
    expect(typeof t.store.name).toBe('string')
    expect(t.store.name.length).toBeGreaterThan(0)
    for (const [flag, value] of Object.entries(t.store.capabilities ?? {})) {
      expect(typeof value, `capabilities.${flag}`).toBe('boolean')
    }
  })

  test('migrate() is idempotent: running it twice keeps a working store and its data', async (t) => {
    await t.store.migrate()
    await t.store.migrate()
    const id = ticketId(1)
    const created = await t.run(id, createTicketCommand(id, WORKSPACE_A, { summary: 'survives migrations' }))
    await t.store.migrate()
    await t.store.migrate()
    expect(await t.tickets.load(id)).toEqual(created.state)
    expect(await settledLog(t)).toEqual(created.events)
    expect((await t.tickets.list({ workspaceId: WORKSPACE_A })).result).toEqual([created.state])
  })

  test('starts empty: no tickets, no events, no streams, no commands', async (t) => {
    await t.store.migrate()
    const id = ticketId(1)
    expect((await t.tickets.events({ limit: 1000 })).result).toEqual([])
    expect((await t.tickets.list({ workspaceId: WORKSPACE_A, includeRemoved: true })).result).toEqual([])
    expect(await t.tickets.load(id)).toBeNull()
    expect(await t.store.loadStream(id, { snapshotSchemaVersion: TICKET_SCHEMA_VERSION })).toBeNull()
    expect(await t.store.findCommand(id, 'never-ran', '1970-01-01T00:00:00.000Z')).toBeNull()
  })

  test('currentVersion(), when offered, reports the version of the last append (0 before any)', async (t) => {
    await t.store.migrate()
    // The suite goes by the capability flag (its default: whether the method is there).
    const currentVersion = t.store.currentVersion
    if (!t.capabilities.supportsCurrentVersion || currentVersion === undefined) return
    const id = ticketId(1)
    expect(await currentVersion.call(t.store, id)).toBe(0)
    await t.run(id, createTicketCommand(id, WORKSPACE_A))
    const tagged = await t.run(id, { type: 'tag', tagId: ticketId(9) })
    expect(await currentVersion.call(t.store, id)).toBe(tagged.state.version)
    expect(tagged.state.version).toBeGreaterThan(1)
  })
}
