import { expect } from 'vitest'
import { TicketError } from '../../core/errors/ticket-error.js'
import { createIdFactory } from '../../core/ids/ids.js'
import { handle } from '../../core/reducer/handle.js'
import { createTicketService } from '../../service/create-ticket-service.js'
import type { AppendBatch, TicketStore } from '../../store-contract/ticket-store.js'
import { batchFor } from './batch-for.js'
import type { ContractContext } from './contract-context.js'
import type { DefineContractTest } from './contract-test.js'
import { expectTicketError } from './expect-ticket-error.js'
import { addCommentCommand, createTicketCommand, tagCommand, ticketId, WORKSPACE_A } from './fixtures.js'
import { settledLog } from './observe-store.js'

/** When the one failing append of {@link dropOneAppend} fails: before the store saw it, or after it was stored. */
type DropPoint = 'before the store saw it' | 'after it was stored'

/**
 * The caller's store, except that the next append fails with a retryable `UNAVAILABLE`
 * — what a dropped connection looks like — either before it reaches the store or after
 * the store has stored it (the commit went through, its answer was lost). Every other
 * call reaches the store unchanged.
 */
function dropOneAppend(store: TicketStore, point: DropPoint): TicketStore {
  let armed = true
  const dropped = () => new TicketError('UNAVAILABLE', `The connection dropped ${point} (a fault the conformance suite injects).`)
  return {
    name: store.name,
    ...(store.capabilities === undefined ? {} : { capabilities: store.capabilities }),
    migrate: () => store.migrate(),
    loadStream: (id, options) => store.loadStream(id, options),
    async append(batch: AppendBatch) {
      if (!armed) return store.append(batch)
      armed = false
      if (point === 'before the store saw it') throw dropped()
      await store.append(batch)
      throw dropped()
    },
    readEvents: (query) => store.readEvents(query),
    listTickets: (query) => store.listTickets(query),
    ...(store.currentVersion === undefined ? {} : { currentVersion: (id: string) => store.currentVersion?.(id) ?? Promise.resolve(0) }),
    ...(store.hasEvent === undefined ? {} : { hasEvent: (eventId: string) => store.hasEvent?.(eventId) ?? Promise.resolve(false) }),
    findCommand: (id, commandId, notBefore) => store.findCommand(id, commandId, notBefore),
    close: () => store.close(),
  }
}

/** A ticket and a service over the same store whose next append drops its connection. */
async function ticketBehindAFlakyConnection(t: ContractContext, point: DropPoint) {
  const id = ticketId(1)
  await t.run(id, createTicketCommand(id, WORKSPACE_A))
  t.clock.advance(1000)
  const flaky = createTicketService({ store: dropOneAppend(t.store, point), ctx: t.ctx })
  return { id, flaky }
}

async function commentsOf(t: ContractContext, id: string): Promise<string[]> {
  const ticket = await t.tickets.load(id)
  return Object.values(ticket?.comments ?? {}).map((comment) => comment.body)
}

/**
 * The store's side of surviving a dropped connection: `hasEvent` tells the service
 * whether an append whose answer was lost landed, so no command is applied twice.
 */
export function defineLostAppendTests(test: DefineContractTest): void {
  test('hasEvent(), when offered, is true for every stored event and false for events never stored', async (t) => {
    // The suite goes by the capability flag (its default: whether the method is there).
    const hasEvent = t.store.hasEvent
    if (!t.capabilities.supportsHasEvent || hasEvent === undefined) return
    const id = ticketId(1)
    const created = await t.run(id, createTicketCommand(id, WORKSPACE_A))
    const tagged = await t.run(id, tagCommand(1))
    // A batch refused with CONCURRENCY (decided on the state before the tag) stores nothing.
    const refused = handle(created.state, tagCommand(2), t.ctx)
    await expectTicketError(() => t.store.append(batchFor(created.state.version, refused)), 'CONCURRENCY')

    for (const event of [...created.events, ...tagged.events]) expect(await hasEvent.call(t.store, event.id), event.id).toBe(true)
    for (const event of refused.events) expect(await hasEvent.call(t.store, event.id), event.id).toBe(false)
    expect(await hasEvent.call(t.store, createIdFactory()())).toBe(false)
  })

  test('a command whose append failed before it was stored is retried and applied once', async (t) => {
    const { id, flaky } = await ticketBehindAFlakyConnection(t, 'before the store saw it')
    // With hasEvent the service can tell the append did not land; without it, only a
    // command id makes the retry safe.
    const commandId = t.capabilities.supportsHasEvent ? undefined : 'comment-1'

    const result = await flaky.execute(id, addCommentCommand('sent once', commandId))

    expect(await commentsOf(t, id)).toEqual(['sent once'])
    const stream = (await settledLog(t)).filter((event) => event.ticketId === id)
    expect(stream.map((event) => event.version)).toEqual(stream.map((_, index) => index + 1))
    expect(stream.slice(-result.events.length)).toEqual(result.events)
  })

  test('a command whose append was stored but whose answer was lost is not applied twice (with hasEvent, or with a commandId)', async (t) => {
    const { id, flaky } = await ticketBehindAFlakyConnection(t, 'after it was stored')

    const result = await flaky.execute(id, addCommentCommand('sent once', 'comment-1'))

    expect(await commentsOf(t, id)).toEqual(['sent once'])
    const stream = (await settledLog(t)).filter((event) => event.ticketId === id)
    expect(stream.slice(-result.events.length)).toEqual(result.events)
    expect(stream.map((event) => event.version)).toEqual(stream.map((_, index) => index + 1))
  })

  test('a command without a commandId whose answer was lost is not applied twice, and the caller learns whether it landed', async (t) => {
    const { id, flaky } = await ticketBehindAFlakyConnection(t, 'after it was stored')

    if (t.capabilities.supportsHasEvent) {
      // The store can tell: the append landed, so execute returns its result.
      const result = await flaky.execute(id, addCommentCommand('sent once'))
      const stream = (await settledLog(t)).filter((event) => event.ticketId === id)
      expect(stream.slice(-result.events.length)).toEqual(result.events)
    } else {
      // The store cannot tell: the service must not retry, and says the outcome is unknown.
      const error = await expectTicketError(() => flaky.execute(id, addCommentCommand('sent once')), 'UNAVAILABLE')
      expect(error.retryable).toBe(false)
      expect(error.details).toMatchObject({ outcome: 'unknown' })
    }
    expect(await commentsOf(t, id)).toEqual(['sent once'])
  })
}
