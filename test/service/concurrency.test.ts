import { describe, expect, it } from 'vitest'
import { createTicketService } from '../../src/service/index.js'
import { memoryStore } from '../../src/stores/memory/index.js'
import { ALICE, BOB, commentCommand, createCommand, instrument, rejectionOf, TICKET, uuid } from './service-fixtures.js'

describe('optimistic concurrency', () => {
  it('retries a command whose append lost a race and applies it on top of the winner', async () => {
    const shared = memoryStore()
    const rival = createTicketService({ store: shared })
    let conflicts = 1
    const { store, log } = instrument(shared, {
      beforeAppend: async (batch) => {
        if (batch.expectedVersion > 0 && conflicts-- > 0) await rival.execute(TICKET, { type: 'tag', tagId: uuid(7, 1) })
      },
    })
    const tickets = createTicketService({ store })
    await tickets.execute(TICKET, createCommand())

    const result = await tickets.execute(TICKET, { type: 'takeover', assigneeId: ALICE })

    expect(result.state.tags).toEqual([uuid(7, 1)])
    expect(result.state.status).toBe('ongoing')
    // The rival's tag took versions 2–3, so the takeover was decided again from version 3.
    expect(result.events[0]?.version).toBe(4)
    // create (nothing cached yet) and the retry; the first takeover attempt decided on the cached state.
    expect(log.loads.length).toBe(2)
    expect(await tickets.load(TICKET)).toEqual(result.state)
  })

  it('lands every command when two services over one store race on one ticket', async () => {
    const shared = memoryStore()
    const first = createTicketService({ store: shared })
    const second = createTicketService({ store: shared })
    await first.execute(TICKET, createCommand())
    const tags = Array.from({ length: 20 }, (_, n) => uuid(7, n + 1))

    await Promise.all(tags.map((tagId, n) => (n % 2 === 0 ? first : second).execute(TICKET, { type: 'tag', tagId })))

    const ticket = await second.load(TICKET)
    expect([...(ticket?.tags ?? [])].sort()).toEqual([...tags].sort())
    const { result } = await first.events({ limit: 1000 })
    expect(result.map((event) => event.version)).toEqual(result.map((_, index) => index + 1))
    expect(ticket?.version).toBe(result.length)
  })

  it('fails with the command’s own error when the winner made the command invalid', async () => {
    const shared = memoryStore()
    const rival = createTicketService({ store: shared })
    let conflicts = 1
    const { store } = instrument(shared, {
      beforeAppend: async (batch) => {
        if (batch.expectedVersion > 0 && conflicts-- > 0) await rival.execute(TICKET, { type: 'takeover', assigneeId: BOB })
      },
    })
    const tickets = createTicketService({ store })
    await tickets.execute(TICKET, createCommand())

    const error = await rejectionOf(tickets.execute(TICKET, { type: 'takeover', assigneeId: ALICE }))

    expect(error.code).toBe('INVALID_TRANSITION')
    expect((await tickets.load(TICKET))?.assigneeId).toBe(BOB)
  })

  it('gives up with CONCURRENCY after maxRetries retries, having written nothing of its own', async () => {
    const shared = memoryStore()
    const rival = createTicketService({ store: shared })
    let attempts = 0
    const { store } = instrument(shared, {
      beforeAppend: async (batch) => {
        if (batch.expectedVersion === 0) return
        attempts++
        await rival.execute(TICKET, commentCommand(`rival ${attempts}`))
      },
    })
    const tickets = createTicketService({ store, maxRetries: 2 })
    await tickets.execute(TICKET, createCommand())

    const error = await rejectionOf(tickets.execute(TICKET, commentCommand('mine')))

    expect(error.code).toBe('CONCURRENCY')
    expect(error.details).toMatchObject({ expectedVersion: expect.any(Number), actualVersion: expect.any(Number) })
    expect(attempts).toBe(3)
    const bodies = Object.values((await tickets.load(TICKET))?.comments ?? {}).map((comment) => comment.body)
    expect(bodies.sort()).toEqual(['rival 1', 'rival 2', 'rival 3'])
  })

  it('does not retry a failure other than CONCURRENCY', async () => {
    let attempts = 0
    const { store } = instrument(memoryStore(), {
      beforeAppend: async () => {
        attempts++
        throw new Error('disk full')
      },
    })
    const tickets = createTicketService({ store })
    await expect(tickets.execute(TICKET, createCommand())).rejects.toThrow('disk full')
    expect(attempts).toBe(1)
  })
})

describe('the state cache', () => {
  it('decides a rejection again on a fresh load, so a stale cached state never rejects a valid command', async () => {
    const shared = memoryStore()
    const cached = createTicketService({ store: shared })
    const other = createTicketService({ store: shared })
    await cached.execute(TICKET, createCommand())
    await cached.execute(TICKET, { type: 'takeover', assigneeId: ALICE })
    // Another writer moves the ticket back to pending behind the cache's back.
    await other.execute(TICKET, { type: 'update', status: 'pending' })

    const result = await cached.execute(TICKET, { type: 'takeover', assigneeId: ALICE })

    expect(result.state.status).toBe('ongoing')
    expect(result.events.map((event) => event.type)).toContain('ticket:status:changed')
  })

  it('decides a no-op again on a fresh load, so a stale cached state never swallows a change', async () => {
    const shared = memoryStore()
    const cached = createTicketService({ store: shared })
    const other = createTicketService({ store: shared })
    await cached.execute(TICKET, createCommand())
    await cached.execute(TICKET, { type: 'tag', tagId: uuid(7, 1) })
    await other.execute(TICKET, { type: 'untag', tagId: uuid(7, 1) })

    const result = await cached.execute(TICKET, { type: 'tag', tagId: uuid(7, 1) })

    expect(result.events.length).toBeGreaterThan(0)
    expect((await other.load(TICKET))?.tags).toEqual([uuid(7, 1)])
  })

  it("confirms a no-op on a cached state with the store's currentVersion instead of reloading the stream", async () => {
    const { store, log } = instrument(memoryStore())
    const tickets = createTicketService({ store })
    await tickets.execute(TICKET, createCommand())
    await tickets.execute(TICKET, { type: 'tag', tagId: uuid(7, 1) })

    const result = await tickets.execute(TICKET, { type: 'tag', tagId: uuid(7, 1) })

    expect(result.events).toEqual([])
    expect(log.loads.length).toBe(1) // only the create's; the no-op was confirmed by version
    const archived = await tickets.execute(TICKET, { type: 'archive' })
    expect(archived.state).toMatchObject({ archived: true, tags: [uuid(7, 1)], version: 4 })
    expect(archived.events.map((event) => event.type)).toEqual(['ticket:archived'])
    await expect(tickets.execute(TICKET, { type: 'tag', tagId: uuid(7, 2) })).rejects.toMatchObject({ code: 'ARCHIVED' })
    expect(log.loads.length).toBe(1)
  })

  it('reads the store on every load, with the cache turned off too', async () => {
    const shared = memoryStore()
    const uncached = createTicketService({ store: shared, cacheSize: 0 })
    const other = createTicketService({ store: shared })
    await uncached.execute(TICKET, createCommand())
    await other.execute(TICKET, { type: 'tag', tagId: uuid(7, 2) })
    expect((await uncached.load(TICKET))?.tags).toEqual([uuid(7, 2)])
    const result = await uncached.execute(TICKET, { type: 'assign', assigneeId: ALICE })
    expect(result.events[0]?.version).toBe(4)
  })
})
