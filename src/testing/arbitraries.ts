import fc from 'fast-check'
import type { Command } from '../core/model/command.js'
import type { TicketEvent } from '../core/model/event.js'
import type { Ticket } from '../core/model/ticket.js'
import { handle } from '../core/reducer/handle.js'
import { arbCommandStep } from './command-step.js'
import { arbIdPool, DEFAULT_ID_POOL, type IdPool } from './id-pool.js'
import { makeCommand } from './make-command.js'
import { runScenario, type Scenario, scenarioContext } from './scenario.js'

/** Options of {@link arbScenario}. */
export interface ScenarioOptions {
  /** Most commands after the `create` (default 30). */
  readonly maxCommands?: number
  /** Fewest commands after the `create` (default 0). */
  readonly minCommands?: number
  /** Ids to draw from; by default each scenario gets a fresh random pool. */
  readonly pool?: IdPool
}

/**
 * Generates a command that fits `state` (a `create` when `state` is `null`): it never
 * breaks a rule, though it may be a no-op. Generates nothing useful for a deleted ticket:
 * it then yields `null`.
 *
 * @example
 * ```ts
 * fc.assert(fc.property(arbCommandFor(ticket), (command) => {
 *   expect(() => command && handle(ticket, command)).not.toThrow()
 * }))
 * ```
 */
export function arbCommandFor(state: Ticket | null, pool: IdPool = DEFAULT_ID_POOL): fc.Arbitrary<Command | null> {
  const effectivePool = state === null ? pool : { ...pool, workspaceId: state.workspaceId }
  return arbCommandStep().map((step) => makeCommand(state, step, effectivePool))
}

/**
 * Generates a whole ticket life: a `create` and then up to `maxCommands` commands, each
 * fitting the state the ones before it left (run with the scenario's own deterministic
 * clock and ids). Shrinks towards shorter, simpler lives.
 *
 * @example
 * ```ts
 * import fc from 'fast-check'
 * import { replay } from 'ticket-events'
 * import { arbScenario, runScenario } from 'ticket-events/testing'
 *
 * fc.assert(fc.property(arbScenario(), (scenario) => {
 *   const run = runScenario(scenario)
 *   expect(replay(run.events)).toEqual(run.state)
 * }))
 * ```
 */
export function arbScenario(options: ScenarioOptions = {}): fc.Arbitrary<Scenario> {
  const steps = fc.array(arbCommandStep(), {
    minLength: 1 + (options.minCommands ?? 0),
    maxLength: 1 + (options.maxCommands ?? 30),
    size: 'max',
  })
  const pool = options.pool ? fc.constant(options.pool) : arbIdPool()
  const start = fc.date({ min: new Date('2020-01-01T00:00:00Z'), max: new Date('2030-01-01T00:00:00Z'), noInvalidDate: true })
  return fc.tuple(pool, steps, start, fc.integer({ min: 1, max: 2 ** 31 - 1 })).map(([idPool, commandSteps, startDate, seed]) => {
    const base = { start: startDate.toISOString(), seed }
    const ctx = scenarioContext(base)
    const commands: Command[] = []
    let state: Ticket | null = null
    for (const step of commandSteps) {
      const command = makeCommand(state, step, idPool)
      if (command === null) break
      commands.push(command)
      state = handle(state, command, ctx).state
    }
    return { ...base, commands }
  })
}

/**
 * Generates the event stream of a generated ticket life, as a store would hold it:
 * facts and derived change events, versions 1..n.
 */
export function arbEventStream(options: ScenarioOptions = {}): fc.Arbitrary<readonly TicketEvent[]> {
  return arbScenario(options).map((scenario) => runScenario(scenario).events)
}

/**
 * Generates inputs that are not valid commands: arbitrary values, unknown types,
 * missing and mistyped fields, malformed ids, prototype-reaching keys. `handle` must
 * answer each with a `VALIDATION` `TicketError` and nothing else.
 */
export function arbInvalidCommand(): fc.Arbitrary<unknown> {
  const types = fc.constantFrom(
    'create',
    'takeover',
    'assign',
    'tag',
    'update',
    'addComment',
    'receiveCsat',
    'recordSlaBreach',
    'markViewed',
  )
  return fc.oneof(
    fc.anything(),
    fc.constantFrom(null, undefined, 'create', 42, [], {}),
    fc.record({ type: fc.string() }),
    // A known type with fields of the wrong shape.
    fc.record({ type: types, assigneeId: fc.anything(), tagId: fc.string(), userId: fc.integer() }),
    fc.record({
      type: fc.constant('takeover'),
      assigneeId: fc.string({ maxLength: 40 }).filter((value) => !/^[0-9a-f-]{36}$/i.test(value)),
    }),
    fc.constantFrom(
      JSON.parse('{"type":"tag","tagId":"4a5c2f4e-3c1a-4d7e-9f10-1a2b3c4d5e6f","__proto__":{"admin":true}}') as unknown,
      JSON.parse('{"type":"update","customFields":{"__proto__":{"admin":true}}}') as unknown,
      JSON.parse('{"type":"update","customFields":{"plan":{"nested":{"__proto__":1}}}}') as unknown,
      { type: 'update', customFields: { plan: Number.NaN } },
      { type: 'update', customFields: { 'bad key!': 1 } },
      { type: 'escalate', reason: '' },
      { type: 'receiveCsat', score: 6 },
      { type: 'recordSlaBreach', metric: 'first_reply_time', target: { minutes: 5, inBusinessHours: false }, at: 'yesterday' },
    ),
  )
}
