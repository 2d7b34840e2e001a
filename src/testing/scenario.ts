import type { Audit } from '../core/model/audit.js'
import type { Command } from '../core/model/command.js'
import type { TicketEvent } from '../core/model/event.js'
import type { Ticket } from '../core/model/ticket.js'
import { handle } from '../core/reducer/handle.js'
import { createTestContext, type TestContext } from './test-context.js'

/** A generated ticket life: commands that each fit the state the previous ones left. */
export interface Scenario {
  /** The first command is always `create`. */
  readonly commands: readonly Command[]
  /** The clock's first reading (ISO). */
  readonly start: string
  /** The seed of the id generator. */
  readonly seed: number
}

/** What running a {@link Scenario} produced. */
export interface ScenarioRun {
  /** The ticket after the last command. */
  readonly state: Ticket
  /** The state after each command (same length as the commands). */
  readonly states: readonly Ticket[]
  /** Every event emitted, in order. */
  readonly events: readonly TicketEvent[]
  /** The events emitted by each command (same length as the commands). */
  readonly eventsPerCommand: readonly (readonly TicketEvent[])[]
  readonly audits: readonly Audit[]
}

/** The deterministic context a scenario runs with. */
export function scenarioContext(scenario: Pick<Scenario, 'start' | 'seed'>): TestContext {
  return createTestContext({ start: scenario.start, seed: scenario.seed })
}

/**
 * Runs a scenario's commands through `handle`, with the scenario's deterministic
 * context unless one is given. Running the same scenario twice gives byte-identical events.
 *
 * @example
 * ```ts
 * fc.assert(fc.property(arbScenario(), (scenario) => {
 *   const run = runScenario(scenario)
 *   expect(replay(run.events)).toEqual(run.state)
 * }))
 * ```
 */
export function runScenario(scenario: Scenario, ctx: TestContext = scenarioContext(scenario)): ScenarioRun {
  let state: Ticket | null = null
  const states: Ticket[] = []
  const events: TicketEvent[] = []
  const eventsPerCommand: TicketEvent[][] = []
  const audits: Audit[] = []
  for (const command of scenario.commands) {
    const result = handle(state, command, ctx)
    state = result.state
    states.push(result.state)
    events.push(...result.events)
    eventsPerCommand.push([...result.events])
    if (result.audit) audits.push(result.audit)
  }
  if (state === null) throw new Error('A scenario starts with a create command.')
  return { state, states, events, eventsPerCommand, audits }
}
