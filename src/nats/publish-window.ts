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
  /** How many items may be queued and not yet acknowledged (publishing, or waiting for their ticket's previous one). */
  readonly maxInFlight: number
  /**
   * How many items may lie between the low-water mark and the newest one, acknowledged
   * or not: what the window remembers while one slow publish holds the mark back.
   */
  readonly maxSpan: number
  /**
   * Publishes one item: resolves `true` once acknowledged, `false` when it gave up
   * because the window is stopping; rejects on an error that ends the relay.
   */
  readonly publish: (item: T) => Promise<boolean>
  /** Told each time every item up to and including `id` is acknowledged. */
  readonly onLowWater: (id: string) => void
  /** Told about an error that ends the relay (the first one only). */
  readonly onFatal: (error: unknown) => void
  /** Stops the window: `offer` refuses, `room` resolves, and nothing new is published. */
  readonly signal: AbortSignal
}

export interface PublishWindow<T extends WindowItem> {
  /**
   * Queues `item` for publishing if there is room; `false` when the window is full or
   * stopped. Synchronous on purpose: a caller that offers items in a loop starts every
   * publish it has room for in one go, and the NATS client sends them in one write
   * (it flushes once per microtask checkpoint; a caller awaiting between items would
   * cost one socket write per message).
   */
  offer(item: T): boolean
  /** Resolves once an item was settled (there may be room now) or the window stopped. */
  room(): Promise<void>
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
 * still being retried holds it back however many later ones were acknowledged. Room
 * for a new item is counted in unacknowledged items (`maxInFlight`), so one slow
 * acknowledgement does not stall the pipeline, and in items since the low-water mark
 * (`maxSpan`), so a publish retried for long does not let memory grow without bound.
 */
export function createPublishWindow<T extends WindowItem>(options: PublishWindowOptions<T>): PublishWindow<T> {
  const { maxInFlight, maxSpan, publish, onLowWater, onFatal, signal } = options
  const entries: Entry[] = []
  let head = 0
  let unacknowledged = 0
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
  }

  const publishInTurn = async (item: T, previous: Promise<boolean> | undefined): Promise<boolean> => {
    if (previous !== undefined && !(await previous)) return false
    if (signal.aborted || failed) return false
    try {
      return await publish(item)
    } catch (error) {
      if (!failed) {
        failed = true
        onFatal(error)
      }
      return false
    }
  }

  const settle = async (item: T, entry: Entry, previous: Promise<boolean> | undefined): Promise<boolean> => {
    const acknowledged = await publishInTurn(item, previous)
    unacknowledged--
    if (acknowledged) {
      entry.acked = true
      advance()
    }
    // Any settled publish makes room, not only one that moves the low-water mark.
    wakeUp()
    return acknowledged
  }

  const full = () => unacknowledged >= maxInFlight || entries.length - head >= maxSpan

  return {
    offer(item) {
      if (signal.aborted || full()) return false
      const entry: Entry = { id: item.id, acked: false }
      entries.push(entry)
      unacknowledged++
      const outcome = settle(item, entry, tails.get(item.ticketId))
      tails.set(item.ticketId, outcome)
      void outcome.then(() => {
        if (tails.get(item.ticketId) === outcome) tails.delete(item.ticketId)
      })
      return true
    },
    room() {
      if (signal.aborted || !full()) return Promise.resolve()
      return new Promise<void>((resolve) => {
        wake = resolve
      })
    },
    async drain() {
      while (tails.size > 0) await Promise.all(tails.values())
    },
  }
}
