import { describe, expect, it } from 'vitest'
import { replay } from '../../src/index.js'
import { createTicketService } from '../../src/service/index.js'
import { memoryStore } from '../../src/stores/memory/index.js'
import { createTestContext } from '../../src/testing/index.js'
import { ALICE, createCommand, everything, instrument, OTHER_TICKET, rejectionOf, TICKET, uuid, WORKSPACE } from './service-fixtures.js'

describe('execute', () => {
  it('creates a ticket under the id it is executed on and returns the new state, events and audit', async () => {
    const tickets = createTicketService({ store: memoryStore(), ctx: createTestContext() })
    const result = await tickets.execute(TICKET, createCommand())
    expect(result.state.id).toBe(TICKET)
    expect(result.state.version).toBe(1)
    expect(result.events.map((event) => event.type)).toEqual(['ticket:created'])
    expect(result.audit?.ticketId).toBe(TICKET)
    expect(await tickets.load(TICKET)).toEqual(result.state)
  })

  it('accepts a create command that names the same ticket id', async () => {
    const tickets = createTicketService({ store: memoryStore() })
    const result = await tickets.execute(TICKET, { ...createCommand(), ticketId: TICKET })
    expect(result.state.id).toBe(TICKET)
  })

  it('rejects a create command that names another ticket id, and stores nothing', async () => {
    const tickets = createTicketService({ store: memoryStore() })
    const error = await rejectionOf(tickets.execute(TICKET, { ...createCommand(), ticketId: OTHER_TICKET }))
    expect(error.code).toBe('VALIDATION')
    expect(error.issues.map((issue) => issue.path)).toEqual([['ticketId']])
    expect(await tickets.load(TICKET)).toBeNull()
    expect(await tickets.load(OTHER_TICKET)).toBeNull()
  })

  it('appends every command’s events so that replaying the log gives the loaded state', async () => {
    const tickets = createTicketService({ store: memoryStore(), ctx: createTestContext() })
    await tickets.execute(TICKET, createCommand())
    await tickets.execute(TICKET, { type: 'takeover', assigneeId: ALICE })
    await tickets.execute(TICKET, { type: 'tag', tagId: uuid(7, 1) })
    const last = await tickets.execute(TICKET, { type: 'complete', userId: ALICE })
    const { result } = await tickets.events({ limit: 1000 })
    expect(result.map((event) => event.version)).toEqual(result.map((_, index) => index + 1))
    expect(replay(result)).toEqual(last.state)
    expect(await tickets.load(TICKET)).toEqual(last.state)
  })

  it('appends nothing for a command that changes nothing', async () => {
    const { store, log } = instrument(memoryStore())
    const tickets = createTicketService({ store })
    await tickets.execute(TICKET, createCommand())
    await tickets.execute(TICKET, { type: 'tag', tagId: uuid(7, 1) })
    const appendsBefore = log.appends.length
    const again = await tickets.execute(TICKET, { type: 'tag', tagId: uuid(7, 1) })
    expect(again.events).toEqual([])
    expect(again.audit).toBeNull()
    expect(log.appends.length).toBe(appendsBefore)
  })

  it('fails with the core’s own error for a command the ticket refuses, and stores nothing', async () => {
    const tickets = createTicketService({ store: memoryStore() })
    await tickets.execute(TICKET, createCommand())
    await tickets.execute(TICKET, { type: 'takeover', assigneeId: ALICE })
    const before = await everything(tickets)
    const error = await rejectionOf(tickets.execute(TICKET, { type: 'takeover', assigneeId: ALICE }))
    expect(error.code).toBe('INVALID_TRANSITION')
    expect(await everything(tickets)).toEqual(before)
  })

  it('refuses a second create of the same ticket with ALREADY_EXISTS', async () => {
    const tickets = createTicketService({ store: memoryStore() })
    await tickets.execute(TICKET, createCommand())
    expect((await rejectionOf(tickets.execute(TICKET, createCommand()))).code).toBe('ALREADY_EXISTS')
  })

  it('answers NOT_FOUND for a command on a ticket that does not exist', async () => {
    const tickets = createTicketService({ store: memoryStore() })
    expect((await rejectionOf(tickets.execute(TICKET, { type: 'takeover', assigneeId: ALICE }))).code).toBe('NOT_FOUND')
  })

  it('keeps returned state frozen, so a caller cannot change what the store holds', async () => {
    const tickets = createTicketService({ store: memoryStore() })
    await tickets.execute(TICKET, createCommand(WORKSPACE, 'original'))
    const loaded = await tickets.load(TICKET)
    expect(() => {
      ;(loaded as { summary: string | null }).summary = 'changed'
    }).toThrow(TypeError)
    expect((await tickets.load(TICKET))?.summary).toBe('original')
  })
})

describe('the store guard', () => {
  it('migrates the store once, however many calls race to use it first', async () => {
    const { store, log } = instrument(memoryStore())
    const tickets = createTicketService({ store })
    await Promise.all([
      tickets.load(TICKET),
      tickets.events(),
      tickets.list({ workspaceId: WORKSPACE }),
      tickets.execute(TICKET, createCommand()),
    ])
    await tickets.load(TICKET)
    expect(log.migrations).toBe(1)
  })

  it('tries a failed migration again on the next call', async () => {
    let failures = 1
    const { store, log } = instrument(memoryStore(), {
      migrate: async () => {
        if (failures-- > 0) throw new Error('database is starting up')
      },
    })
    const tickets = createTicketService({ store })
    await expect(tickets.load(TICKET)).rejects.toThrow('database is starting up')
    expect(await tickets.load(TICKET)).toBeNull()
    await tickets.load(TICKET)
    expect(log.migrations).toBe(2)
  })

  it('closes the store once, however often close is called', async () => {
    const { store, log } = instrument(memoryStore())
    const tickets = createTicketService({ store })
    await Promise.all([tickets.close(), tickets.close()])
    await tickets.close()
    expect(log.closes).toBe(1)
  })
})
