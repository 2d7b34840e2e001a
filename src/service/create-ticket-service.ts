import { type StoredAuditRecord, upcastAudit } from '../core/audit/upcast-audit.js'
import { parseWith, trustedOrParsedCommand } from '../core/commands/parse-command.js'
import { isTicketError, TicketError } from '../core/errors/ticket-error.js'
import { AUDIT_SCHEMA_VERSION } from '../core/model/audit.js'
import type { Command } from '../core/model/command.js'
import type { TicketEvent } from '../core/model/event.js'
import { TICKET_SCHEMA_VERSION, type Ticket } from '../core/model/ticket.js'
import { type HandleResult, handleParsed } from '../core/reducer/handle.js'
import type { HandleContext } from '../core/reducer/handle-context.js'
import { FREEZES_BY_DEFAULT } from '../core/reducer/immer-instances.js'
import { replay } from '../core/reducer/replay.js'
import { LIBRARY_UPCASTING } from '../core/upcasting/event-upcasters.js'
import { createEventUpcasting } from '../core/upcasting/event-upcasting.js'
import type { InstrumentationAttributes, InstrumentationSpan } from '../instrumentation/open-telemetry-types.js'
import type { InstrumentedOperation } from '../instrumentation/service-instrumentation.js'
import { SERVICE_SPANS, serviceTelemetry } from '../instrumentation/service-telemetry.js'
import { type AppendBatch, storeCapabilities, type TicketStore } from '../store-contract/ticket-store.js'
import { backoffDelay, CONFLICT_BACKOFF, DEFAULT_UNAVAILABLE_RETRY, sleep, UnavailableRetrySchedule } from './backoff.js'
import { guardStore } from './guarded-store.js'
import { encodeListCursor } from './list-cursor.js'
import { parseAuditsQuery, parseEventsQuery, parseListQuery } from './query-schemas.js'
import {
  executeOptionsArgumentSchema,
  loadOptionsArgumentSchema,
  scopeArgumentSchema,
  serviceOptionsSchema,
  ticketIdArgumentSchema,
} from './service-schemas.js'
import { StateCache } from './state-cache.js'
import type { AuditsPage, EventsPage, TicketService, TicketServiceOptions, TicketsPage, WorkspaceScope } from './ticket-service.js'

/** A snapshot schema version no snapshot is written under (they start at 1): asking for it reads a whole stream. */
const NO_SNAPSHOT_SCHEMA_VERSION = 0

/** Snapshot every this many events unless told otherwise. */
export const DEFAULT_SNAPSHOT_EVERY = 100
/** Remember command ids this long unless told otherwise: 48 hours (the webhook events reference says 24–48 h). */
export const DEFAULT_DEDUPE_WINDOW_MS = 48 * 60 * 60 * 1000
/** Retry a command this many times after a `CONCURRENCY` conflict unless told otherwise. */
export const DEFAULT_MAX_RETRIES = 10
/** Keep this many recently used ticket states in memory unless told otherwise. */
export const DEFAULT_CACHE_SIZE = 1000
export { DEFAULT_UNAVAILABLE_RETRY }

/**
 * Creates the ticket service: commands in, events stored, state and pages out.
 *
 * - `execute` validates the command, loads the ticket (newest snapshot plus the events
 *   after it), decides with the pure {@link handle}, and appends the events with the
 *   version it read (optimistic concurrency). On a `CONCURRENCY` conflict it starts over
 *   from the idempotency check, up to `maxRetries` times with a short jittered backoff.
 * - A store that is `UNAVAILABLE` (a dropped connection, a failover, a busy SQLite file)
 *   is retried with a longer backoff, 50 ms doubling to 2 s for about 10 s in all
 *   (`unavailableRetry`), by `execute` and by the reads. When an append failed that way,
 *   the service asks the store whether the batch's first event is stored before it
 *   retries, so a command whose commit went through is never applied twice.
 * - A command carrying `meta.commandId` runs once per ticket within the dedupe window:
 *   a repeat returns the first result and appends nothing.
 * - The states it last wrote or read are kept in a small LRU cache (`cacheSize`, default
 *   1,000 tickets; 0 turns it off), so a busy ticket is not reloaded for every command.
 *   A stale entry is harmless: the append's expected version makes the store refuse it,
 *   and the retry reloads. A rejection or a no-op decided on a cached state stands only
 *   once the store confirms that state is current (`currentVersion`, or a reload that
 *   finds the same version); each command is decided once per state it is decided on.
 * - A snapshot is written whenever a command's events cross a multiple of `snapshotEvery`,
 *   so loading a long-lived ticket reads at most that many events past the snapshot.
 * - A {@link WorkspaceScope} hides other workspaces' tickets: they are `NOT_FOUND` /
 *   `null`, exactly like missing ones.
 * - States are deep-frozen in development and not in production unless `freeze` says
 *   otherwise (the same setting for `handle` and `replay`); the memory store freezes what
 *   it keeps either way, unless told to keep copies. Events never share objects
 *   with states, so editing a returned event cannot change a cached or stored state.
 *
 * The store is migrated once on first use and closed once by {@link TicketService.close};
 * after that every call fails with `CLOSED`. Every argument is validated with zod, once:
 * bad input is a `VALIDATION` {@link TicketError} with issue paths, and changes nothing.
 * A command from `parseCommand` is not validated again.
 *
 * @throws {TicketError} `VALIDATION` when the options are malformed
 *
 * @example
 * ```ts
 * import { createTicketService } from 'ticket-events'
 * import { memoryStore } from 'ticket-events/memory'
 *
 * const tickets = createTicketService({ store: memoryStore() })
 * const ticketId = crypto.randomUUID()
 * await tickets.execute(ticketId, {
 *   type: 'create', workspaceId, chatId, ticketingTeamId: null, assigneeId: null, status: 'pending',
 * })
 * await tickets.execute(ticketId, { type: 'takeover', assigneeId, meta: { commandId: 'takeover-1' } })
 * const ticket = await tickets.load(ticketId) // status: 'ongoing'
 * const { result } = await tickets.list({ workspaceId, status: 'ongoing' })
 * await tickets.close()
 * ```
 */
export function createTicketService(options: TicketServiceOptions): TicketService {
  parseWith(serviceOptionsSchema, options, 'ticket service options')
  const guarded = guardStore(options.store)
  // The service decides whether states are frozen, for handle and replay alike.
  const freeze = options.freeze ?? FREEZES_BY_DEFAULT
  const ctx: HandleContext = { ...options.ctx, freeze }
  const snapshotEvery = options.snapshotEvery ?? DEFAULT_SNAPSHOT_EVERY
  const dedupeWindowMs = options.dedupeWindowMs ?? DEFAULT_DEDUPE_WINDOW_MS
  const maxRetries = options.maxRetries ?? DEFAULT_MAX_RETRIES
  const unavailableRetry = { ...DEFAULT_UNAVAILABLE_RETRY, ...definedOnly(options.unavailableRetry) }
  const capabilities = storeCapabilities(options.store)
  const snapshots = capabilities.supportsSnapshots
  const cache = new StateCache(options.cacheSize ?? DEFAULT_CACHE_SIZE)
  const storeName = options.store.name
  /** `undefined` without instrumentation: every use below is behind `?.` or a test, so an uninstrumented service pays nothing more. */
  const telemetry = serviceTelemetry(options.instrumentation)

  /** Runs `work` in a span when the service is traced; otherwise just runs it. */
  const traced = <T>(name: string, attributes: InstrumentationAttributes, work: (span: InstrumentationSpan | undefined) => T): T =>
    telemetry === undefined ? work(undefined) : telemetry.span(name, attributes, work)

  /** Decides once on `state`, in a span when traced, saying what was decided. */
  const decideTraced = (state: Ticket | null, command: Command, cached: boolean): Decision =>
    telemetry === undefined
      ? decide(state, command, ctx)
      : telemetry.span(SERVICE_SPANS.decide, { 'ticket_events.cached_state': cached }, (span) => {
          const decision = decide(state, command, ctx)
          if ('error' in decision) {
            span?.setAttribute('ticket_events.decision', 'rejected')
            span?.setAttribute('error.type', decision.error.code)
          } else span?.setAttribute('ticket_events.decision', decision.result.events.length > 0 ? 'append' : 'no-op')
          return decision
        })

  // Every read path upcasts through this: stored events may be older than this code.
  const upcasting = options.upcasters === undefined ? LIBRARY_UPCASTING : createEventUpcasting(options.upcasters)

  /** Tickets whose last load replayed a long tail (no usable snapshot): snapshot them on the next append. */
  const snapshotStale = new Set<string>()
  /** Whether a batch taking the ticket from `before` to `after` crosses a multiple of `snapshotEvery` (or the snapshot is stale). */
  const snapshotDue = (ticketId: string, before: number, after: number): boolean =>
    snapshots && (snapshotStale.has(ticketId) || Math.floor(after / snapshotEvery) > Math.floor(before / snapshotEvery))

  /** Loads a ticket, noting when its snapshot is missing or outdated (say, after a schema version change). */
  const load = async (store: TicketStore, ticketId: string): Promise<Ticket | null> => {
    const stream = await store.loadStream(ticketId, { snapshotSchemaVersion: TICKET_SCHEMA_VERSION })
    if (stream === null) return null
    if (stream.events.length >= snapshotEvery) snapshotStale.add(ticketId)
    return replay(upcasting.upcastAll(stream.events), stream.snapshot, { freeze })
  }

  /**
   * The ticket as it was right after `version`, given its current state `current` (read
   * first: a stream only grows and deletion is final, so `current` settles whether the
   * version exists and whether the ticket's history may be served).
   */
  const loadAt = async (store: TicketStore, current: Ticket, version: number): Promise<Ticket> => {
    const ticketId = current.id
    if (current.deleted) {
      throw new TicketError('DELETED', `Ticket ${ticketId} is deleted; its earlier versions are not served either.`, {
        details: { ticketId },
      })
    }
    if (version > current.version) {
      throw new TicketError(
        'NOT_FOUND',
        `Ticket ${ticketId} has no version ${version}: it is at version ${current.version}. Ask for a version from 1 to ${current.version}.`,
        { details: { ticketId, version, currentVersion: current.version } },
      )
    }
    if (version === current.version) return current
    const stream = capabilities.supportsLoadStreamAt
      ? await (store.loadStreamAt as NonNullable<TicketStore['loadStreamAt']>)(ticketId, {
          snapshotSchemaVersion: TICKET_SCHEMA_VERSION,
          version,
        })
      : // No snapshot is ever written under schema version 0, so this is the whole stream.
        await store.loadStream(ticketId, { snapshotSchemaVersion: NO_SNAPSHOT_SCHEMA_VERSION })
    const usable = stream?.snapshot != null && stream.snapshot.version <= version ? stream.snapshot : null
    const tail = (stream?.events ?? []).filter((event) => event.version > (usable?.version ?? 0) && event.version <= version)
    const state = replay(upcasting.upcastAll(tail), usable, { freeze })
    if (state === null || state.version !== version) {
      throw new TicketError('UNAVAILABLE', `The ${store.name} store returned ticket ${ticketId} without its version ${version}.`, {
        retryable: false,
        details: { ticketId },
      })
    }
    return state
  }

  /**
   * Whether the store confirms `cached` is the ticket's current state, so a no-op or a
   * rejection decided on it stands (`false` when the store cannot say cheaply).
   */
  async function confirmedCurrent(store: TicketStore, ticketId: string, cached: Ticket): Promise<boolean> {
    return (
      capabilities.supportsCurrentVersion && (await (store.currentVersion as (id: string) => Promise<number>)(ticketId)) === cached.version
    )
  }

  async function runOnce(
    store: TicketStore,
    ticketId: string,
    command: Command,
    workspaceId: string | undefined,
    retries: UnavailableRetrySchedule,
    expectedVersion: number | undefined,
  ): Promise<HandleResult> {
    const commandId = command.meta?.commandId
    // Only a command with an id is looked up and recorded, so only it reads the clock here
    // (`handle` reads it for the events' time, once, when there are events).
    const now = commandId === undefined ? null : currentTime(ctx)
    const notBefore = now === null ? '' : new Date(now.getTime() - dedupeWindowMs).toISOString()
    if (commandId !== undefined) {
      const remembered = await rememberedResult(store, ticketId, commandId, notBefore, workspaceId)
      if (remembered !== undefined) return remembered
    }

    // Decide on the cached state when there is one (and it is at the expected version).
    // A decision that appends may rest on it: the append's expected version catches a
    // stale state. A rejection or a no-op might be an artefact of staleness, so it stands
    // only once the store confirms the state is current; otherwise the ticket is
    // reloaded, and the decision is kept if the reload finds the same version.
    const cached = cache.get(ticketId)
    let state: Ticket | null = null
    let decision: Decision | undefined
    let onCached: Decision | undefined
    const usable =
      cached !== undefined && inScope(cached, workspaceId) && (expectedVersion === undefined || cached.version === expectedVersion)
    telemetry?.cacheLookup(usable)
    if (usable) {
      onCached = decideTraced(cached, command, true)
      if (appends(onCached) || (await confirmedCurrent(store, ticketId, cached))) {
        state = cached
        decision = onCached
      }
    }
    if (decision === undefined) {
      const loaded = await traced(SERVICE_SPANS.executeLoad, {}, () => load(store, ticketId))
      cache.set(ticketId, loaded)
      if (loaded !== null && !inScope(loaded, workspaceId) && command.type === 'create') {
        throw new TicketError('ALREADY_EXISTS', `Ticket id ${ticketId} is taken; a create command needs a new ticket id.`, {
          details: { ticketId },
        })
      }
      // Another workspace's ticket is handled as a missing one, so the error is the same.
      state = loaded !== null && inScope(loaded, workspaceId) ? loaded : null
      const movedOn = expectedVersionError(ticketId, state, expectedVersion)
      // The same version is the same state (a ticket's stream only grows, a version at a
      // time), so the decision made on the cached copy stands.
      decision =
        movedOn !== undefined
          ? { error: movedOn }
          : onCached !== undefined && state !== null && state.version === cached?.version
            ? onCached
            : decideTraced(state, command, false)
    }
    if (commandId !== undefined && !appends(decision)) {
      // A duplicate racing the original may have missed its record above and then read the
      // state the original left: there the command is refused (a create: ALREADY_EXISTS;
      // with an expected version, CONCURRENCY) or changes nothing. The record commits with
      // that state, so a second look, after the read, finds it. Only a refusal or a no-op
      // pays for the look.
      const remembered = await rememberedResult(store, ticketId, commandId, notBefore, workspaceId)
      if (remembered !== undefined) return remembered
    }
    if ('error' in decision) throw decision.error
    // `handle` stamps the library's schema versions; a chain of the caller's may differ.
    const result = options.upcasters === undefined ? decision.result : stampResult(decision.result)
    if (result.events.length === 0) return result

    const decidedOn = state?.version ?? 0
    const batch: AppendBatch = {
      ticketId,
      workspaceId: result.state.workspaceId,
      expectedVersion: decidedOn,
      events: result.events,
      state: result.state,
      audit: result.audit,
      ...(snapshotDue(ticketId, decidedOn, result.state.version)
        ? { snapshot: { state: result.state, schemaVersion: TICKET_SCHEMA_VERSION } }
        : {}),
      ...(commandId !== undefined && now !== null ? { command: { commandId, recordedAt: now.toISOString(), result, notBefore } } : {}),
    }
    const appendStart = telemetry?.timesAppends === true ? monotonicMs() : 0
    try {
      await traced(SERVICE_SPANS.append, { 'ticket_events.events.count': batch.events.length }, () => store.append(batch))
    } catch (error) {
      cache.delete(ticketId)
      if (!isTicketError(error) || error.code !== 'UNAVAILABLE' || !(await appendLanded(store, batch, error, retries, command.type)))
        throw error
    }
    cache.set(ticketId, result.state)
    if (batch.snapshot !== undefined) snapshotStale.delete(ticketId)
    telemetry?.appended({
      ticketId,
      workspaceId: batch.workspaceId,
      commandType: command.type,
      events: result.events,
      version: result.state.version,
      durationMs: telemetry.timesAppends ? monotonicMs() - appendStart : 0,
    })
    return result
  }

  /**
   * The result the store remembers for `commandId` on this ticket since `notBefore`, in
   * its current shape. One from another workspace is as good as none: the caller then
   * answers exactly as it would for a missing ticket.
   */
  async function rememberedResult(
    store: TicketStore,
    ticketId: string,
    commandId: string,
    notBefore: string,
    workspaceId: string | undefined,
  ): Promise<HandleResult | undefined> {
    const remembered = await traced(SERVICE_SPANS.findCommand, {}, () => store.findCommand(ticketId, commandId, notBefore))
    return remembered && inScope(remembered.state, workspaceId) ? withCurrentAudit(upcastResult(remembered)) : undefined
  }

  /**
   * Settles the outcome of an append that failed with `UNAVAILABLE`: the connection may
   * have died after the commit was sent. A batch is stored whole or not at all, so its
   * first event tells. `true`: it landed. `false`: it did not, and a retry is safe.
   * Throws an `UNAVAILABLE` saying the outcome is unknown when the store cannot be asked.
   */
  async function appendLanded(
    store: TicketStore,
    batch: AppendBatch,
    failure: TicketError,
    retries: UnavailableRetrySchedule,
    commandType: Command['type'],
  ) {
    const firstEventId = batch.events[0]?.id
    if (firstEventId === undefined) return false
    if (!capabilities.supportsHasEvent || store.hasEvent === undefined) {
      // With a command id a retry is safe: it finds the command's record if the append
      // landed. Without one, nothing can tell a landed append from a lost one.
      if (batch.command !== undefined) return false
      throw outcomeUnknown(batch, failure, false)
    }
    for (let retry = 1; ; retry++) {
      try {
        return await store.hasEvent(firstEventId)
      } catch (error) {
        const delay = retries.nextDelay(error)
        if (delay === undefined) {
          const retryable = batch.command !== undefined && isTicketError(error) && error.retryable
          throw outcomeUnknown(batch, error, retryable)
        }
        telemetry?.retry({
          operation: 'execute',
          ticketId: batch.ticketId,
          commandType,
          reason: 'unavailable',
          retry,
          delayMs: delay,
          error: error as TicketError,
        })
        await sleep(delay)
      }
    }
  }

  /** A remembered result with its events in their current shape (recorded by an older version, they may not be). */
  function upcastResult(result: HandleResult): HandleResult {
    const events = upcasting.upcastAll(result.events)
    return events === result.events ? result : { ...result, events: events as TicketEvent[] }
  }

  /** A new result with its events stamped with this service's schema versions. */
  function stampResult(result: HandleResult): HandleResult {
    const events = upcasting.stamp(result.events)
    return events === result.events ? result : { ...result, events }
  }

  /** Runs a read, retrying it while the store is `UNAVAILABLE` and the retry budget lasts. */
  async function retryingReads<T>(
    operation: Exclude<InstrumentedOperation, 'execute'>,
    read: (store: TicketStore) => Promise<T>,
    ticketId?: string,
  ): Promise<T> {
    const retries = new UnavailableRetrySchedule(unavailableRetry)
    for (let retry = 1; ; retry++) {
      try {
        return await read(guarded.readyNow() ?? (await guarded.ready()))
      } catch (error) {
        const delay = retries.nextDelay(error)
        if (delay === undefined) throw error
        telemetry?.retry({
          operation,
          ...(ticketId === undefined ? {} : { ticketId }),
          reason: 'unavailable',
          retry,
          delayMs: delay,
          error: error as TicketError,
        })
        await sleep(delay)
      }
    }
  }

  /**
   * `execute` after its arguments were parsed: run the command, retrying conflicts and
   * outages. `span` is the `execute` span when the service is traced.
   */
  async function executeParsed(
    id: string,
    parsed: Command,
    workspaceId: string | undefined,
    expectedVersion: number | undefined,
    span: InstrumentationSpan | undefined,
  ): Promise<HandleResult> {
    const retries = new UnavailableRetrySchedule(unavailableRetry)
    for (let conflicts = 0, outages = 0; ; ) {
      let delay: number | undefined
      try {
        const store = guarded.readyNow() ?? (await guarded.ready())
        const result = await runOnce(store, id, parsed, workspaceId, retries, expectedVersion)
        span?.setAttribute('ticket_events.ticket.version', result.state.version)
        span?.setAttribute('ticket_events.events.count', result.events.length)
        return result
      } catch (error) {
        // A conflict the caller's expected version settles is not retryable; others are
        // retried (with an expected version, the retry finds a command that won the race
        // by its id, or else reports the version the ticket moved to).
        if (isTicketError(error, 'CONCURRENCY')) telemetry?.conflict()
        if (isTicketError(error, 'CONCURRENCY') && error.retryable) {
          if (conflicts >= maxRetries) throw error
          delay = backoffDelay(CONFLICT_BACKOFF, conflicts++)
          telemetry?.retry({
            operation: 'execute',
            ticketId: id,
            commandType: parsed.type,
            reason: 'conflict',
            retry: conflicts,
            delayMs: delay,
            error,
          })
        } else {
          delay = retries.nextDelay(error)
          if (delay === undefined) throw error
          telemetry?.retry({
            operation: 'execute',
            ticketId: id,
            commandType: parsed.type,
            reason: 'unavailable',
            retry: ++outages,
            delayMs: delay,
            error: error as TicketError,
          })
        }
        span?.setAttribute('ticket_events.retries', conflicts + outages)
      }
      await sleep(delay)
    }
  }

  return {
    execute(ticketId, command, scope, options) {
      const parseAndRun = async (span: InstrumentationSpan | undefined) => {
        const id = parseTicketId(ticketId)
        const workspaceId = parseScope(scope)
        // Leaving out the options is the common case, and needs no parse to tell.
        const expectedVersion =
          options === undefined
            ? undefined
            : parseWith(executeOptionsArgumentSchema, { options }, 'execute options').options?.expectedVersion
        const parsed = prepareCommand(id, trustedOrParsedCommand(command), workspaceId)
        span?.setAttribute('ticket_events.ticket.id', id)
        span?.setAttribute('ticket_events.command.type', parsed.type)
        return executeParsed(id, parsed, workspaceId, expectedVersion, span)
      }
      return telemetry === undefined
        ? parseAndRun(undefined)
        : telemetry.span(SERVICE_SPANS.execute, { 'ticket_events.store': storeName }, parseAndRun)
    },

    async load(ticketId, options, scope) {
      const id = parseTicketId(ticketId)
      const version = parseWith(loadOptionsArgumentSchema, { options }, 'load options').options?.version
      const workspaceId = parseScope(scope)
      // Always read the store: other processes may have written since we cached.
      const ticket = await traced(SERVICE_SPANS.load, { 'ticket_events.store': storeName, 'ticket_events.ticket.id': id }, () =>
        retryingReads('load', (store) => load(store, id), id),
      )
      cache.set(id, ticket)
      if (ticket === null || !inScope(ticket, workspaceId)) return null
      return version === undefined ? ticket : await retryingReads('load', (store) => loadAt(store, ticket, version), id)
    },

    async audits(ticketId, options, scope): Promise<AuditsPage> {
      const query = parseAuditsQuery(parseTicketId(ticketId), parseScope(scope), options)
      if (!capabilities.supportsAudits) {
        throw new TicketError(
          'UNSUPPORTED',
          `The ${guarded.store.name} store does not offer audits (capability supportsAudits): it has no readAudits() method.`,
          { details: { store: guarded.store.name, capability: 'supportsAudits' } },
        )
      }
      const result = await traced(
        SERVICE_SPANS.audits,
        { 'ticket_events.store': storeName, 'ticket_events.ticket.id': query.ticketId },
        () => retryingReads('audits', (store) => (store.readAudits as NonNullable<TicketStore['readAudits']>)(query), query.ticketId),
      )
      if (result === null) {
        throw new TicketError('NOT_FOUND', `Ticket ${query.ticketId} does not exist.`, { details: { ticketId: query.ticketId } })
      }
      return { query, result }
    },

    async events(query): Promise<EventsPage> {
      const applied = parseEventsQuery(query)
      const result = upcasting.upcastAll(
        await traced(SERVICE_SPANS.events, { 'ticket_events.store': storeName }, () =>
          retryingReads('events', (store) => store.readEvents(applied)),
        ),
      )
      return { query: applied, result }
    },

    async list(query): Promise<TicketsPage> {
      const applied = parseListQuery(query)
      if (applied.after !== undefined && !capabilities.supportsListCursor) throw cursorUnsupported(storeName)
      const result = await traced(SERVICE_SPANS.list, { 'ticket_events.store': storeName }, () =>
        retryingReads('list', (store) => store.listTickets(applied)),
      )
      const last = result.length === applied.pageSize ? result.at(-1) : undefined
      const nextCursor =
        last !== undefined && capabilities.supportsListCursor ? encodeListCursor({ createdAt: last.createdAt, ticketId: last.id }) : null
      return { query: applied, result, nextCursor }
    },

    close() {
      return guarded.close()
    },
  }
}

/**
 * The error for an append whose outcome could not be settled: the store failed after the
 * commit may have been sent, and could not be asked afterwards. Retrying is safe only
 * with a command id, which makes a repeat return the first result.
 */
function outcomeUnknown(batch: AppendBatch, cause: unknown, retryable: boolean): TicketError {
  const advice =
    batch.command !== undefined
      ? `Retrying with the same meta.commandId (${batch.command.commandId}) is safe: if it landed, the retry returns its result.`
      : 'It carried no meta.commandId, so a retry might apply it twice: check the ticket before you run it again.'
  return new TicketError(
    'UNAVAILABLE',
    `The store failed while appending to ticket ${batch.ticketId} and could not be asked afterwards whether the append landed. ${advice}`,
    { cause, retryable, details: { ticketId: batch.ticketId, outcome: 'unknown' } },
  )
}

// The core entries compile without DOM or Node typings; `performance` is in every runtime we target.
const runtime = globalThis as unknown as { readonly performance: { now(): number } }
/** A monotonic clock in ms, for durations. */
const monotonicMs = (): number => runtime.performance.now()

/** The error for a `cursor` on a store that does not page by cursor. */
function cursorUnsupported(store: string): TicketError {
  return new TicketError(
    'VALIDATION',
    `Invalid list query: the ${store} store does not page by cursor (it does not declare supportsListCursor); use pageNumber.`,
    { issues: [{ path: ['cursor'], message: 'This store does not page by cursor', code: 'custom' }] },
  )
}

/** A remembered result whose audit was recorded in an older shape, upcast like the audits a store reads. */
function withCurrentAudit(result: HandleResult): HandleResult {
  const audit = result.audit as StoredAuditRecord | null
  if (audit === null || audit.schemaVersion === AUDIT_SCHEMA_VERSION) return result
  return { ...result, audit: upcastAudit(audit, result.state.version) }
}

/** The entries of `options` whose value is not `undefined`, so defaults stay in place. */
function definedOnly<T extends object>(options: T | undefined): Partial<T> {
  return Object.fromEntries(Object.entries(options ?? {}).filter(([, value]) => value !== undefined)) as Partial<T>
}

/** What `handle` decided on one state: a result (which may append nothing), or the rule it broke. */
type Decision = { readonly result: HandleResult } | { readonly error: TicketError }

/** Runs `handle` once and keeps its answer, the rule it broke included, so it is never asked again for the same state. */
function decide(state: Ticket | null, command: Command, ctx: HandleContext): Decision {
  try {
    return { result: handleParsed(state, command, ctx) }
  } catch (error) {
    if (isTicketError(error)) return { error }
    throw error
  }
}

function appends(decision: Decision): boolean {
  return 'result' in decision && decision.result.events.length > 0
}

/**
 * The refusal to decide on a ticket that is not at the version the caller expected: a
 * `CONCURRENCY` that no retry of this call can cure (only the caller can decide again).
 * `undefined` when there is nothing to refuse.
 */
function expectedVersionError(ticketId: string, state: Ticket | null, expectedVersion: number | undefined): TicketError | undefined {
  const actualVersion = state?.version ?? 0
  if (expectedVersion === undefined || actualVersion === expectedVersion) return undefined
  return new TicketError(
    'CONCURRENCY',
    `Ticket ${ticketId} is at version ${actualVersion}, not at the expected version ${expectedVersion}; nothing was appended. Load it and decide again.`,
    { retryable: false, details: { ticketId, expectedVersion, actualVersion } },
  )
}

function inScope(ticket: Ticket, workspaceId: string | undefined): boolean {
  return workspaceId === undefined || ticket.workspaceId === workspaceId
}

/**
 * Ticket ids zod has accepted lately. A string cannot change, so the verdict holds; a
 * service asked about the same tickets over and over (the common case) parses each id
 * once instead of on every call. Cleared, not evicted, when full: it only saves work.
 */
const acceptedTicketIds = new Set<string>()
const ACCEPTED_TICKET_IDS_MAX = 4_096

function parseTicketId(ticketId: string): string {
  if (acceptedTicketIds.has(ticketId)) return ticketId
  const parsed = parseWith(ticketIdArgumentSchema, { ticketId }, 'ticket id').ticketId
  if (parsed === ticketId) {
    if (acceptedTicketIds.size >= ACCEPTED_TICKET_IDS_MAX) acceptedTicketIds.clear()
    acceptedTicketIds.add(ticketId)
  }
  return parsed
}

function parseScope(scope: WorkspaceScope | undefined): string | undefined {
  if (scope === undefined) return undefined
  return parseWith(scopeArgumentSchema, { scope }, 'workspace scope').scope?.workspaceId
}

/**
 * Binds a `create` command to the ticket id it is executed on, and keeps a scoped
 * caller from creating a ticket in another workspace.
 */
function prepareCommand(ticketId: string, command: Command, workspaceId: string | undefined): Command {
  if (command.type !== 'create') return command
  if (command.ticketId !== undefined && command.ticketId !== ticketId) {
    throw new TicketError(
      'VALIDATION',
      `Invalid command: ticketId ${command.ticketId} differs from the ticket it is executed on (${ticketId}).`,
      {
        issues: [{ path: ['ticketId'], message: 'Must equal the ticket id the command is executed on', code: 'custom' }],
      },
    )
  }
  if (workspaceId !== undefined && command.workspaceId !== workspaceId) {
    throw new TicketError('VALIDATION', `Invalid command: workspaceId ${command.workspaceId} is outside the caller's workspace.`, {
      issues: [{ path: ['workspaceId'], message: "Must equal the scope's workspace id", code: 'custom' }],
    })
  }
  return command.ticketId === ticketId ? command : { ...command, ticketId }
}

/** Reads the service clock (the one `handle` uses), refusing what is not a valid Date. */
function currentTime(ctx: HandleContext): Date {
  const now = ctx.now ? ctx.now() : new Date()
  if (!(now instanceof Date) || Number.isNaN(now.getTime())) {
    throw new TicketError('VALIDATION', 'ctx.now() must return a valid Date.', {
      issues: [{ path: ['ctx', 'now'], message: 'Invalid Date', code: 'custom' }],
    })
  }
  return now
}
