import { expect } from 'vitest'
import type { DefineContractTest } from './contract-test.js'
import { createTicketCommand, tagCommand, ticketId, WORKSPACE_A } from './fixtures.js'
import { runInterleavedHistory } from './interleaved-history.js'
import { settledLog } from './observe-store.js'

/** The events API query: filters, limits and the applied query in the answer. */
export function defineEventsQueryTests(test: DefineContractTest): void {
  test('events() returns 25 events by default and reports the applied limit', async (t) => {
    const id = ticketId(1)
    await t.run(id, createTicketCommand(id, WORKSPACE_A))
    for (let n = 1; n <= 15; n++) await t.run(id, tagCommand(n))
    const bigRead = await settledLog(t)
    expect(bigRead).toHaveLength(31)

    const page = await t.tickets.events()

    expect(page.query).toEqual({ limit: 25 })
    expect(page.result).toEqual(bigRead.slice(0, 25))
    expect((await t.tickets.events({})).result).toEqual(bigRead.slice(0, 25))
  })

  test('events({ limit: 0 }) returns no events, and limits from 1 to 1000 cut the page', async (t) => {
    const history = await runInterleavedHistory(t)

    expect(await t.tickets.events({ limit: 0 })).toEqual({ query: { limit: 0 }, result: [] })
    expect((await t.tickets.events({ limit: 1 })).result).toEqual(history.events.slice(0, 1))
    expect((await t.tickets.events({ limit: 10 })).result).toEqual(history.events.slice(0, 10))
    expect((await t.tickets.events({ limit: 1000 })).result).toEqual(history.events)
  })

  test('events() filters by type', async (t) => {
    const history = await runInterleavedHistory(t)

    for (const type of ['ticket:created', 'ticket:tag:updated', 'ticket:status:changed']) {
      const expected = history.events.filter((event) => event.type === type)
      expect(expected.length, type).toBeGreaterThan(0)
      expect((await t.tickets.events({ type, limit: 1000 })).result).toEqual(expected)
    }
    expect((await t.tickets.events({ type: 'ticket:never:happened', limit: 1000 })).result).toEqual([])
  })

  test('events() filters by occurredAfter, strictly after the given time', async (t) => {
    const history = await runInterleavedHistory(t)
    // A command in the middle whose events share one instant: they must all be left out.
    const boundary = history.events.find((event) => event.type === 'ticket:updated')?.occurredAt as string
    const expected = history.events.filter((event) => event.occurredAt > boundary)
    expect(history.events.some((event) => event.occurredAt === boundary)).toBe(true)
    expect(expected.length).toBeGreaterThan(0)

    const page = await t.tickets.events({ occurredAfter: boundary, limit: 1000 })

    expect(page.query).toEqual({ occurredAfter: boundary, limit: 1000 })
    expect(page.result).toEqual(expected)
    const last = history.events.at(-1)?.occurredAt as string
    expect((await t.tickets.events({ occurredAfter: last, limit: 1000 })).result).toEqual([])
  })

  test('events() filters by afterId: only the events after that one', async (t) => {
    const history = await runInterleavedHistory(t)
    const middle = Math.floor(history.events.length / 2)
    const afterId = history.events[middle]?.id as string

    const page = await t.tickets.events({ afterId, limit: 1000 })

    expect(page.query).toEqual({ afterId, limit: 1000 })
    expect(page.result).toEqual(history.events.slice(middle + 1))
    expect((await t.tickets.events({ afterId: history.events.at(-1)?.id as string, limit: 1000 })).result).toEqual([])
  })

  test('events() combines workspaceId, type, occurredAfter, afterId and limit', async (t) => {
    const history = await runInterleavedHistory(t)
    const afterId = history.events[2]?.id as string
    const occurredAfter = history.events[5]?.occurredAt as string
    const query = { workspaceId: WORKSPACE_A, type: 'ticket:updated', afterId, occurredAfter, limit: 2 }
    const matching = history.events
      .slice(3)
      .filter((event) => event.workspaceId === WORKSPACE_A && event.type === 'ticket:updated' && event.occurredAt > occurredAfter)
    expect(matching.length).toBeGreaterThan(2)

    const page = await t.tickets.events(query)

    expect(page.query).toEqual(query)
    expect(page.result).toEqual(matching.slice(0, 2))
  })
}
