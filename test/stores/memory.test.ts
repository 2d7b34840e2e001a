import { describe, expect, it } from 'vitest'
import { type Command, type HandleResult, handle, TICKET_SCHEMA_VERSION, type Ticket } from '../../src/index.js'
import type { AppendBatch, TicketStore } from '../../src/store-contract/ticket-store.js'
import { memoryStore } from '../../src/stores/memory/index.js'
import { createTestContext } from '../../src/testing/index.js'
import { describeStoreContract } from '../../src/testing/store-contract.js'
import { rejectionOf as rejection } from '../support/core-fixtures.js'

describeStoreContract('memory', () => memoryStore())
describeStoreContract('memory without snapshots', () => memoryStore({ supportsSnapshots: false }))
describeStoreContract('memory keeping frozen copies', () => memoryStore({ freezeInPlace: false }))
// A store as written before the optional methods and capabilities existed: the service must manage without them.
describeStoreContract('memory without optional methods', () => {
  const {
    currentVersion: _currentVersion,
    hasEvent: _hasEvent,
    prune: _prune,
    loadStreamAt: _loadStreamAt,
    readAudits: _readAudits,
    capabilities: _capabilities,
    ...required
  } = memoryStore()
  return required
})

const WORKSPACE = '0b5c2f4e-3c1a-4d7e-9f10-1a2b3c4d5e6f'
const OTHER_WORKSPACE = '0c5c2f4e-3c1a-4d7e-9f10-1a2b3c4d5e6f'
const CHAT = '1c5c2f4e-3c1a-4d7e-9f10-1a2b3c4d5e6f'
const ALICE = '3a5c2f4e-3c1a-4d7e-9f10-1a2b3c4d5e6f'
const ticketId = (n: number) => `2d5c2f4e-3c1a-4d7e-9f10-${n.toString(16).padStart(12, '0')}`

const create = (workspaceId = WORKSPACE, summary = 'Printer on fire'): Command => ({
  type: 'create',
  workspaceId,
  chatId: CHAT,
  ticketingTeamId: null,
  assigneeId: null,
  status: 'pending',
  summary,
})

/** Decides commands with the pure core and turns each result into the batch the service would append. */
function writer(ctx = createTestContext()) {
  const states = new Map<string, Ticket>()
  return {
    ctx,
    batch(id: string, command: Command, extra: Partial<AppendBatch> = {}): { batch: AppendBatch; result: HandleResult } {
      const before = states.get(id) ?? null
      const input = command.type === 'create' ? { ...command, ticketId: id } : command
      const result = handle(before, input, ctx)
      states.set(id, result.state)
      const batch: AppendBatch = {
        ticketId: id,
        workspaceId: result.state.workspaceId,
        expectedVersion: before?.version ?? 0,
        events: result.events,
        state: result.state,
        audit: result.audit,
        ...extra,
      }
      return { batch, result }
    },
    async run(store: TicketStore, id: string, command: Command): Promise<HandleResult> {
      const { batch, result } = this.batch(id, command)
      await store.append(batch)
      return result
    },
  }
}

const everything = async (store: TicketStore) => ({
  events: await store.readEvents({ limit: 1000 }),
  listA: await store.listTickets(listQuery(WORKSPACE, { includeRemoved: true, pageSize: 100 })),
  listB: await store.listTickets(listQuery(OTHER_WORKSPACE, { includeRemoved: true, pageSize: 100 })),
})

function listQuery(workspaceId: string, rest: Partial<Parameters<TicketStore['listTickets']>[0]> = {}) {
  return { workspaceId, assigneeIds: [], chatIds: [], tagIds: [], includeRemoved: false, pageNumber: 1, pageSize: 10, ...rest }
}

describe('memoryStore', () => {
  it('is named "memory" and supports snapshots and prune unless told otherwise', () => {
    expect(memoryStore().name).toBe('memory')
    expect(memoryStore().capabilities).toEqual({ supportsSnapshots: true, supportsListCursor: true })
    expect(memoryStore({ name: 'scratch', supportsSnapshots: false })).toMatchObject({
      name: 'scratch',
      capabilities: { supportsSnapshots: false },
    })
  })

  it.each([
    ['an unknown option', { snapshots: false }],
    ['a non-boolean supportsSnapshots', { supportsSnapshots: 'yes' }],
    ['an empty name', { name: '' }],
  ])('refuses %s with VALIDATION', (_, options) => {
    expect(() => memoryStore(options as never)).toThrow(expect.objectContaining({ code: 'VALIDATION' }))
  })

  it('refuses a stale expected version with CONCURRENCY naming both versions, and writes nothing', async () => {
    const store = memoryStore()
    const w = writer()
    await w.run(store, ticketId(1), create())
    const { batch } = w.batch(ticketId(1), { type: 'takeover', assigneeId: ALICE })
    const before = await everything(store)

    const error = await rejection(store.append({ ...batch, expectedVersion: 0 }))

    expect(error.code).toBe('CONCURRENCY')
    expect(error.details).toMatchObject({ expectedVersion: 0, actualVersion: 1 })
    expect(await everything(store)).toEqual(before)
  })

  it('refuses a second record of the same command id with CONCURRENCY, and writes nothing', async () => {
    const store = memoryStore()
    const w = writer()
    await w.run(store, ticketId(1), create())
    const first = w.batch(ticketId(1), { type: 'markViewed', userId: ALICE })
    const record = (result: HandleResult) => ({ commandId: 'c-1', recordedAt: '2024-01-01T00:00:10.000Z', result })
    await store.append({ ...first.batch, command: record(first.result) })
    const second = w.batch(ticketId(1), { type: 'markViewed', userId: ALICE })
    const before = await everything(store)

    const error = await rejection(store.append({ ...second.batch, command: record(second.result) }))

    expect(error.code).toBe('CONCURRENCY')
    expect(await everything(store)).toEqual(before)
    expect(await store.findCommand(ticketId(1), 'c-1', '2024-01-01T00:00:00.000Z')).toEqual(first.result)
  })

  it('replaces a command record older than the batch’s notBefore', async () => {
    const store = memoryStore()
    const w = writer()
    await w.run(store, ticketId(1), create())
    const first = w.batch(ticketId(1), { type: 'markViewed', userId: ALICE })
    await store.append({ ...first.batch, command: { commandId: 'c-1', recordedAt: '2024-01-01T00:00:00.000Z', result: first.result } })
    const again = w.batch(ticketId(1), { type: 'markViewed', userId: ALICE })
    await store.append({
      ...again.batch,
      command: { commandId: 'c-1', recordedAt: '2024-01-03T00:00:00.000Z', result: again.result, notBefore: '2024-01-01T00:00:01.000Z' },
    })
    expect(await store.findCommand(ticketId(1), 'c-1', '2024-01-02T00:00:00.000Z')).toEqual(again.result)
  })

  it('remembers a command only from notBefore on', async () => {
    const store = memoryStore()
    const w = writer()
    const { batch, result } = w.batch(ticketId(1), create())
    await store.append({ ...batch, command: { commandId: 'c-1', recordedAt: '2024-01-01T12:00:00.000Z', result } })
    expect(await store.findCommand(ticketId(1), 'c-1', '2024-01-01T12:00:00.000Z')).toEqual(result)
    expect(await store.findCommand(ticketId(1), 'c-1', '2024-01-01T12:00:00.001Z')).toBeNull()
    expect(await store.findCommand(ticketId(1), 'c-2', '2024-01-01T00:00:00.000Z')).toBeNull()
    expect(await store.findCommand(ticketId(2), 'c-1', '2024-01-01T00:00:00.000Z')).toBeNull()
  })

  it('with freezeInPlace: false keeps its own copies, so changing a batch after appending it changes nothing stored', async () => {
    const store = memoryStore({ freezeInPlace: false })
    const w = writer()
    const { batch } = w.batch(ticketId(1), create())
    const events = batch.events.map((event) => structuredClone(event))
    const state = structuredClone(batch.state) as { summary: string | null }
    await store.append({ ...batch, events, state: state as Ticket })
    ;(events[0] as { type: string }).type = 'tampered'
    state.summary = 'tampered'
    expect((await store.readEvents({ limit: 10 }))[0]?.type).toBe('ticket:created')
    expect((await store.listTickets(listQuery(WORKSPACE)))[0]?.summary).toBe('Printer on fire')
  })

  it('by default freezes what it keeps in place, so a batch cannot be changed after appending it', async () => {
    const store = memoryStore()
    const w = writer()
    const { batch } = w.batch(ticketId(1), create())
    const events = batch.events.map((event) => structuredClone(event))
    const state = structuredClone(batch.state) as { summary: string | null }
    await store.append({ ...batch, events, state: state as Ticket })
    expect(() => {
      ;(events[0] as { type: string }).type = 'tampered'
    }).toThrow(TypeError)
    expect(() => {
      state.summary = 'tampered'
    }).toThrow(TypeError)
    expect((await store.readEvents({ limit: 10 }))[0]?.type).toBe('ticket:created')
    expect((await store.listTickets(listQuery(WORKSPACE)))[0]?.summary).toBe('Printer on fire')
  })

  it('refuses what JSON cannot hold with VALIDATION, and freezes and writes nothing', async () => {
    const store = memoryStore()
    const { batch } = writer().batch(ticketId(1), create())
    const state = structuredClone(batch.state)
    for (const extra of [Number.NaN, 10n, new Date(0), () => 1]) {
      const audit = { ...structuredClone(batch.audit), extra } as unknown as AppendBatch['audit']
      await expect(store.append({ ...batch, state, audit })).rejects.toMatchObject({ code: 'VALIDATION' })
    }
    expect(Object.isFrozen(state)).toBe(false)
    expect(await store.currentVersion?.(ticketId(1))).toBe(0)
  })

  it('hands out frozen data, so a reader cannot change what the store holds', async () => {
    const store = memoryStore()
    await writer().run(store, ticketId(1), create())
    const [event] = await store.readEvents({ limit: 1 })
    expect(Object.isFrozen(event)).toBe(true)
    expect(Object.isFrozen(event?.payload)).toBe(true)
    const stream = await store.loadStream(ticketId(1), { snapshotSchemaVersion: TICKET_SCHEMA_VERSION })
    expect(Object.isFrozen(stream?.events[0])).toBe(true)
  })

  it.each([true, false])('writes nothing when part of a batch cannot be stored (freezeInPlace: %s)', async (freezeInPlace) => {
    const store = memoryStore({ freezeInPlace })
    const { batch } = writer().batch(ticketId(1), create())
    const broken = { ...batch, audit: { ...batch.audit, extra: 10n } } as unknown as AppendBatch
    await expect(store.append(broken)).rejects.toThrow()
    expect(await store.loadStream(ticketId(1), { snapshotSchemaVersion: TICKET_SCHEMA_VERSION })).toBeNull()
    expect(await store.readEvents({ limit: 10 })).toEqual([])
  })

  it('returns null for a ticket it has never seen', async () => {
    expect(await memoryStore().loadStream(ticketId(1), { snapshotSchemaVersion: TICKET_SCHEMA_VERSION })).toBeNull()
  })

  it('keeps the newest snapshot per schema version and reads back only the events after it', async () => {
    const store = memoryStore()
    const w = writer()
    await w.run(store, ticketId(1), create())
    const viewed = w.batch(ticketId(1), { type: 'markViewed', userId: ALICE })
    await store.append({ ...viewed.batch, snapshot: { state: viewed.result.state, schemaVersion: TICKET_SCHEMA_VERSION } })
    await w.run(store, ticketId(1), { type: 'takeover', assigneeId: ALICE })

    const current = await store.loadStream(ticketId(1), { snapshotSchemaVersion: TICKET_SCHEMA_VERSION })
    expect(current?.snapshot).toEqual(viewed.result.state)
    expect(current?.events.map((event) => event.version)).toEqual([3, 4, 5])

    const future = await store.loadStream(ticketId(1), { snapshotSchemaVersion: TICKET_SCHEMA_VERSION + 1 })
    expect(future?.snapshot).toBeNull()
    expect(future?.events.map((event) => event.version)).toEqual([1, 2, 3, 4, 5])
  })

  it('drops snapshots when it does not support them', async () => {
    const store = memoryStore({ supportsSnapshots: false })
    const w = writer()
    const { batch, result } = w.batch(ticketId(1), create())
    await store.append({ ...batch, snapshot: { state: result.state, schemaVersion: TICKET_SCHEMA_VERSION } })
    const stream = await store.loadStream(ticketId(1), { snapshotSchemaVersion: TICKET_SCHEMA_VERSION })
    expect(stream?.snapshot).toBeNull()
    expect(stream?.events.length).toBe(1)
  })

  describe('readEvents', () => {
    async function history() {
      const store = memoryStore()
      const w = writer(createTestContext({ start: '2024-05-01T09:00:00.000Z', stepMs: 60_000 }))
      await w.run(store, ticketId(1), create())
      await w.run(store, ticketId(2), create(OTHER_WORKSPACE))
      await w.run(store, ticketId(1), { type: 'takeover', assigneeId: ALICE })
      await w.run(store, ticketId(2), { type: 'markViewed', userId: ALICE })
      return { store, all: await store.readEvents({ limit: 1000 }) }
    }

    it('reads every ticket’s events in append order', async () => {
      const { all } = await history()
      expect(all.map((event) => [event.ticketId, event.type])).toEqual([
        [ticketId(1), 'ticket:created'],
        [ticketId(2), 'ticket:created'],
        [ticketId(1), 'ticket:updated'],
        [ticketId(1), 'ticket:status:changed'],
        [ticketId(1), 'ticket:assigned'],
        [ticketId(2), 'ticket:viewed'],
      ])
    })

    it('pages with afterId and limit through every event exactly once', async () => {
      const { store, all } = await history()
      const seen: string[] = []
      let afterId: string | undefined
      for (;;) {
        const page = await store.readEvents({ limit: 4, ...(afterId === undefined ? {} : { afterId }) })
        if (page.length === 0) break
        seen.push(...page.map((event) => event.id))
        afterId = page.at(-1)?.id
      }
      expect(seen).toEqual(all.map((event) => event.id))
    })

    it('filters by workspace, type and occurredAfter (strictly after)', async () => {
      const { store, all } = await history()
      expect((await store.readEvents({ workspaceId: OTHER_WORKSPACE, limit: 25 })).map((event) => event.type)).toEqual([
        'ticket:created',
        'ticket:viewed',
      ])
      expect((await store.readEvents({ type: 'ticket:created', limit: 25 })).length).toBe(2)
      const third = all[2]?.occurredAt as string
      const later = await store.readEvents({ occurredAfter: third, limit: 25 })
      expect(later.map((event) => event.type)).toEqual(['ticket:viewed'])
      const offset = await store.readEvents({ occurredAfter: third.replace('Z', '+00:00'), limit: 25 })
      expect(offset).toEqual(later)
    })

    it('returns nothing for limit 0', async () => {
      const { store } = await history()
      expect(await store.readEvents({ limit: 0 })).toEqual([])
    })

    it('refuses an afterId it does not know, or one from another workspace, with VALIDATION', async () => {
      const { store, all } = await history()
      expect((await rejection(store.readEvents({ afterId: '01HWTCTT509VV8X9XYGPTR5N8Q', limit: 5 }))).code).toBe('VALIDATION')
      const foreign = all.find((event) => event.workspaceId === OTHER_WORKSPACE)?.id as string
      const error = await rejection(store.readEvents({ workspaceId: WORKSPACE, afterId: foreign, limit: 5 }))
      expect(error.code).toBe('VALIDATION')
      expect(error.issues.map((issue) => issue.path)).toEqual([['afterId']])
    })
  })

  describe('listTickets', () => {
    it('orders by newest createdAt, then by id for tickets created in the same instant', async () => {
      const store = memoryStore()
      const frozenClock = createTestContext({ stepMs: 0 })
      const w = writer(frozenClock)
      for (const n of [3, 1, 2]) await w.run(store, ticketId(n), create())
      frozenClock.advance(1000)
      await w.run(store, ticketId(0), create())
      const listed = await store.listTickets(listQuery(WORKSPACE))
      expect(listed.map((ticket) => ticket.id)).toEqual([ticketId(0), ticketId(1), ticketId(2), ticketId(3)])
    })

    it('pages with pageNumber and pageSize', async () => {
      const store = memoryStore()
      const w = writer()
      for (let n = 1; n <= 5; n++) await w.run(store, ticketId(n), create())
      const page = async (pageNumber: number) =>
        (await store.listTickets(listQuery(WORKSPACE, { pageNumber, pageSize: 2 }))).map((ticket) => ticket.id)
      expect(await page(1)).toEqual([ticketId(5), ticketId(4)])
      expect(await page(2)).toEqual([ticketId(3), ticketId(2)])
      expect(await page(3)).toEqual([ticketId(1)])
      expect(await page(4)).toEqual([])
    })

    it('answers from the projection of the latest append', async () => {
      const store = memoryStore()
      const w = writer()
      await w.run(store, ticketId(1), create())
      await w.run(store, ticketId(1), { type: 'takeover', assigneeId: ALICE })
      expect(
        (await store.listTickets(listQuery(WORKSPACE, { status: 'ongoing', assigneeIds: [ALICE] }))).map((ticket) => ticket.version),
      ).toEqual([4])
      expect(await store.listTickets(listQuery(WORKSPACE, { status: 'pending' }))).toEqual([])
    })
  })
})
