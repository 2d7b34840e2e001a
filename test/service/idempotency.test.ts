import { describe, expect, it } from 'vitest'
import type { Command, HandleResult } from '../../src/index.js'
import { createTicketService } from '../../src/service/index.js'
import { memoryStore } from '../../src/stores/memory/index.js'
import { createTestContext } from '../../src/testing/index.js'
import { commentCommand, createCommand, instrument, OTHER_TICKET, TICKET, uuid } from './service-fixtures.js'

const HOUR = 60 * 60 * 1000

const commentBodies = async (tickets: ReturnType<typeof createTicketService>, ticketId = TICKET) =>
  Object.values((await tickets.load(ticketId))?.comments ?? {}).map((comment) => comment.body)

describe('idempotency by meta.commandId', () => {
  it('returns the first result for a repeated command id and appends nothing', async () => {
    const { store, log } = instrument(memoryStore())
    const tickets = createTicketService({ store })
    await tickets.execute(TICKET, createCommand())

    const first = await tickets.execute(TICKET, commentCommand('hello', 'comment-1'))
    const second = await tickets.execute(TICKET, commentCommand('hello', 'comment-1'))

    expect(second).toEqual(first)
    expect(log.appends.length).toBe(2)
    expect(await commentBodies(tickets)).toEqual(['hello'])
  })

  it('returns the first result even when the repeat carries different fields', async () => {
    const tickets = createTicketService({ store: memoryStore() })
    await tickets.execute(TICKET, createCommand())
    const first = await tickets.execute(TICKET, commentCommand('hello', 'comment-1'))
    const repeat = await tickets.execute(TICKET, commentCommand('a retry with other text', 'comment-1'))
    expect(repeat).toEqual(first)
    expect(await commentBodies(tickets)).toEqual(['hello'])
  })

  it('runs concurrent duplicates once and gives every caller the same result', async () => {
    const { store, log } = instrument(memoryStore())
    const tickets = createTicketService({ store })
    await tickets.execute(TICKET, createCommand())

    const results = await Promise.all(Array.from({ length: 5 }, () => tickets.execute(TICKET, commentCommand('once', 'comment-1'))))

    for (const result of results) expect(result).toEqual(results[0])
    expect(log.appends.length).toBe(2)
    expect(await commentBodies(tickets)).toEqual(['once'])
  })

  it('runs concurrent duplicates from two services over one store once', async () => {
    const shared = memoryStore()
    const first = createTicketService({ store: shared })
    const second = createTicketService({ store: shared })
    await first.execute(TICKET, createCommand())

    const [a, b] = await Promise.all([
      first.execute(TICKET, commentCommand('once', 'c-1')),
      second.execute(TICKET, commentCommand('once', 'c-1')),
    ])

    expect(b).toEqual(a)
    expect(await commentBodies(first)).toEqual(['once'])
  })

  it('returns the first result to a duplicate that loaded the ticket just after the first one landed', async () => {
    // The duplicate checks for its command id, then the original commits, then the duplicate
    // loads the new state: only the store's command record can stop a second append now.
    const shared = memoryStore()
    const original = createTicketService({ store: shared })
    await original.execute(TICKET, createCommand())
    let first: unknown
    let injected = false
    const { store } = instrument(shared, {
      beforeLoad: async () => {
        if (injected) return
        injected = true
        first = await original.execute(TICKET, commentCommand('once', 'c-1'))
      },
    })
    const duplicate = createTicketService({ store })

    const second = await duplicate.execute(TICKET, commentCommand('once', 'c-1'))

    expect(second).toEqual(first)
    expect(await commentBodies(original)).toEqual(['once'])
  })

  it('returns the first result to a duplicate create that loaded the ticket just after the first one landed', async () => {
    // On the new state a create is refused (ALREADY_EXISTS): the duplicate must look for its
    // command id again after the load, not trust the lookup it made before.
    const shared = memoryStore()
    const original = createTicketService({ store: shared })
    const command = { ...createCommand(), meta: { commandId: 'create-1' } }
    let first: unknown
    const { store } = instrument(shared, {
      beforeLoad: async () => {
        first ??= await original.execute(TICKET, command)
      },
    })
    const duplicate = createTicketService({ store })

    const second = await duplicate.execute(TICKET, command)

    expect(first).toBeDefined()
    expect(second).toEqual(first)
  })

  it('returns the first result to a duplicate that finds the change already made, not an empty one', async () => {
    // A repeated tag on the new state changes nothing, so deciding on it alone would
    // answer with no events; the caller asked once and must get the first answer.
    const shared = memoryStore()
    const original = createTicketService({ store: shared })
    await original.execute(TICKET, createCommand())
    const tag: Command = { type: 'tag', tagId: uuid(7, 1), meta: { commandId: 'tag-1' } }
    let first: HandleResult | undefined
    const { store } = instrument(shared, {
      beforeLoad: async () => {
        first ??= await original.execute(TICKET, tag)
      },
    })
    const duplicate = createTicketService({ store })

    const second = await duplicate.execute(TICKET, tag)

    expect(first?.events.length).toBeGreaterThan(0)
    expect(second).toEqual(first)
  })

  it('runs a repeated command id again once the dedupe window has passed', async () => {
    const ctx = createTestContext()
    const tickets = createTicketService({ store: memoryStore(), ctx, dedupeWindowMs: 24 * HOUR })
    await tickets.execute(TICKET, createCommand())
    const first = await tickets.execute(TICKET, commentCommand('hello', 'comment-1'))

    ctx.advance(23 * HOUR)
    expect(await tickets.execute(TICKET, commentCommand('hello', 'comment-1'))).toEqual(first)

    ctx.advance(2 * HOUR)
    const rerun = await tickets.execute(TICKET, commentCommand('hello', 'comment-1'))
    expect(rerun.events.length).toBeGreaterThan(0)
    expect(rerun.state.version).toBeGreaterThan(first.state.version)
    expect(await commentBodies(tickets)).toEqual(['hello', 'hello'])

    // The re-run is remembered from now on.
    expect(await tickets.execute(TICKET, commentCommand('hello', 'comment-1'))).toEqual(rerun)
  })

  it('keeps command ids per ticket', async () => {
    const tickets = createTicketService({ store: memoryStore() })
    await tickets.execute(TICKET, createCommand())
    await tickets.execute(OTHER_TICKET, createCommand())
    await tickets.execute(TICKET, commentCommand('on the first', 'same-id'))
    await tickets.execute(OTHER_TICKET, commentCommand('on the second', 'same-id'))
    expect(await commentBodies(tickets, TICKET)).toEqual(['on the first'])
    expect(await commentBodies(tickets, OTHER_TICKET)).toEqual(['on the second'])
  })

  it('remembers a create command, so a retried create returns the ticket instead of ALREADY_EXISTS', async () => {
    const tickets = createTicketService({ store: memoryStore() })
    const command = { ...createCommand(), meta: { commandId: 'create-1' } }
    const first = await tickets.execute(TICKET, command)
    expect(await tickets.execute(TICKET, command)).toEqual(first)
  })
})
