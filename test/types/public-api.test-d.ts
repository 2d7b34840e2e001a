import { createServer } from 'node:http'
import { describe, expectTypeOf, it } from 'vitest'
import { toNodeListener } from '../../src/http/node/index.js'
import {
  type Audit,
  type AuditsOptions,
  type AuditsPage,
  type Command,
  type CommandOf,
  createTicketService,
  type EventsQuery,
  type ExecuteOptions,
  evolve,
  type HandleContext,
  type HandleResult,
  handle,
  isTicketError,
  type ListQuery,
  type LoadOptions,
  type PrunableTicketStore,
  type PruneOptions,
  type ReplayOptions,
  replay,
  type StoreCapabilities,
  type Ticket,
  type TicketError,
  type TicketErrorCode,
  type TicketEvent,
  type TicketService,
  type TicketServiceOptions,
  type TicketStore,
  type UnavailableRetryOptions,
  type WorkspaceScope,
} from '../../src/index.js'
import type { MigrationPlan } from '../../src/migrations/index.js'
import { memoryStore } from '../../src/stores/memory/index.js'
import { type PostgresTicketStore, postgresStore } from '../../src/stores/postgres/index.js'
import { sqliteStore } from '../../src/stores/sqlite/index.js'

describe('the public API types', () => {
  it('types handle, evolve and replay as in the spec', () => {
    expectTypeOf(handle).parameter(0).toEqualTypeOf<Ticket | null>()
    expectTypeOf(handle).parameter(1).toEqualTypeOf<Command>()
    expectTypeOf(handle).parameter(2).toEqualTypeOf<HandleContext | undefined>()
    expectTypeOf<HandleContext>().toEqualTypeOf<{
      readonly now?: () => Date
      readonly newId?: () => string
      readonly freeze?: boolean
    }>()
    expectTypeOf(handle).returns.toEqualTypeOf<HandleResult>()
    expectTypeOf<HandleResult['state']>().toEqualTypeOf<Ticket>()
    expectTypeOf<HandleResult['events']>().toEqualTypeOf<readonly TicketEvent[]>()
    expectTypeOf<HandleResult['audit']>().toEqualTypeOf<Audit | null>()
    expectTypeOf(evolve).returns.toEqualTypeOf<Ticket | null>()
    expectTypeOf(replay).parameters.toEqualTypeOf<[Iterable<TicketEvent>, (Ticket | null)?, ReplayOptions?]>()
    expectTypeOf<ReplayOptions>().toEqualTypeOf<{ readonly freeze?: boolean }>()
    // evolve takes no options, so it still folds with Array.prototype.reduce.
    expectTypeOf(([] as TicketEvent[]).reduce(evolve, null)).toEqualTypeOf<Ticket | null>()
  })

  it('narrows an event payload by its type', () => {
    const event = {} as TicketEvent
    if (event.type === 'ticket:assigned')
      expectTypeOf(event.payload).toEqualTypeOf<{ readonly from: string | null; readonly to: string | null }>()
    if (event.type === 'ticket:tag:updated') expectTypeOf(event.payload.added).toEqualTypeOf<readonly string[]>()
  })

  it('names each command and narrows the Command union by type', () => {
    expectTypeOf<CommandOf<'takeover'>>().toHaveProperty('assigneeId').toEqualTypeOf<string>()
    expectTypeOf<CommandOf<'assign'>['assigneeId']>().toEqualTypeOf<string | null>()
    expectTypeOf<Command['type']>().toExtend<string>()
    expectTypeOf<'create'>().toExtend<Command['type']>()
  })

  it('narrows unknown errors with isTicketError', () => {
    const error: unknown = new Error()
    if (isTicketError(error)) expectTypeOf(error.code).toEqualTypeOf<TicketErrorCode>()
    expectTypeOf<'MISSING_DRIVER' | 'CLOSED'>().toExtend<TicketErrorCode>()
    expectTypeOf<'UNAVAILABLE'>().toExtend<TicketErrorCode>()
    expectTypeOf<TicketError['retryable']>().toEqualTypeOf<boolean>()
    expectTypeOf<TicketError['issues'][number]['path']>().toEqualTypeOf<readonly (string | number)[]>()
  })

  it('makes states read-only', () => {
    expectTypeOf<Ticket['tags']>().toEqualTypeOf<readonly string[]>()
    // @ts-expect-error — a state is not writable
    ;(({}) as Ticket).status = 'ongoing'
  })

  it('types the service', () => {
    expectTypeOf(createTicketService).returns.toEqualTypeOf<TicketService>()
    expectTypeOf<TicketService['execute']>().returns.resolves.toEqualTypeOf<HandleResult>()
    expectTypeOf<TicketService['load']>().returns.resolves.toEqualTypeOf<Ticket | null>()
    expectTypeOf<TicketService['execute']>().parameters.toEqualTypeOf<[string, Command, WorkspaceScope?, ExecuteOptions?]>()
    expectTypeOf<TicketService['load']>().parameters.toEqualTypeOf<[string, LoadOptions?, WorkspaceScope?]>()
    expectTypeOf<TicketService['events']>().parameters.toEqualTypeOf<[EventsQuery?]>()
    expectTypeOf<TicketService['list']>().parameters.toEqualTypeOf<[ListQuery]>()
    expectTypeOf<NonNullable<TicketServiceOptions['unavailableRetry']>>().toEqualTypeOf<UnavailableRetryOptions>()
    expectTypeOf<NonNullable<TicketStore['hasEvent']>>().toEqualTypeOf<(eventId: string) => Promise<boolean>>()
    // A store written before hasEvent existed still is a TicketStore.
    expectTypeOf<Omit<TicketStore, 'hasEvent' | 'currentVersion'>>().toExtend<TicketStore>()
    // Capability flags are optional, so adding one never breaks a store that declares its capabilities.
    expectTypeOf<{ supportsSnapshots: true }>().toExtend<StoreCapabilities>()
    expectTypeOf<StoreCapabilities>().toEqualTypeOf<{
      readonly supportsSnapshots?: boolean
      readonly supportsCurrentVersion?: boolean
      readonly supportsHasEvent?: boolean
      readonly supportsPrune?: boolean
      readonly supportsLoadStreamAt?: boolean
      readonly supportsAudits?: boolean
      readonly supportsListCursor?: boolean
    }>()
    // A store written before loadStreamAt existed still is a TicketStore.
    expectTypeOf<Omit<TicketStore, 'loadStreamAt'>>().toExtend<TicketStore>()
  })

  it('types load options: a version, and nothing misspelled', () => {
    expectTypeOf<LoadOptions>().toEqualTypeOf<{ readonly version?: number | undefined }>()
    const tickets = {} as TicketService
    // @ts-expect-error a misspelled option is a compile error
    void tickets.load('id', { versoin: 3 })
    // @ts-expect-error a version is a number
    void tickets.load('id', { version: '3' })
    // @ts-expect-error the scope is the third argument
    void tickets.load('id', { workspaceId: 'w' })
  })

  it('types the audit trail: options, the page, and the records with their typed events', () => {
    expectTypeOf<TicketService['audits']>().parameters.toEqualTypeOf<[string, AuditsOptions?, WorkspaceScope?]>()
    expectTypeOf<TicketService['audits']>().returns.resolves.toEqualTypeOf<AuditsPage>()
    expectTypeOf<AuditsPage['result']>().toEqualTypeOf<readonly Audit[]>()
    expectTypeOf<Audit['schemaVersion']>().toEqualTypeOf<2>()
    expectTypeOf<Audit['events'][number]['id']>().toEqualTypeOf<string>()
    type Rating = Extract<Audit['events'][number], { type: 'SatisfactionRating' }>
    expectTypeOf<Rating['score']>().toEqualTypeOf<'offered' | 'unoffered' | 'good' | 'bad'>()
    const tickets = createTicketService({ store: memoryStore() })
    // @ts-expect-error a misspelled option is a compile error
    void tickets.audits('id', { afterID: 'x' })
    // @ts-expect-error the limit is a number
    void tickets.audits('id', { limit: '10' })
    // A store written before audits existed still is a TicketStore.
    expectTypeOf<Omit<TicketStore, 'readAudits'>>().toExtend<TicketStore>()
  })

  it('types the memory store options', () => {
    memoryStore({ freezeInPlace: true, supportsSnapshots: false })
    // @ts-expect-error a misspelled option is a compile error
    memoryStore({ freezeInplace: true })
    // @ts-expect-error freezeInPlace is a boolean
    memoryStore({ freezeInPlace: 'yes' })
  })

  it('types prune: optional on a store, present on the built-in ones', () => {
    expectTypeOf<NonNullable<TicketStore['prune']>>().toEqualTypeOf<(options: PruneOptions) => Promise<number>>()
    expectTypeOf<PruneOptions['before']>().toEqualTypeOf<string | Date>()
    expectTypeOf<StoreCapabilities['supportsPrune']>().toEqualTypeOf<boolean | undefined>()
    // A store written before prune existed still is a TicketStore.
    expectTypeOf<Omit<TicketStore, 'prune' | 'hasEvent' | 'currentVersion'>>().toExtend<TicketStore>()
    expectTypeOf(memoryStore).returns.toExtend<PrunableTicketStore>()
    expectTypeOf(sqliteStore).returns.toExtend<PrunableTicketStore>()
    expectTypeOf(postgresStore).returns.toEqualTypeOf<PostgresTicketStore>()
    expectTypeOf<PostgresTicketStore['prune']>().toEqualTypeOf<(options: PruneOptions) => Promise<number>>()
  })

  it('types the migration runner and the SQL stores options', () => {
    expectTypeOf<MigrationPlan['migrations'][number]['version']>().toEqualTypeOf<number>()
    expectTypeOf(sqliteStore).parameter(0).toMatchTypeOf<{ readonly tablePrefix?: string; readonly migrate?: boolean }>()
    // @ts-expect-error — the options are typed: a misspelt prefix option is a compile error
    sqliteStore({ filename: ':memory:', tablePrefx: 'x_' })
  })

  it('types toNodeListener so that Node’s createServer takes it, without @types/node in its own types', () => {
    const listener = toNodeListener(async () => new Response('ok'))
    expectTypeOf(createServer).toBeCallableWith(listener)
  })
})
