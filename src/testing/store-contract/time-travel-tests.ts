import fc from 'fast-check'
import { expect } from 'vitest'
import type { Command } from '../../core/model/command.js'
import type { TicketEvent } from '../../core/model/event.js'
import { TICKET_SCHEMA_VERSION, type Ticket } from '../../core/model/ticket.js'
import { handle } from '../../core/reducer/handle.js'
import { replay } from '../../core/reducer/replay.js'
import { arbScenario } from '../arbitraries.js'
import { runScenario, type Scenario } from '../scenario.js'
import { batchFor } from './batch-for.js'
import type { ContractContext } from './contract-context.js'
import type { DefineContractTest } from './contract-test.js'
import { expectTicketError } from './expect-ticket-error.js'
import { createTicketCommand, fixtureUuid, tagCommand, ticketId, WORKSPACE_A, WORKSPACE_B } from './fixtures.js'
import { untyped } from './untyped.js'

/** The scenario's commands on ticket `id`, with every id `handle` would generate (ticket, comments) made explicit. */
function explicitCommands(scenario: Scenario, id: string): Command[] {
  const run = runScenario(scenario)
  return scenario.commands.map((command, index) => {
    if (command.type === 'create') return { ...command, ticketId: id }
    const added = run.eventsPerCommand[index]?.find((event) => event.type === 'ticket:comment:added')
    return command.type === 'addComment' && added?.type === 'ticket:comment:added'
      ? { ...command, commentId: added.payload.comment.id }
      : command
  })
}

/**
 * Writes a generated life into the store as the service would, with a snapshot after
 * every `snapshotEvery`-th command, and returns its events. A command the context's
 * clock turns down ends the life there: the property holds for any prefix.
 */
async function writeLife(t: ContractContext, commands: readonly Command[], snapshotEvery: number): Promise<readonly TicketEvent[]> {
  let state: Ticket | null = null
  const events: TicketEvent[] = []
  for (const [index, command] of commands.entries()) {
    t.clock.advance(1000)
    let result: ReturnType<typeof handle>
    try {
      result = handle(state, command, t.ctx)
    } catch {
      break
    }
    if (result.events.length === 0) continue
    const snapshot = (index + 1) % snapshotEvery === 0 ? { snapshotSchemaVersion: TICKET_SCHEMA_VERSION } : {}
    await t.store.append(batchFor(state?.version ?? 0, result, snapshot))
    events.push(...result.events)
    state = result.state
  }
  return events
}

/** `load(ticketId, { version })`: the ticket as it was, from snapshots and events, on every store. */
export function defineTimeTravelTests(test: DefineContractTest): void {
  test('loading at every version equals replaying that prefix of the stream, for any generated life', async (t) => {
    await t.store.migrate()
    let run = 0
    await fc.assert(
      fc.asyncProperty(arbScenario({ maxCommands: 12 }), fc.integer({ min: 1, max: 4 }), async (scenario, snapshotEvery) => {
        const id = fixtureUuid(0x77, ++run)
        const events = await writeLife(t, explicitCommands(scenario, id), snapshotEvery)
        const current = replay(events)
        if (current === null) return
        for (let version = 1; version <= events.length; version++) {
          const loading = t.tickets.load(id, { version })
          if (current.deleted) await expectTicketError(() => loading, 'DELETED', { label: `version ${version}` })
          else expect(await loading, `version ${version}`).toEqual(replay(events.slice(0, version)))
        }
        const beyond = await expectTicketError(
          () => t.tickets.load(id, { version: events.length + 1 }),
          current.deleted ? 'DELETED' : 'NOT_FOUND',
        )
        if (!current.deleted)
          expect(beyond.details).toMatchObject({ ticketId: id, version: events.length + 1, currentVersion: events.length })
      }),
      { numRuns: 12 },
    )
  })

  test('a version the ticket has not reached is NOT_FOUND with details.currentVersion', async (t) => {
    const id = ticketId(1)
    await t.run(id, createTicketCommand(id, WORKSPACE_A))
    const tagged = await t.run(id, tagCommand(1))

    const error = await expectTicketError(() => t.tickets.load(id, { version: tagged.state.version + 1 }), 'NOT_FOUND')

    expect(error.details).toEqual({ ticketId: id, version: tagged.state.version + 1, currentVersion: tagged.state.version })
    expect(await t.tickets.load(id, { version: tagged.state.version })).toEqual(tagged.state)
  })

  test('a version of 0, below 0 or not an integer is VALIDATION at options.version', async (t) => {
    const id = ticketId(1)
    await t.run(id, createTicketCommand(id, WORKSPACE_A))
    for (const version of [0, -1, 1.5, Number.NaN, Number.POSITIVE_INFINITY]) {
      await expectTicketError(() => t.tickets.load(id, { version }), 'VALIDATION', { label: String(version), issuePath: 'version' })
    }
    await expectTicketError(() => t.tickets.load(id, untyped({ version: '1' })), 'VALIDATION', { issuePath: 'version' })
  })

  test('a deleted ticket is DELETED at every version, and a missing or foreign one is null', async (t) => {
    const id = ticketId(1)
    const created = await t.run(id, createTicketCommand(id, WORKSPACE_A))
    expect(await t.tickets.load(id, { version: 1 })).toEqual(created.state)
    expect(await t.tickets.load(id, { version: 1 }, { workspaceId: WORKSPACE_B })).toBeNull()
    expect(await t.tickets.load(ticketId(2), { version: 1 })).toBeNull()
    const deleted = await t.run(id, { type: 'delete' })

    for (let version = 1; version <= deleted.state.version + 1; version++) {
      await expectTicketError(() => t.tickets.load(id, { version }), 'DELETED', { label: `version ${version}` })
    }
    expect(await t.tickets.load(id, { version: 1 }, { workspaceId: WORKSPACE_B })).toBeNull()
  })

  test('loadStreamAt returns a snapshot at or before the version and only the events up to it', async (t) => {
    const loadStreamAt = t.store.loadStreamAt?.bind(t.store)
    if (!t.capabilities.supportsLoadStreamAt || loadStreamAt === undefined) return
    const tickets = t.service({ snapshotEvery: 5 })
    const id = ticketId(1)
    await tickets.execute(id, createTicketCommand(id, WORKSPACE_A))
    for (let n = 1; n <= 20; n++) {
      t.clock.advance(1000)
      await tickets.execute(id, tagCommand(n))
    }
    const log = (await t.store.loadStream(id, { snapshotSchemaVersion: TICKET_SCHEMA_VERSION + 7 }))?.events ?? []
    expect(log.length).toBeGreaterThan(20)

    for (const version of [1, 7, 20, log.length]) {
      const stream = await loadStreamAt(id, { snapshotSchemaVersion: TICKET_SCHEMA_VERSION, version })
      const from = stream?.snapshot?.version ?? 0
      expect(from).toBeLessThanOrEqual(version)
      expect(stream?.events).toEqual(log.filter((event) => event.version > from && event.version <= version))
      expect(replay(stream?.events ?? [], stream?.snapshot ?? null)).toEqual(replay(log.slice(0, version)))
    }
    expect(await loadStreamAt(ticketId(2), { snapshotSchemaVersion: TICKET_SCHEMA_VERSION, version: 1 })).toBeNull()
  })
}
