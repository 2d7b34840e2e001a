import { describe, expect, it } from 'vitest'
import { isTicketError, type TicketStore } from '../../src/index.js'
import { createTicketService } from '../../src/service/index.js'
import { memoryStore } from '../../src/stores/memory/index.js'
import { ALICE, BOB, createCommand, instrument, rejectionOf, TICKET, uuid } from './service-fixtures.js'

describe('execute with an expected version', () => {
  it('runs the command when the ticket is at the expected version', async () => {
    const tickets = createTicketService({ store: memoryStore() })
    await tickets.execute(TICKET, createCommand(), undefined, { expectedVersion: 0 })
    const { state } = await tickets.execute(TICKET, { type: 'takeover', assigneeId: ALICE }, undefined, { expectedVersion: 1 })
    expect(state).toMatchObject({ status: 'ongoing', assigneeId: ALICE, version: 4 })
  })

  it('refuses with CONCURRENCY, not retryable, naming both versions, when the ticket moved on; nothing is appended', async () => {
    const tickets = createTicketService({ store: memoryStore() })
    await tickets.execute(TICKET, createCommand())
    await tickets.execute(TICKET, { type: 'tag', tagId: uuid(7, 1) })
    const before = await tickets.events({ limit: 1000 })

    const error = await rejectionOf(tickets.execute(TICKET, { type: 'assign', assigneeId: ALICE }, undefined, { expectedVersion: 1 }))

    expect(error).toMatchObject({
      code: 'CONCURRENCY',
      retryable: false,
      details: { ticketId: TICKET, expectedVersion: 1, actualVersion: 3 },
    })
    expect((await tickets.events({ limit: 1000 })).result).toEqual(before.result)
  })

  it('refuses a create on an existing ticket with expectedVersion 0 as CONCURRENCY', async () => {
    const tickets = createTicketService({ store: memoryStore() })
    await tickets.execute(TICKET, createCommand())
    const error = await rejectionOf(tickets.execute(TICKET, createCommand(), undefined, { expectedVersion: 0 }))
    expect(error).toMatchObject({ code: 'CONCURRENCY', details: { expectedVersion: 0, actualVersion: 1 } })
  })

  it('does not retry a lost race, and appends nothing of its own', async () => {
    const shared = memoryStore()
    const rival = createTicketService({ store: shared })
    const attempts: number[] = []
    const { store } = instrument(shared, {
      beforeAppend: async (batch) => {
        attempts.push(batch.expectedVersion)
        if (attempts.length === 2) await rival.execute(TICKET, { type: 'tag', tagId: uuid(7, 1) })
      },
    })
    const tickets = createTicketService({ store })
    await tickets.execute(TICKET, createCommand())

    const error = await rejectionOf(tickets.execute(TICKET, { type: 'takeover', assigneeId: ALICE }, undefined, { expectedVersion: 1 }))

    expect(error).toMatchObject({ code: 'CONCURRENCY', retryable: false, details: { expectedVersion: 1, actualVersion: 3 } })
    // The create, the takeover that lost the race, and no second try.
    expect(attempts).toEqual([0, 1])
    expect((await tickets.load(TICKET))?.status).toBe('pending')
  })

  it('returns the first result of a repeated command id even after the ticket moved on', async () => {
    const tickets = createTicketService({ store: memoryStore() })
    await tickets.execute(TICKET, createCommand())
    const takeover = { type: 'takeover', assigneeId: ALICE, meta: { commandId: 'takeover-1' } } as const
    const first = await tickets.execute(TICKET, takeover, undefined, { expectedVersion: 1 })
    await tickets.execute(TICKET, { type: 'tag', tagId: uuid(7, 1) })
    expect(await tickets.execute(TICKET, takeover, undefined, { expectedVersion: 1 })).toEqual(first)
  })

  it('returns the first result to a racing duplicate that read the version the first one moved to', async () => {
    // The duplicate misses the first one's record, then reads the ticket after it landed:
    // the version is no longer the expected one, but the command is the same one.
    const shared = memoryStore()
    const original = createTicketService({ store: shared })
    await original.execute(TICKET, createCommand())
    const takeover = { type: 'takeover', assigneeId: ALICE, meta: { commandId: 'takeover-1' } } as const
    let first: unknown
    const { store } = instrument(shared, {
      beforeLoad: async () => {
        first ??= await original.execute(TICKET, takeover, undefined, { expectedVersion: 1 })
      },
    })
    const duplicate = createTicketService({ store })

    const second = await duplicate.execute(TICKET, takeover, undefined, { expectedVersion: 1 })

    expect(first).toBeDefined()
    expect(second).toEqual(first)
  })

  it('checks against the store, not a stale cached state', async () => {
    const store = memoryStore()
    const mine = createTicketService({ store })
    const theirs = createTicketService({ store })
    await mine.execute(TICKET, createCommand())
    await theirs.execute(TICKET, { type: 'tag', tagId: uuid(7, 1) })
    // My cache says version 1; the store says 3, which is what the caller expects.
    const { state } = await mine.execute(TICKET, { type: 'assign', assigneeId: BOB }, undefined, { expectedVersion: 3 })
    expect(state).toMatchObject({ assigneeId: BOB, tags: [uuid(7, 1)], version: 5 })
  })
})

describe('a closed service', () => {
  it('refuses every call with CLOSED, whatever its store does after close', async () => {
    const tickets = createTicketService({ store: memoryStore({ name: 'in-memory' }) })
    await tickets.execute(TICKET, createCommand())
    await tickets.close()
    for (const call of [
      () => tickets.execute(TICKET, { type: 'assign', assigneeId: ALICE }),
      () => tickets.load(TICKET),
      () => tickets.events(),
      () => tickets.list({ workspaceId: createCommand().workspaceId }),
    ]) {
      const error = await rejectionOf(call())
      expect(error).toMatchObject({ code: 'CLOSED', retryable: false, details: { store: 'in-memory' } })
    }
  })
})

describe('store capabilities', () => {
  it('uses no optional method whose capability the store turns off', async () => {
    const calls: string[] = []
    const base = memoryStore()
    const store: TicketStore = {
      ...base,
      capabilities: { supportsCurrentVersion: false, supportsHasEvent: false },
      currentVersion: async (id) => {
        calls.push('currentVersion')
        return (await base.currentVersion?.(id)) ?? 0
      },
      hasEvent: async (id) => {
        calls.push('hasEvent')
        return (await base.hasEvent?.(id)) ?? false
      },
    }
    const tickets = createTicketService({ store })
    await tickets.execute(TICKET, createCommand())
    await tickets.execute(TICKET, { type: 'tag', tagId: ALICE })
    await tickets.execute(TICKET, { type: 'tag', tagId: ALICE }) // a no-op on the cached state
    expect(calls).toEqual([])
  })

  it('confirms a cached no-op with currentVersion when the store offers it (the default)', async () => {
    const { store, log } = instrument(memoryStore())
    const tickets = createTicketService({ store })
    await tickets.execute(TICKET, createCommand())
    await tickets.execute(TICKET, { type: 'tag', tagId: ALICE })
    const loads = log.loads.length
    await tickets.execute(TICKET, { type: 'tag', tagId: ALICE })
    expect(log.loads.length).toBe(loads)
  })

  it('accepts only booleans as capabilities, and no capability for a missing method', () => {
    const { currentVersion: _, ...withoutCurrentVersion } = memoryStore()
    const error = (() => {
      try {
        createTicketService({ store: { ...withoutCurrentVersion, capabilities: { supportsCurrentVersion: true } } })
      } catch (caught) {
        return caught
      }
    })()
    expect(isTicketError(error, 'VALIDATION') && error.issues[0]?.path).toEqual(['store', 'capabilities', 'supportsCurrentVersion'])
  })
})
