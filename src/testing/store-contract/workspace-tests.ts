import { expect } from 'vitest'
import type { DefineContractTest } from './contract-test.js'
import { expectTicketError } from './expect-ticket-error.js'
import { addCommentCommand, createTicketCommand, tagCommand, tagId, ticketId, userId, WORKSPACE_A, WORKSPACE_B } from './fixtures.js'
import { INTERLEAVED_TICKETS, runInterleavedHistory } from './interleaved-history.js'
import { observeStore, settledLog } from './observe-store.js'

/** A workspace never sees another workspace's tickets or events. */
export function defineWorkspaceTests(test: DefineContractTest): void {
  test("list() never shows another workspace's tickets", async (t) => {
    const inA = ticketId(1)
    const inB = ticketId(2)
    // Twins: the same chat, assignee, tag and summary, so only the workspace tells them apart.
    await t.run(inA, createTicketCommand(inA, WORKSPACE_A, { summary: 'twin ticket', tags: [1], assignee: 1 }))
    await t.run(inB, createTicketCommand(inB, WORKSPACE_B, { summary: 'twin ticket', tags: [1], assignee: 1 }))

    const query = { tagIds: [tagId(1)], assigneeIds: [userId(1)], search: 'twin', includeRemoved: true }
    expect((await t.tickets.list({ workspaceId: WORKSPACE_A, ...query })).result.map((ticket) => ticket.id)).toEqual([inA])
    expect((await t.tickets.list({ workspaceId: WORKSPACE_B, ...query })).result.map((ticket) => ticket.id)).toEqual([inB])
    expect((await t.tickets.list({ workspaceId: ticketId(99) })).result).toEqual([])
  })

  test("events({ workspaceId }) never shows another workspace's events", async (t) => {
    const history = await runInterleavedHistory(t)

    for (const workspaceId of [WORKSPACE_A, WORKSPACE_B]) {
      const own = history.events.filter((event) => event.workspaceId === workspaceId)
      expect((await t.tickets.events({ workspaceId, limit: 1000 })).result).toEqual(own)
      const ownCreates = own.filter((event) => event.type === 'ticket:created')
      expect((await t.tickets.events({ workspaceId, type: 'ticket:created', limit: 1000 })).result).toEqual(ownCreates)
    }
    expect((await t.tickets.events({ workspaceId: ticketId(99), limit: 1000 })).result).toEqual([])
  })

  test('load() scoped to another workspace returns null, like a missing ticket', async (t) => {
    const history = await runInterleavedHistory(t)
    const [inA, inB] = INTERLEAVED_TICKETS

    expect(await t.tickets.load(inB, undefined, { workspaceId: WORKSPACE_A })).toBeNull()
    expect(await t.tickets.load(inA, undefined, { workspaceId: WORKSPACE_B })).toBeNull()
    expect(await t.tickets.load(inA, undefined, { workspaceId: WORKSPACE_A })).toEqual(history.states.get(inA))
  })

  test('execute() scoped to another workspace is NOT_FOUND and appends nothing', async (t) => {
    const inB = ticketId(2)
    await t.run(inB, createTicketCommand(inB, WORKSPACE_B))
    // A command id remembered in workspace B must not leak its result into workspace A.
    await t.run(inB, addCommentCommand('remembered in B', 'comment-1'))
    const before = await observeStore(t, [inB])

    await expectTicketError(() => t.run(inB, tagCommand(1), { workspaceId: WORKSPACE_A }), 'NOT_FOUND')
    await expectTicketError(() => t.run(inB, addCommentCommand('remembered in B', 'comment-1'), { workspaceId: WORKSPACE_A }), 'NOT_FOUND')

    expect(await observeStore(t, [inB])).toEqual(before)
  })

  test('an afterId from another workspace is VALIDATION', async (t) => {
    await runInterleavedHistory(t)
    const log = await settledLog(t)
    const fromB = log.find((event) => event.workspaceId === WORKSPACE_B)?.id as string
    const fromA = log.find((event) => event.workspaceId === WORKSPACE_A)?.id as string

    await expectTicketError(() => t.tickets.events({ workspaceId: WORKSPACE_A, afterId: fromB }), 'VALIDATION')
    await expectTicketError(() => t.tickets.events({ workspaceId: WORKSPACE_B, afterId: fromA }), 'VALIDATION')
    expect((await t.tickets.events({ workspaceId: WORKSPACE_A, afterId: fromA, limit: 1000 })).result).toEqual(
      log.filter((event) => event.workspaceId === WORKSPACE_A).slice(1),
    )
  })
}
