import type { TicketEvent } from '../../core/model/event.js'
import { appliedEventsQuery, MAX_EVENTS_LIMIT } from '../../service/query-schemas.js'
import type { TicketService } from '../../service/ticket-service.js'

/**
 * One subscriber of the hub: told every event of the global log the poller reads after it
 * joined (every workspace, every type: filtering is the subscriber's), in the log's order.
 *
 * @internal
 */
export interface HubListener {
  onEvent(event: TicketEvent): void
  /** The poller failed and stopped; the listener has been dropped. Each listener reports it for its own request. */
  onFail(error: unknown): void
}

/**
 * The one poller of a handler's event streams: it reads the global log once for all of
 * them and fans every event out to each listener, which filters by its own query.
 *
 * @internal
 */
export interface EventStreamHub {
  /**
   * Adds a listener. Resolves once it is attached: from then on it is told every event after
   * the hub's position at that moment (its *join point*), which is an event the hub has already
   * read, so any read of the log begun after this resolves sees the join point and all before it.
   * Returns the function that detaches it; rejects when the poller fails before it could attach.
   */
  subscribe(listener: HubListener): Promise<() => void>
  /**
   * Resolves after a whole poll (read to the head of the log) that began after this call, so
   * every event a read finished before this call could see has been fanned out.
   */
  drain(): Promise<void>
  /** How many listeners are attached (for tests and metrics). */
  readonly listenerCount: number
  /** Whether the poller is running; it stops when the last listener goes. */
  readonly polling: boolean
}

/** Options of {@link createEventStreamHub}. */
export interface EventStreamHubOptions {
  /** Pause between polls once the poller has reached the head of the log. */
  readonly pollIntervalMs: number
  /** The wall clock, for finding the head of the log (default `Date.now`). */
  readonly now?: () => number
}

/**
 * How far back the poller looks, by `occurredAt`, for a recent event to start from, widening
 * each time it finds none; the whole log is read only when even the widest window is empty.
 * Any event the poller has read is a sound starting point (subscribers line up with it by id),
 * so "recent" only keeps the first read short.
 */
const HEAD_WINDOWS_MS = [60_000, 3_600_000, 86_400_000] as const

/**
 * Creates the shared poller of a handler's event streams. It starts with its first listener
 * and stops with its last, so an idle handler reads nothing.
 *
 * @internal
 */
export function createEventStreamHub(service: TicketService, options: EventStreamHubOptions): EventStreamHub {
  const now = options.now ?? Date.now
  const listeners = new Set<HubListener>()
  // Listeners waiting for the poller to find its starting point; attached in one step when it has.
  const joining = new Map<HubListener, { attached: () => void; failed: (error: unknown) => void }>()
  let running = false
  let positioned = false
  /** The last event read (fanned out, or found as the head); `undefined` for the start of the log. */
  let cursor: string | undefined
  let drainRequests: Array<{ resolve: () => void; reject: (error: unknown) => void }> = []
  let wake: (() => void) | undefined

  /** The last event of the log matching `occurredAfter` (all events without it), read to the head. */
  async function lastEvent(occurredAfter: string | undefined, afterId: string | undefined = undefined): Promise<string | undefined> {
    let last = afterId
    for (;;) {
      const page = await service.events(appliedEventsQuery({ afterId: last, occurredAfter, limit: MAX_EVENTS_LIMIT }))
      const tail = page.result.at(-1)
      if (tail !== undefined) last = tail.id
      if (page.result.length < MAX_EVENTS_LIMIT) return last
    }
  }

  /**
   * Where the poller starts: the head of the log. After an idle spell it pages on from where
   * it stopped (as many reads as events came meanwhile, per thousand); the first time, it
   * looks at the recent events only (one filtered read, a scan of the events table on the
   * SQL stores, which index the log order rather than `occurredAt`).
   */
  async function findHead(): Promise<string | undefined> {
    if (cursor !== undefined) return lastEvent(undefined, cursor)
    for (const windowMs of HEAD_WINDOWS_MS) {
      const recent = await lastEvent(new Date(now() - windowMs).toISOString())
      if (recent !== undefined) return recent
    }
    return lastEvent(undefined)
  }

  /** Reads the log from the cursor to its head, fanning out each event as it comes. */
  async function pollToHead(): Promise<void> {
    for (;;) {
      const page = await service.events(appliedEventsQuery({ afterId: cursor, limit: MAX_EVENTS_LIMIT }))
      for (const event of page.result) {
        cursor = event.id
        for (const listener of listeners) listener.onEvent(event)
      }
      if (page.result.length < MAX_EVENTS_LIMIT || listeners.size === 0) return
    }
  }

  function pause(): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(done, options.pollIntervalMs)
      function done(): void {
        clearTimeout(timer)
        wake = undefined
        resolve()
      }
      wake = done
    })
  }

  async function run(): Promise<void> {
    try {
      cursor = await findHead()
      positioned = true
      for (const [listener, { attached }] of joining) {
        listeners.add(listener)
        attached()
      }
      joining.clear()
      while (listeners.size > 0 || drainRequests.length > 0) {
        // Only requests made before this poll began are answered by it.
        const answered = drainRequests
        drainRequests = []
        await pollToHead()
        for (const request of answered) request.resolve()
        if (listeners.size === 0 && drainRequests.length === 0) break
        if (drainRequests.length === 0) await pause()
      }
    } catch (error) {
      const failed = [...listeners]
      const notJoined = [...joining.values()]
      listeners.clear()
      joining.clear()
      for (const request of drainRequests) request.reject(error)
      drainRequests = []
      for (const listener of failed) listener.onFail(error)
      for (const { failed: refuse } of notJoined) refuse(error)
    } finally {
      // The cursor stays: an event the poller has read is a sound place to start again from.
      running = false
      positioned = false
    }
  }

  function start(): void {
    if (running) return
    running = true
    void run()
  }

  return {
    subscribe(listener) {
      const detach = (): void => {
        listeners.delete(listener)
        joining.delete(listener)
        wake?.()
      }
      if (positioned) {
        listeners.add(listener)
        return Promise.resolve(detach)
      }
      return new Promise<() => void>((resolve, reject) => {
        joining.set(listener, { attached: () => resolve(detach), failed: reject })
        start()
      })
    },
    drain() {
      return new Promise<void>((resolve, reject) => {
        drainRequests.push({ resolve, reject })
        if (running) wake?.()
        else start()
      })
    },
    get listenerCount() {
      return listeners.size + joining.size
    },
    get polling() {
      return running
    },
  }
}
