/// <reference lib="dom" />
import type { TicketEvent } from '../../core/model/event.js'
import { appliedEventsQuery, MAX_EVENTS_LIMIT } from '../../service/query-schemas.js'
import type { TicketService } from '../../service/ticket-service.js'
import type { EventStreamHub, HubListener } from './event-stream-hub.js'
import { SSE_HEARTBEAT, sseEvent, sseRetry } from './sse-format.js'

/** What one client streams: its workspace, where it resumes, and the events API's filters. */
export interface EventStreamQuery {
  readonly workspaceId: string
  /** Resume after this event (from `Last-Event-ID` or `after_id`); absent: the start of the log. */
  readonly afterId?: string | undefined
  readonly occurredAfter?: string | undefined
  readonly type?: string | undefined
}

/** The settings of a stream (see `TicketHandlerOptions.eventStream`). */
export interface EventStreamSettings {
  readonly heartbeatMs: number
  readonly retryMs: number
  /** Events queued for a client that does not read before it is cut off (it resumes by `Last-Event-ID`). */
  readonly maxBacklog: number
}

/** What {@link openEventStream} needs besides the query. */
export interface EventStreamDeps {
  readonly service: TicketService
  readonly hub: EventStreamHub
  readonly settings: EventStreamSettings
  readonly onError: (error: unknown) => void
  /** Aborted when the client goes. */
  readonly signal: AbortSignal
}

/** An event the hub fanned out while the client was catching up: a matching one, or the starting position (id only). */
interface PendingEvent {
  readonly id: string
  readonly event?: TicketEvent
}

/** Whether a log event passes the client's query, as the store's `events()` would decide. */
function matcher(query: EventStreamQuery): (event: TicketEvent) => boolean {
  const after = query.occurredAfter === undefined ? undefined : Date.parse(query.occurredAfter)
  return (event) =>
    event.workspaceId === query.workspaceId &&
    (query.type === undefined || event.type === query.type) &&
    (after === undefined || Date.parse(event.occurredAt) > after)
}

/**
 * Opens one client's stream of the log. The client first catches up by its own paged reads
 * (with its filters, in the store), then joins the hub's live feed, with nothing missed and
 * nothing twice:
 *
 * 1. It joins the hub before reading, so the hub tells it every event after the join point
 *    *J*; the matching ones wait in `pending` (and the starting position's id, should it come).
 * 2. It reads its own pages after its position until a short page: every matching event up to
 *    the read's head, which lies at or beyond *J* (the hub had read *J* before the join).
 *    *L* is the last event sent (or the position it started from).
 * 3. It waits for a whole hub poll begun after its last read, so the hub has fanned out
 *    everything up to that read's head, *L* included when *L* lies after *J*.
 * 4. If *L* is in `pending`, *L* lies after *J*: the pending events up to *L* were sent by
 *    the reads, those after it were not. If it is not, *L* lies at or before *J*, the reads
 *    found no match between *L* and *J*, and every pending match is new. Then it goes live.
 *
 * The first page is read before the stream is returned, so a bad `afterId` is a `400`
 * rather than a stream that ends at once.
 *
 * @throws {TicketError} `VALIDATION` when the store refuses `afterId`; `UNAVAILABLE` when the store fails
 *
 * @internal
 */
export async function openEventStream(query: EventStreamQuery, deps: EventStreamDeps): Promise<ReadableStream<Uint8Array>> {
  const { service, hub, settings, onError, signal } = deps
  const matches = matcher(query)
  let live = false
  let closed = false
  let pending: PendingEvent[] = []
  let controller!: ReadableStreamDefaultController<Uint8Array>
  let demand: (() => void) | undefined
  let heartbeat: ReturnType<typeof setInterval> | undefined
  let detach: (() => void) | undefined

  function close(): void {
    if (closed) return
    closed = true
    pending = []
    if (heartbeat !== undefined) clearInterval(heartbeat)
    detach?.()
    signal.removeEventListener('abort', close)
    demand?.()
    try {
      controller.close()
    } catch {
      // Already cancelled by the client.
    }
  }

  function send(chunk: Uint8Array): void {
    if (closed) return
    controller.enqueue(chunk)
    // A live client this far behind would hold the server's memory hostage: cut it off; it
    // resumes from its Last-Event-ID by its own reads. (Catching up, it is only sent a page
    // at a time, once it has read the last.)
    if (live && (controller.desiredSize ?? 0) < -settings.maxBacklog) close()
  }

  /** Resolves once the client has read what is queued (or the stream is gone). */
  function readDemand(): Promise<void> {
    if (closed || (controller.desiredSize ?? 0) > 0) return Promise.resolve()
    return new Promise((resolve) => {
      demand = () => {
        demand = undefined
        resolve()
      }
    })
  }

  const listener: HubListener = {
    onEvent(event) {
      if (closed) return
      if (live) {
        if (matches(event)) send(sseEvent(event))
      } else if (matches(event)) {
        pending.push({ id: event.id, event })
        // Same limit as a live client that does not read: it resumes by its own reads.
        if (pending.length > settings.maxBacklog) close()
      } else if (event.id === query.afterId) {
        // The hand-over looks for the last event sent, or else the starting position,
        // which need not match the filters: keep its id, and no other non-matching one.
        pending.push({ id: event.id })
      }
    },
    onFail(error) {
      if (!closed) onError(error)
      close()
    },
  }

  const readPage = (afterId: string | undefined) =>
    service.events(
      appliedEventsQuery({
        workspaceId: query.workspaceId,
        afterId,
        occurredAfter: query.occurredAfter,
        type: query.type,
        limit: MAX_EVENTS_LIMIT,
      }),
    )

  detach = await hub.subscribe(listener)
  let firstPage: readonly TicketEvent[]
  try {
    firstPage = (await readPage(query.afterId)).result
  } catch (error) {
    detach()
    throw error
  }

  async function catchUpThenGoLive(): Promise<void> {
    let position = query.afterId
    let page = firstPage
    for (;;) {
      for (const event of page) send(sseEvent(event))
      position = page.at(-1)?.id ?? position
      if (page.length < MAX_EVENTS_LIMIT) break
      await readDemand()
      if (closed) return
      page = (await readPage(position)).result
    }
    await hub.drain()
    if (closed) return
    const joinedAt = position === undefined ? -1 : pending.findIndex((entry) => entry.id === position)
    for (const entry of pending.slice(joinedAt + 1)) if (entry.event !== undefined) send(sseEvent(entry.event))
    pending = []
    live = true
  }

  const stream = new ReadableStream<Uint8Array>({
    start(streamController) {
      controller = streamController
      controller.enqueue(sseRetry(settings.retryMs))
      heartbeat = setInterval(() => send(SSE_HEARTBEAT), settings.heartbeatMs)
    },
    pull() {
      demand?.()
    },
    cancel() {
      close()
    },
  })
  if (signal.aborted) close()
  else signal.addEventListener('abort', close, { once: true })
  catchUpThenGoLive().catch((error: unknown) => {
    if (!closed) onError(error)
    close()
  })
  return stream
}
