import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import type { Command } from '../../src/index.js'
import { createTicketService } from '../../src/service/index.js'
import { memoryStore } from '../../src/stores/memory/index.js'
import { arbScenario, runScenario, type Scenario, scenarioContext } from '../../src/testing/index.js'
import { mutateDeeply } from '../support/mutate-deeply.js'

const TICKET = '2d5c2f4e-3c1a-4d7e-9f10-1a2b3c4d5e6f'

/**
 * The scenario's commands with the comment ids `handle` generated made explicit: the
 * service reads its clock once more per command than `handle` does, so its generated
 * ids differ, and later commands name comments by id.
 */
function withCommentIds(scenario: Scenario): Command[] {
  const run = runScenario(scenario)
  return scenario.commands.map((command, index) => {
    const added = run.eventsPerCommand[index]?.find((event) => event.type === 'ticket:comment:added')
    return command.type === 'addComment' && added?.type === 'ticket:comment:added'
      ? { ...command, commentId: added.payload.comment.id }
      : command
  })
}

describe('properties of the ticket service over generated scenarios', () => {
  it('changes no cached or stored state when every event and audit it returns is mutated', async () => {
    await fc.assert(
      fc.asyncProperty(arbScenario(), async (scenario) => {
        const tickets = createTicketService({ store: memoryStore(), ctx: scenarioContext(scenario) })
        const stored: string[] = []
        // Every state the service handed out; each was its cached state when returned,
        // and the next command was decided on it.
        const returned: { state: object; json: string }[] = []
        let last = ''
        for (const command of withCommentIds(scenario)) {
          const result = await tickets.execute(TICKET, command)
          last = JSON.stringify(result.state)
          returned.push({ state: result.state, json: last })
          for (const event of result.events) stored.push(JSON.stringify(event))
          mutateDeeply(result.events)
          mutateDeeply(result.audit)
          for (const { state, json } of returned) expect(JSON.stringify(state)).toBe(json)
        }
        const log = await tickets.events({ limit: 1000 })
        expect(log.result.map((event) => JSON.stringify(event))).toEqual(stored)
        expect(JSON.stringify(await tickets.load(TICKET))).toBe(last)
      }),
      { numRuns: 200 },
    )
  })
})
