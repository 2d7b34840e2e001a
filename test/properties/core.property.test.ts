import { isDeepStrictEqual } from 'node:util'
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import {
  type Command,
  type FieldChange,
  FREEZES_BY_DEFAULT,
  handle,
  isDerivedType,
  isTicketError,
  replay,
  type Ticket,
  type TicketEvent,
} from '../../src/index.js'
import { arbCommandFor, arbInvalidCommand, arbScenario, runScenario, type Scenario, scenarioContext } from '../../src/testing/index.js'
import { mutateDeeply, reachableObjects } from '../support/mutate-deeply.js'
import { untyped } from '../support/untyped.js'

// Each property checks at least 1,000 generated scenarios.
const runs = { numRuns: 1000 }

/** A scenario and a cut point inside it: the state after `cut` commands. */
const arbStateInScenario = fc.tuple(arbScenario(), fc.nat()).map(([scenario, cut]) => {
  const run = runScenario(scenario)
  const index = cut % run.states.length
  return { scenario, run, state: run.states[index] as Ticket }
})

describe('properties of handle and replay over generated scenarios', () => {
  it('runs in the mode NODE_ENV names: states frozen by default outside production only', () => {
    expect(FREEZES_BY_DEFAULT).toBe(process.env.NODE_ENV !== 'production')
    const run = runScenario(fc.sample(arbScenario({ minCommands: 3 }), { numRuns: 1, seed: 1 })[0] as Scenario)
    expect(Object.isFrozen(run.state)).toBe(FREEZES_BY_DEFAULT)
    expect(Object.isFrozen(replay(run.events))).toBe(FREEZES_BY_DEFAULT)
  })

  it('returns events and audits that share no object or array with any state', () => {
    fc.assert(
      fc.property(arbScenario(), (scenario) => {
        const run = runScenario(scenario)
        const inStates = new Set<object>()
        for (const state of run.states) reachableObjects(state, inStates)
        const inResults = reachableObjects([run.events, run.audits])
        const shared = [...inResults].filter((object) => inStates.has(object))
        expect(shared).toEqual([])
      }),
      runs,
    )
  })

  it('changes no state, before or after, when every returned event and audit is mutated', () => {
    fc.assert(
      fc.property(arbScenario(), (scenario) => {
        const ctx = scenarioContext(scenario)
        const expected = runScenario(scenario, scenarioContext(scenario))
        let state: Ticket | null = null
        scenario.commands.forEach((command, index) => {
          const before = JSON.stringify(state)
          const result = handle(state, command, ctx)
          const after = JSON.stringify(result.state)
          mutateDeeply(result.events)
          mutateDeeply(result.audit)
          expect(JSON.stringify(state)).toBe(before)
          expect(JSON.stringify(result.state)).toBe(after)
          expect(result.state).toEqual(expected.states[index])
          state = result.state
        })
      }),
      runs,
    )
  })

  it('replaying the emitted events gives the returned state after every command', () => {
    fc.assert(
      fc.property(arbScenario(), (scenario) => {
        const run = runScenario(scenario)
        let stored = 0
        run.eventsPerCommand.forEach((events, index) => {
          stored += events.length
          expect(replay(run.events.slice(0, stored))).toEqual(run.states[index])
        })
        expect(replay(run.events)).toEqual(run.state)
      }),
      runs,
    )
  })

  it('replaying the tail after any snapshot gives the same state as a replay from the start', () => {
    fc.assert(
      fc.property(arbScenario({ minCommands: 1 }), fc.nat(), (scenario, cut) => {
        const run = runScenario(scenario)
        const at = 1 + (cut % run.events.length)
        const snapshot = replay(run.events.slice(0, at))
        expect(replay(run.events.slice(at), snapshot)).toEqual(run.state)
      }),
      runs,
    )
  })

  it('gives byte-identical events for the same command sequence and the same ctx', () => {
    fc.assert(
      fc.property(arbScenario(), (scenario) => {
        const first = runScenario(scenario, scenarioContext(scenario))
        const second = runScenario(scenario, scenarioContext(scenario))
        expect(JSON.stringify(second.events)).toBe(JSON.stringify(first.events))
        expect(JSON.stringify(second.audits)).toBe(JSON.stringify(first.audits))
      }),
      runs,
    )
  })

  it('numbers versions 1..n without gaps and gives strictly increasing ids', () => {
    fc.assert(
      fc.property(arbScenario(), (scenario) => {
        const run = runScenario(scenario)
        run.events.forEach((event, index) => {
          expect(event.version).toBe(index + 1)
          expect(event.ticketId).toBe(run.state.id)
          if (index > 0) expect(event.id > (run.events[index - 1] as TicketEvent).id).toBe(true)
        })
        expect(run.state.version).toBe(run.events.length)
      }),
      runs,
    )
  })

  it('emits derived events only right after their ticket:updated, each matching one of its changes', () => {
    fc.assert(
      fc.property(arbScenario(), (scenario) => {
        const run = runScenario(scenario)
        run.eventsPerCommand.forEach((batch, index) => {
          let update: TicketEvent<'ticket:updated'> | null = null
          for (const event of batch) {
            if (event.type === 'ticket:updated') {
              update = event
              // The derived events are exactly what the difference between the states
              // before and after the command implies (an oracle that reads no event).
              const before = run.states[index - 1] as Ticket
              const after = run.states[index] as Ticket
              const derived = batch.filter((other) => other.meta.causationId === event.id).map(({ type, payload }) => ({ type, payload }))
              expect(sortedByJson(derived)).toEqual(sortedByJson(expectedDerivedEvents(before, after, event.payload.reason)))
              continue
            }
            if (!isDerivedType(event.type)) {
              update = null
              continue
            }
            expect(update).not.toBeNull()
            expect(event.meta.causationId).toBe(update?.id)
            expect(matchesAChange(event, update?.payload.changes ?? [])).toBe(true)
          }
        })
      }),
      runs,
    )
  })

  it('emits nothing and returns the same state for a command that changes nothing', () => {
    fc.assert(
      fc.property(arbStateInScenario, fc.nat(), ({ state }, pick) => {
        fc.pre(!state.deleted && !state.archived)
        const noOps: Command[] = [
          { type: 'assign', assigneeId: state.assigneeId },
          { type: 'update', priority: state.priority, sentiment: state.sentiment, summary: state.summary, status: state.status },
          { type: 'update', customFields: { ...state.customFields } },
          { type: 'unarchive' },
          ...state.tags.map((tagId) => ({ type: 'tag', tagId }) as const),
          ...(state.escalated ? [{ type: 'escalate' } as const] : []),
          ...(state.ticketingTeamId ? [{ type: 'migrate', ticketingTeamId: state.ticketingTeamId } as const] : []),
          ...(state.csat ? [{ type: 'sendCsat', surveyId: state.csat.surveyId } as const] : []),
        ]
        const command = noOps[pick % noOps.length] as Command
        const result = handle(state, command)
        expect(result.events).toEqual([])
        expect(result.audit).toBeNull()
        expect(result.state).toBe(state)
      }),
      runs,
    )
  })

  it('leaves state untouched when a command is rejected, and throws only TicketError', () => {
    const arbAnyCommand = fc.oneof(
      arbCommandFor(null), // a create on an existing ticket
      fc.constantFrom(
        { type: 'takeover', assigneeId: '3a5c2f4e-3c1a-4d7e-9f10-1a2b3c4d5e6f' },
        { type: 'complete', userId: '3a5c2f4e-3c1a-4d7e-9f10-1a2b3c4d5e6f' },
        { type: 'archive' },
        { type: 'delete' },
        { type: 'update', status: 'pending' },
        { type: 'editComment', commentId: '9a5c2f4e-3c1a-4d7e-9f10-1a2b3c4d5e6f', body: 'x' },
        { type: 'receiveCsat', score: 3 },
      ),
      arbInvalidCommand(),
    )
    let rejected = 0
    fc.assert(
      fc.property(arbStateInScenario, arbAnyCommand, ({ state }, command) => {
        const before = JSON.stringify(state)
        try {
          handle(state, untyped(command))
        } catch (error) {
          rejected++
          expect(isTicketError(error)).toBe(true)
        }
        expect(JSON.stringify(state)).toBe(before)
        expect(Object.isFrozen(state)).toBe(FREEZES_BY_DEFAULT)
      }),
      runs,
    )
    // The property is only meaningful if many commands were in fact rejected.
    expect(rejected).toBeGreaterThan(runs.numRuns / 4)
  })

  it('answers arbitrary junk with a VALIDATION TicketError carrying issue paths, never anything else', () => {
    fc.assert(
      fc.property(fc.option(arbStateInScenario, { nil: null }), arbInvalidCommand(), (picked, junk) => {
        try {
          handle(picked?.state ?? null, untyped(junk))
        } catch (error) {
          expect(isTicketError(error)).toBe(true)
          if (isTicketError(error)) {
            expect(error.code).toBe('VALIDATION')
            expect(error.issues.length).toBeGreaterThan(0)
          }
          return
        }
        throw new Error(`accepted junk: ${JSON.stringify(junk)}`)
      }),
      runs,
    )
  })
})

/** A canonical order for comparing lists whose order is checked elsewhere. */
function sortedByJson<T>(items: readonly T[]): T[] {
  return [...items].sort((a, b) => (JSON.stringify(a) < JSON.stringify(b) ? -1 : 1))
}

/** The oracle: the derived change events a move from `before` to `after` implies, by the webhook events reference. */
function expectedDerivedEvents(before: Ticket, after: Ticket, reason: string | undefined): { type: string; payload: unknown }[] {
  const expected: { type: string; payload: unknown }[] = []
  const fromTo = (type: string, from: unknown, to: unknown) => {
    if (from !== to) expected.push({ type, payload: { from, to } })
  }
  fromTo('ticket:status:changed', before.status, after.status)
  fromTo('ticket:priority:changed', before.priority, after.priority)
  fromTo('ticket:type:changed', before.type, after.type)
  fromTo('ticket:sentiment:changed', before.sentiment, after.sentiment)
  fromTo('ticket:assigned', before.assigneeId, after.assigneeId)
  fromTo('ticket:migrated', before.ticketingTeamId, after.ticketingTeamId)
  if (!before.escalated && after.escalated) expected.push({ type: 'ticket:escalated', payload: reason === undefined ? {} : { reason } })
  const added = after.tags.filter((tag) => !before.tags.includes(tag))
  const removed = before.tags.filter((tag) => !after.tags.includes(tag))
  if (added.length + removed.length > 0) expected.push({ type: 'ticket:tag:updated', payload: { added, removed } })
  for (const fieldId of new Set([...Object.keys(before.customFields), ...Object.keys(after.customFields)])) {
    const had = Object.hasOwn(before.customFields, fieldId)
    const has = Object.hasOwn(after.customFields, fieldId)
    const previousValue = before.customFields[fieldId]
    const value = after.customFields[fieldId]
    if (!had && has) expected.push({ type: 'ticket:custom_field_value:added', payload: { fieldId, value } })
    else if (had && !has) expected.push({ type: 'ticket:custom_field_value:removed', payload: { fieldId, previousValue } })
    else if (had && has && !isDeepStrictEqual(previousValue, value)) {
      expected.push({ type: 'ticket:custom_field_value:changed', payload: { fieldId, value, previousValue } })
    }
  }
  return expected
}

function matchesAChange(event: TicketEvent, changes: readonly FieldChange[]): boolean {
  const find = (field: FieldChange['field']) => changes.filter((change) => change.field === field)
  const fromTo = (field: FieldChange['field']) =>
    find(field).some((change) => {
      const payload = event.payload as { from: unknown; to: unknown }
      return change.from === payload.from && change.to === payload.to
    })
  switch (event.type) {
    case 'ticket:status:changed':
      return fromTo('status')
    case 'ticket:priority:changed':
      return fromTo('priority')
    case 'ticket:type:changed':
      return fromTo('type')
    case 'ticket:sentiment:changed':
      return fromTo('sentiment')
    case 'ticket:assigned':
      return fromTo('assigneeId')
    case 'ticket:migrated':
      return fromTo('ticketingTeamId')
    case 'ticket:escalated':
      return find('escalated').some((change) => change.to === true && change.from === false)
    case 'ticket:tag:updated':
      return find('tags').some(
        (change) =>
          change.field === 'tags' &&
          event.payload.added.every((tag) => change.to.includes(tag) && !change.from.includes(tag)) &&
          event.payload.removed.every((tag) => change.from.includes(tag) && !change.to.includes(tag)),
      )
    case 'ticket:custom_field_value:added':
      return find('customFields').some(
        (change) => change.field === 'customFields' && change.key === event.payload.fieldId && change.from === null,
      )
    case 'ticket:custom_field_value:removed':
      return find('customFields').some(
        (change) => change.field === 'customFields' && change.key === event.payload.fieldId && change.to === null,
      )
    case 'ticket:custom_field_value:changed':
      return find('customFields').some(
        (change) => change.field === 'customFields' && change.key === event.payload.fieldId && change.from !== null && change.to !== null,
      )
    default:
      return false
  }
}
