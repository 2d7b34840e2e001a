import { expect } from 'vitest'
import type { TicketEvent } from '../../core/model/event.js'
import type { DefineContractTest } from './contract-test.js'
import { addCommentCommand, createTicketCommand, tagCommand, ticketId, WORKSPACE_A, WORKSPACE_B } from './fixtures.js'
import { runInterleavedHistory } from './interleaved-history.js'
import { pageThroughLog, settledLog } from './observe-store.js'

const ids = (events: readonly TicketEvent[]): string[] => events.map((event) => event.id)

/** Lets pending I/O and timers run between a reader's pages. */
const yieldToEventLoop = (): Promise<void> => new Promise((resolve) => setTimeout(resolve, 0))

/** One global order: `afterId` paging sees every committed event once, in order. */
export function defineGlobalOrderTests(test: DefineContractTest): void {
  test('the log holds sequentially executed commands in the order they were executed', async (t) => {
    const history = await runInterleavedHistory(t)

    expect((await t.tickets.events({ limit: 1000 })).result).toEqual(history.events)
  })

  test('paging with afterId sees every event exactly once, in the order of one big read', async (t) => {
    await runInterleavedHistory(t)
    const bigRead = (await t.tickets.events({ limit: 1000 })).result
    expect(new Set(ids(bigRead)).size).toBe(bigRead.length)

    for (const limit of [1, 4, 7]) {
      expect(ids(await pageThroughLog(t.tickets, { limit })), `pages of ${limit}`).toEqual(ids(bigRead))
    }
  })

  test("paging one workspace with afterId sees exactly that workspace's events, in the global order", async (t) => {
    await runInterleavedHistory(t)
    const bigRead = (await t.tickets.events({ limit: 1000 })).result

    for (const workspaceId of [WORKSPACE_A, WORKSPACE_B]) {
      const expected = bigRead.filter((event) => event.workspaceId === workspaceId)
      expect(expected.length).toBeGreaterThan(0)
      expect(await pageThroughLog(t.tickets, { workspaceId, limit: 3 })).toEqual(expected)
    }
  })

  test('a reader paging while commands commit concurrently sees every committed event exactly once', async (t) => {
    const tickets = [1, 2, 3, 4].map(ticketId)
    for (const [index, id] of tickets.entries()) await t.run(id, createTicketCommand(id, index % 2 === 0 ? WORKSPACE_A : WORKSPACE_B))
    t.clock.advance(1000)

    const seen: TicketEvent[] = []
    let writing = true
    // Each ticket gets its commands one after another; the tickets' writers run at once.
    const writers = Promise.all(
      tickets.map(async (id, index) => {
        for (let step = 1; step <= 4; step++) {
          await t.tickets.execute(id, step % 2 === 0 ? addCommentCommand(`comment ${step}`) : tagCommand(index * 10 + step))
        }
      }),
    ).finally(() => {
      writing = false
    })
    const reader = (async () => {
      while (writing) {
        const last = seen.at(-1)
        const page = await t.tickets.events({ limit: 2, ...(last === undefined ? {} : { afterId: last.id }) })
        seen.push(...page.result)
        await yieldToEventLoop()
      }
    })()
    await Promise.all([writers, reader])
    const bigRead = await settledLog(t)
    const last = seen.at(-1)
    const rest = (await t.tickets.events({ limit: 1000, ...(last === undefined ? {} : { afterId: last.id }) })).result
    seen.push(...rest)

    // Per ticket: the create (1 event), two tags (2 each) and two comments (1 each).
    expect(bigRead).toHaveLength(tickets.length * 7)
    expect(ids(seen)).toEqual(ids(bigRead))
  })
}
