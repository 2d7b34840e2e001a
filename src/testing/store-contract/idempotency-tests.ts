import { expect } from 'vitest'
import { handle } from '../../core/reducer/handle.js'
import { batchFor } from './batch-for.js'
import type { ContractContext } from './contract-context.js'
import type { DefineContractTest } from './contract-test.js'
import { expectTicketError } from './expect-ticket-error.js'
import { addCommentCommand, createTicketCommand, tagCommand, ticketId, WORKSPACE_A } from './fixtures.js'
import { observeStore, settledLog } from './observe-store.js'

/** The dedupe window the window tests configure: one minute. */
const WINDOW_MS = 60_000

async function existingTicket(t: ContractContext): Promise<string> {
  const id = ticketId(1)
  await t.run(id, createTicketCommand(id, WORKSPACE_A))
  return id
}

/** A repeated `meta.commandId` returns the first result and appends nothing, within the dedupe window. */
export function defineIdempotencyTests(test: DefineContractTest): void {
  test('a repeated commandId returns the first result and appends nothing', async (t) => {
    const id = await existingTicket(t)
    const first = await t.run(id, addCommentCommand('only once', 'comment-1'))
    const before = await observeStore(t, [id])

    const again = await t.run(id, addCommentCommand('only once', 'comment-1'))

    expect(again).toEqual(first)
    expect(await observeStore(t, [id])).toEqual(before)
    expect(Object.keys((await t.tickets.load(id))?.comments ?? {})).toHaveLength(1)
  })

  test('a repeated create with one commandId returns the first result instead of ALREADY_EXISTS', async (t) => {
    const id = ticketId(1)
    const first = await t.run(id, createTicketCommand(id, WORKSPACE_A, { commandId: 'create-1' }))

    const again = await t.run(id, createTicketCommand(id, WORKSPACE_A, { commandId: 'create-1' }))

    expect(again).toEqual(first)
    expect(await settledLog(t)).toEqual(first.events)
  })

  test('two concurrent executes with one commandId append once and both return that result', async (t) => {
    const id = await existingTicket(t)
    t.clock.advance(1000)

    const [left, right] = await Promise.all([
      t.tickets.execute(id, addCommentCommand('raced', 'comment-1')),
      t.tickets.execute(id, addCommentCommand('raced', 'comment-1')),
    ])

    expect(right).toEqual(left)
    const log = await settledLog(t)
    expect(log.filter((event) => event.type === 'ticket:comment:added')).toEqual(left.events)
    expect(await t.tickets.load(id)).toEqual(left.state)
  })

  test('two concurrent creates with one commandId store one ticket and both return its result', async (t) => {
    const id = ticketId(1)
    t.clock.advance(1000)

    const [left, right] = await Promise.all([
      t.tickets.execute(id, createTicketCommand(id, WORKSPACE_A, { commandId: 'create-1' })),
      t.tickets.execute(id, createTicketCommand(id, WORKSPACE_A, { commandId: 'create-1' })),
    ])

    expect(right).toEqual(left)
    expect(await settledLog(t)).toEqual(left.events)
  })

  test('an append whose commandId is recorded and still inside its window is refused with CONCURRENCY and writes nothing', async (t) => {
    // What keeps a racing duplicate from applying twice when it decided on the state its
    // original left: the version matches, only the record can refuse it.
    const id = ticketId(1)
    await t.store.migrate()
    const created = handle(null, createTicketCommand(id, WORKSPACE_A), t.ctx)
    const recordedAt = t.clock.now().toISOString()
    await t.store.append(batchFor(0, created, { command: { commandId: 'tag-1', recordedAt } }))
    t.clock.advance(1000)
    const tagged = handle(created.state, tagCommand(1), t.ctx)
    const before = await observeStore(t, [id])

    const repeat = batchFor(created.state.version, tagged, {
      command: { commandId: 'tag-1', recordedAt: t.clock.now().toISOString(), notBefore: recordedAt },
    })
    await expectTicketError(() => t.store.append(repeat), 'CONCURRENCY')

    expect(await observeStore(t, [id])).toEqual(before)
    expect(await t.store.findCommand(id, 'tag-1', recordedAt)).toEqual({
      state: created.state,
      events: created.events,
      audit: created.audit,
    })
  })

  test('a commandId is remembered for the whole dedupe window', async (t) => {
    const tickets = t.service({ dedupeWindowMs: WINDOW_MS })
    const id = await existingTicket(t)
    const first = await tickets.execute(id, addCommentCommand('once per window', 'comment-1'))

    t.clock.advance(WINDOW_MS - 1)
    const again = await tickets.execute(id, addCommentCommand('once per window', 'comment-1'))

    expect(again).toEqual(first)
    expect(await settledLog(t)).toHaveLength(2)
  })

  test('after the dedupe window a repeated commandId runs again', async (t) => {
    const tickets = t.service({ dedupeWindowMs: WINDOW_MS })
    const id = await existingTicket(t)
    const first = await tickets.execute(id, addCommentCommand('once per window', 'comment-1'))

    t.clock.advance(WINDOW_MS + 1)
    const again = await tickets.execute(id, addCommentCommand('once per window', 'comment-1'))

    expect(again.events).toHaveLength(1)
    expect(again.events[0]?.id).not.toBe(first.events[0]?.id)
    expect(again.state.version).toBe(first.state.version + 1)
    expect(Object.keys((await t.tickets.load(id))?.comments ?? {})).toHaveLength(2)
    // The new run is the one remembered now: a third try inside the new window returns it.
    const third = await tickets.execute(id, addCommentCommand('once per window', 'comment-1'))
    expect(third).toEqual(again)
  })
}
