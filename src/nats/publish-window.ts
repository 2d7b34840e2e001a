/**
 * The relay's pipeline: many publishes in flight, one at a time per ticket, and the
 * low-water mark of acknowledged ones.
 *
 * @internal
 * @module
 */

/** What the window needs to know of an event. */
export interface WindowItem {
  readonly id: string
  readonly ticketId: string
}

export interface PublishWindowOptions<T extends WindowItem> {
  /** How many events may be published but not yet acknowledged (or waiting for their ticket's previous one). */
  readonly maxInFlight: number
  /**
   * Publishes one item: resolves `true` once acknowledged, `false` when it gave up
   * because the window is stopping; rejects on an error that ends the relay.
   */
  readonly publish: (item: T) => Promise<boolean>
  /** Told each time every item up to and including `id` is acknowledged. */
  readonly onLowWater: (id: string) => void
  /** Told about an error that ends the relay (the first one only). */
  readonly onFatal: (error: unknown) => void
  /** Stops the window: `add` returns at once and nothing new is published. */
  readonly signal: AbortSignal
}

export interface PublishWindow<T extends WindowItem> {
  /** Queues `item` for publishing, after waiting for room; `false` when the window stopped instead. */
  add(item: T): Promise<boolean>
  /** Resolves once every queued item was acknowledged or given up. */
  drain(): Promise<void>
}

interface Entry {
  readonly id: string
  acked: boolean
}

/**
 * Creates the window. Items are added in log order. Each is published as soon as there
 * is room, except that an item waits for the previous item of the same ticket to be
 * acknowledged: JetStream then stores each ticket's events in log order, whatever fails
 * or is retried in between. If a ticket's item is given up, its later items are too.
 *
 * The low-water mark moves over a prefix of acknowledged items only, so an item that is
 * still being retried holds it back however many later ones were acknowledged.
 */
export function createPublishWindow<T extends WindowItem>(options: PublishWindowOptions<T>): PublishWindow<T> {
  const { maxInFlight, publish, onLowWater, onFatal, signal } = options
  const entries: Entry[] = []
  let head = 0
  /** Per ticket, the outcome of its newest queued item: `true` when acknowledged. */
  const tails = new Map<string, Promise<boolean>>()
  let wake: (() => void) | undefined
  let failed = false

  const wakeUp = () => {
    const resume = wake
    wake = undefined
    resume?.()
  }
  signal.addEventListener('abort', wakeUp, { once: true })

  const advance = () => {
    let low: string | undefined
    for (let entry = entries[head]; entry?.acked; entry = entries[head]) {
      low = entry.id
      head++
    }
    if (low === undefined) return
    // Drop the acknowledged prefix now and then, so the array does not grow for ever.
    if (head >= 1024 && head * 2 >= entries.length) {
      entries.splice(0, head)
      head = 0
    }
    onLowWater(low)
    wakeUp()
  }

  const settle = async (item: T, entry: Entry, previous: Promise<boolean> | undefined): Promise<boolean> => {
    if (previous !== undefined && !(await previous)) return false
    if (signal.aborted || failed) return false
    try {
      if (!(await publish(item))) return false
    } catch (error) {
      if (!failed) {
        failed = true
        onFatal(error)
      }
      return false
    }
    entry.acked = true
    advance()
    return true
  }

  return {
    async add(item) {
      while (entries.length - head >= maxInFlight && !signal.aborted) {
        await new Promise<void>((resolve) => {
          wake = resolve
        })
      }
      if (signal.aborted) return false
      const entry: Entry = { id: item.id, acked: false }
      entries.push(entry)
      const outcome = settle(item, entry, tails.get(item.ticketId))
      tails.set(item.ticketId, outcome)
      void outcome.then(() => {
        if (tails.get(item.ticketId) === outcome) tails.delete(item.ticketId)
      })
      return true
    },
    async drain() {
      while (tails.size > 0) await Promise.all(tails.values())
    },
  }
}
