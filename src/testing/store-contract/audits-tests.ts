import { expect } from 'vitest'
import type { Audit } from '../../core/model/audit.js'
import type { HandleResult } from '../../core/reducer/handle.js'
import { handle } from '../../core/reducer/handle.js'
import { batchFor } from './batch-for.js'
import type { ContractContext } from './contract-context.js'
import type { DefineContractTest } from './contract-test.js'
import { expectTicketError } from './expect-ticket-error.js'
import { addCommentCommand, createTicketCommand, tagCommand, ticketId, userId, WORKSPACE_A, WORKSPACE_B } from './fixtures.js'

/**
 * `audits()`, when the store offers it (capability `supportsAudits`): one ticket's audit
 * records in ticket-version order, paged, scoped, and kept for deleted tickets.
 */
export function defineAuditsTests(test: DefineContractTest): void {
  test('audits() returns the audit of every command that changed the ticket, in version order, as execute returned them', async (t) => {
    if (!offersAudits(t)) return
    const id = ticketId(1)
    const results = [
      await t.run(id, createTicketCommand(id, WORKSPACE_A, { tags: [1] })),
      await t.run(id, {
        type: 'takeover',
        assigneeId: userId(1),
        meta: { actor: { type: 'user', id: userId(1) }, via: { channel: 'web' } },
      }),
      await t.run(id, tagCommand(2)),
      // A no-op writes no audit.
      await t.run(id, tagCommand(2)),
      await t.run(id, addCommentCommand('Looking into it')),
      await t.run(id, { type: 'update', customFields: { status: 'vip' } }),
    ]
    const expected = auditsOf(results)
    expect(expected).toHaveLength(5)

    const page = await t.tickets.audits(id, { limit: 100 })
    expect(page.query).toEqual({ ticketId: id, limit: 100 })
    expect(page.result).toEqual(expected)
    expect(page.result.map((audit) => audit.version)).toEqual([1, 4, 6, 7, 9])
    // Every event inside has its own id, and a custom field never passes for a built-in one.
    const eventIds = page.result.flatMap((audit) => audit.events.map((event) => event.id))
    expect(new Set(eventIds).size).toBe(eventIds.length)
    expect(page.result.at(-1)?.events).toEqual([
      { id: `${page.result.at(-1)?.id}.1`, type: 'Change', field_name: 'custom_fields.status', value: 'vip', previous_value: null },
    ])
  })

  test('audits() pages with afterId and limit (default 25), each audit exactly once and in order', async (t) => {
    if (!offersAudits(t)) return
    const id = ticketId(1)
    const results = [await t.run(id, createTicketCommand(id, WORKSPACE_A))]
    for (let n = 1; n <= 27; n++) results.push(await t.run(id, tagCommand(n)))
    const all = auditsOf(results)

    const first = await t.tickets.audits(id)
    expect(first.query.limit).toBe(25)
    expect(first.result).toEqual(all.slice(0, 25))

    const seen: Audit[] = []
    let afterId: string | undefined
    for (;;) {
      const page = await t.tickets.audits(id, { limit: 4, ...(afterId === undefined ? {} : { afterId }) })
      expect(page.result.length).toBeLessThanOrEqual(4)
      if (page.result.length === 0) break
      seen.push(...page.result)
      afterId = page.result.at(-1)?.id
    }
    expect(seen).toEqual(all)
    // A lower-case cursor names the same audit (ULIDs are case-insensitive).
    const lower = await t.tickets.audits(id, { afterId: all[25]?.id.toLowerCase(), limit: 1000 })
    expect(lower.result).toEqual(all.slice(26))
  })

  test('audits() come back in ticket-version order even when audit ids sort otherwise', async (t) => {
    if (!offersAudits(t)) return
    await t.store.migrate()
    const id = ticketId(1)
    // Two processes minting ids in one millisecond: the later command's audit id sorts first.
    const ids = ['01HZZZZZZZZZZZZZZZZZZZZZZ9', '01HZZZZZZZZZZZZZZZZZZZZZZ1', '01HZZZZZZZZZZZZZZZZZZZZZZ5']
    let state = null as HandleResult['state'] | null
    const audits: Audit[] = []
    const commands = [createTicketCommand(id, WORKSPACE_A), tagCommand(1), tagCommand(2)]
    for (const [index, command] of commands.entries()) {
      const result = handle(state, command, { now: t.ctx.now, newId: t.ctx.newId })
      const audit = { ...(result.audit as Audit), id: ids[index] as string }
      await t.store.append(batchFor(state?.version ?? 0, { ...result, audit }))
      audits.push(audit)
      state = result.state
    }
    const read = await t.tickets.audits(id)
    expect(read.result.map((audit) => audit.id)).toEqual(ids)
    expect(read.result.map((audit) => audit.version)).toEqual([1, 3, 5])
    expect((await t.tickets.audits(id, { afterId: ids[0] })).result.map((audit) => audit.id)).toEqual(ids.slice(1))
  })

  test("audits() of a missing ticket, or of another workspace's ticket, is NOT_FOUND", async (t) => {
    if (!offersAudits(t)) return
    const id = ticketId(1)
    const created = await t.run(id, createTicketCommand(id, WORKSPACE_A))
    const error = await expectTicketError(() => t.tickets.audits(ticketId(2)), 'NOT_FOUND')
    expect(error.details).toEqual({ ticketId: ticketId(2) })
    await expectTicketError(() => t.tickets.audits(id, undefined, { workspaceId: WORKSPACE_B }), 'NOT_FOUND')
    expect((await t.tickets.audits(id, undefined, { workspaceId: WORKSPACE_A })).result).toEqual(auditsOf([created]))
  })

  test("a deleted ticket's audits stay readable, its deletion last", async (t) => {
    if (!offersAudits(t)) return
    const id = ticketId(1)
    const results = [await t.run(id, createTicketCommand(id, WORKSPACE_A)), await t.run(id, { type: 'delete' })]
    const { result } = await t.tickets.audits(id)
    expect(result).toEqual(auditsOf(results))
    expect(result.at(-1)?.events).toMatchObject([{ type: 'Change', field_name: 'deleted', value: true, previous_value: false }])
  })

  test('audits() refuses a cursor outside the ticket, a limit outside 1..1000 and unknown options with VALIDATION', async (t) => {
    if (!offersAudits(t)) return
    const one = ticketId(1)
    const two = ticketId(2)
    await t.run(one, createTicketCommand(one, WORKSPACE_A))
    const other = await t.run(two, createTicketCommand(two, WORKSPACE_A))
    const foreignAudit = other.audit?.id as string
    const anEvent = other.events[0]?.id as string
    for (const afterId of [foreignAudit, anEvent, 'not-a-ulid']) {
      await expectTicketError(() => t.tickets.audits(one, { afterId }), 'VALIDATION', { issuePath: 'afterId', label: afterId })
    }
    for (const limit of [0, 1001, 2.5]) {
      await expectTicketError(() => t.tickets.audits(one, { limit }), 'VALIDATION', { issuePath: 'limit', label: String(limit) })
    }
    await expectTicketError(() => t.tickets.audits(one, { after: 'x' } as never), 'VALIDATION', { label: 'unknown key' })
    await expectTicketError(() => t.tickets.audits('not-a-uuid'), 'VALIDATION', { issuePath: 'ticketId' })
  })

  test('audits() on a store without them is UNSUPPORTED', async (t) => {
    if (t.capabilities.supportsAudits) return
    const error = await expectTicketError(() => t.tickets.audits(ticketId(1)), 'UNSUPPORTED')
    expect(error.details).toMatchObject({ capability: 'supportsAudits' })
  })
}

function offersAudits(t: ContractContext): boolean {
  return t.capabilities.supportsAudits
}

/** The audits of the results that wrote one, in order. */
function auditsOf(results: readonly HandleResult[]): Audit[] {
  return results.flatMap((result) => (result.audit === null ? [] : [result.audit]))
}
