import { expect } from 'vitest'
import type { ContractContext } from './contract-context.js'
import type { DefineContractTest } from './contract-test.js'
import { expectTicketError } from './expect-ticket-error.js'
import { addCommentCommand, createTicketCommand, ticketId, WORKSPACE_A } from './fixtures.js'
import { settledLog } from './observe-store.js'

/** `prune({ before })`, when offered (capability `supportsPrune`): it deletes old command records and nothing else. */
export function definePruneTests(test: DefineContractTest): void {
  test('prune() deletes the command records recorded before `before`, says how many, and keeps the rest', async (t) => {
    const prune = pruneOf(t)
    if (prune === undefined) return
    const id = ticketId(1)
    await t.run(id, createTicketCommand(id, WORKSPACE_A, { commandId: 'create-1' }))
    const old = await t.run(id, addCommentCommand('old', 'comment-old'))
    const before = new Date(t.clock.now().getTime() + 500).toISOString()
    const kept = await t.run(id, addCommentCommand('kept', 'comment-kept'))
    const log = await settledLog(t)

    expect(await prune({ before })).toBe(2)

    expect(await t.store.findCommand(id, 'create-1', '1970-01-01T00:00:00.000Z')).toBeNull()
    expect(await t.store.findCommand(id, 'comment-old', '1970-01-01T00:00:00.000Z')).toBeNull()
    expect(await t.store.findCommand(id, 'comment-kept', '1970-01-01T00:00:00.000Z')).toEqual(kept)
    // Only command records go: the log, the ticket and its list row stay.
    expect(await settledLog(t)).toEqual(log)
    expect(await t.tickets.load(id)).toEqual(kept.state)
    expect((await t.tickets.list({ workspaceId: WORKSPACE_A })).result).toEqual([kept.state])
    // A repeat of a kept command still returns its first result; a pruned one runs again.
    expect(await t.run(id, addCommentCommand('kept', 'comment-kept'))).toEqual(kept)
    const again = await t.run(id, addCommentCommand('old', 'comment-old'))
    expect(again.state.version).toBe(kept.state.version + 1)
    expect(again.events[0]?.id).not.toBe(old.events[0]?.id)
    expect(await prune({ before })).toBe(0)
  })

  test('prune() takes a Date, compares instants whatever the offset, and keeps a record recorded exactly at `before`', async (t) => {
    const prune = pruneOf(t)
    if (prune === undefined) return
    const id = ticketId(1)
    await t.run(id, createTicketCommand(id, WORKSPACE_A, { commandId: 'create-1' }))
    const recordedAt = t.clock.now()
    expect(await prune({ before: recordedAt })).toBe(0)
    // The same instant written two hours east of UTC: still not before it.
    const east = new Date(recordedAt.getTime() + 2 * 3_600_000).toISOString().replace('Z', '+02:00')
    expect(await prune({ before: east })).toBe(0)
    expect(await prune({ before: new Date(recordedAt.getTime() + 1) })).toBe(1)
  })

  test('prune() refuses a missing or malformed `before` with VALIDATION and deletes nothing', async (t) => {
    const prune = pruneOf(t)
    if (prune === undefined) return
    const id = ticketId(1)
    const created = await t.run(id, createTicketCommand(id, WORKSPACE_A, { commandId: 'create-1' }))
    for (const options of [{}, { before: 'yesterday' }, { before: new Date(Number.NaN) }, { before: 42 }, null]) {
      await expectTicketError(() => prune(options as never), 'VALIDATION', { label: JSON.stringify(options) })
    }
    expect(await t.store.findCommand(id, 'create-1', '1970-01-01T00:00:00.000Z')).toEqual(created)
  })
}

/** The store's `prune`, bound, once its tables exist; `undefined` for a store without it. */
function pruneOf(t: ContractContext): ((options: { readonly before: string | Date }) => Promise<number>) | undefined {
  const prune = t.store.prune
  return prune === undefined || !t.capabilities.supportsPrune
    ? undefined
    : (options) => t.store.migrate().then(() => prune.call(t.store, options))
}
