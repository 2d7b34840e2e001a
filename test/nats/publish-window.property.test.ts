import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { createPublishWindow, type WindowItem } from '../../src/nats/publish-window.js'

const runs = { numRuns: 300, timeout: 1000 }

/** Items in log order: zero-padded ids (so they compare in order) over a few tickets. */
const arbItems = fc
  .array(fc.nat({ max: 5 }), { minLength: 1, maxLength: 60 })
  .map((tickets) => tickets.map((ticket, index): WindowItem => ({ id: String(index).padStart(4, '0'), ticketId: `ticket-${ticket}` })))

/**
 * Feeds `items` to a window whose publishes settle in the order the scheduler picks,
 * and checks on every step what the relay relies on.
 */
async function exercise(scheduler: fc.Scheduler, items: readonly WindowItem[], maxInFlight: number, abortAfter: number | undefined) {
  const controller = new AbortController()
  const acknowledged = new Set<string>()
  const lowWaterMarks: string[] = []
  let unacknowledged = 0
  let settled = 0
  let fatal: unknown
  const window = createPublishWindow<WindowItem>({
    maxInFlight,
    maxSpan: maxInFlight * 3,
    signal: controller.signal,
    publish: async (item) => {
      // One at a time per ticket: every earlier item of the ticket is acknowledged.
      for (const earlier of items) {
        if (earlier.id < item.id && earlier.ticketId === item.ticketId) expect(acknowledged.has(earlier.id)).toBe(true)
      }
      unacknowledged++
      expect(unacknowledged).toBeLessThanOrEqual(maxInFlight)
      await scheduler.schedule(Promise.resolve(), `publish ${item.id}`)
      unacknowledged--
      settled++
      if (abortAfter !== undefined && settled > abortAfter) controller.abort()
      // A publish that settles after the stop gives up, as the relay's does when a retry is cut short.
      if (controller.signal.aborted) return false
      acknowledged.add(item.id)
      return true
    },
    onLowWater: (id) => {
      // The mark covers acknowledged items only, and only moves forward.
      for (const item of items) if (item.id <= id) expect(acknowledged.has(item.id)).toBe(true)
      expect(id > (lowWaterMarks.at(-1) ?? '')).toBe(true)
      lowWaterMarks.push(id)
    },
    // A failed expectation inside publish ends up here: stop, and rethrow it below.
    onFatal: (error) => {
      fatal = error
      controller.abort()
    },
  })
  const feeding = (async () => {
    for (const item of items) {
      while (!window.offer(item)) {
        if (controller.signal.aborted) return
        await window.room()
      }
    }
  })()
  await scheduler.waitFor(feeding)
  // Publishes waiting for their ticket's previous one are scheduled later: release tasks until all settled.
  await scheduler.waitFor(window.drain())
  if (fatal !== undefined) throw fatal
  return { acknowledged, lowWaterMarks, aborted: controller.signal.aborted }
}

describe('the relay’s publish window', () => {
  it('acknowledges everything and ends with the low-water mark on the last item, whatever order acks come in', async () => {
    await fc.assert(
      fc.asyncProperty(fc.scheduler(), arbItems, fc.integer({ min: 1, max: 8 }), async (scheduler, items, maxInFlight) => {
        const { acknowledged, lowWaterMarks } = await exercise(scheduler, items, maxInFlight, undefined)
        expect(acknowledged.size).toBe(items.length)
        expect(lowWaterMarks.at(-1)).toBe(items.at(-1)?.id)
      }),
      runs,
    )
  })

  it('when stopped, leaves the mark before the first item not acknowledged and publishes no later item of a ticket that gave up', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.scheduler(),
        arbItems,
        fc.integer({ min: 1, max: 8 }),
        fc.nat({ max: 40 }),
        async (scheduler, items, maxInFlight, abortAfter) => {
          const { acknowledged, lowWaterMarks } = await exercise(scheduler, items, maxInFlight, abortAfter)
          const firstMissing = items.find((item) => !acknowledged.has(item.id))
          const mark = lowWaterMarks.at(-1)
          if (firstMissing !== undefined && mark !== undefined) expect(mark < firstMissing.id).toBe(true)
          // Per ticket, the acknowledged items are a prefix of its items.
          const tickets = new Set(items.map((item) => item.ticketId))
          for (const ticket of tickets) {
            const flags = items.filter((item) => item.ticketId === ticket).map((item) => acknowledged.has(item.id))
            expect(flags).toEqual([...flags].sort((a, b) => Number(b) - Number(a)))
          }
        },
      ),
      runs,
    )
  })
})
