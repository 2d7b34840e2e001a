/**
 * The audit trail over generated ticket lives: read back from a store, the audits say
 * exactly what changed — every field that changed and nothing else, in version order.
 */
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { SLA_METRICS } from '../../src/core/model/ticket.js'
import { type Audit, type Command, type JsonValue, type SlaMetric, satisfactionScore, type Ticket } from '../../src/index.js'
import { createTicketService } from '../../src/service/index.js'
import { memoryStore } from '../../src/stores/memory/index.js'
import { arbScenario, runScenario, type Scenario, scenarioContext } from '../../src/testing/index.js'

const TICKET = '2d5c2f4e-3c1a-4d7e-9f10-1a2b3c4d5e6f'

/** The scenario's commands with the comment ids `handle` generated made explicit (the service's clock reads differ). */
function withCommentIds(scenario: Scenario): Command[] {
  const run = runScenario(scenario)
  return scenario.commands.map((command, index) => {
    const added = run.eventsPerCommand[index]?.find((event) => event.type === 'ticket:comment:added')
    return command.type === 'addComment' && added?.type === 'ticket:comment:added'
      ? { ...command, commentId: added.payload.comment.id }
      : command
  })
}

/** The ticket fields an audit names, by `field_name`, read off a state (independently of the audit builder). */
function describedFields(ticket: Ticket): Map<string, JsonValue> {
  const fields = new Map<string, JsonValue>([
    ['status', ticket.status],
    ['assignee_id', ticket.assigneeId],
    ['ticketing_team_id', ticket.ticketingTeamId],
    ['summary', ticket.summary],
    ['priority', ticket.priority],
    ['type', ticket.type],
    ['sentiment', ticket.sentiment],
    ['escalated', ticket.escalated],
    ['tags', [...ticket.tags]],
    ['archived', ticket.archived],
    ['deleted', ticket.deleted],
    ['last_viewed_at', ticket.lastViewedAt],
  ])
  for (const metric of SLA_METRICS) fields.set(metric, slaValue(ticket, metric))
  for (const [fieldId, value] of Object.entries(ticket.customFields)) fields.set(`custom_fields.${fieldId}`, value)
  return fields
}

function slaValue(ticket: Ticket, metric: SlaMetric): JsonValue {
  const sla = ticket.sla[metric]
  return sla
    ? { minutes: sla.target.minutes, in_business_hours: sla.target.inBusinessHours, warned_at: sla.warnedAt, breached_at: sla.breachedAt }
    : null
}

/** Every field whose value differs between two states: field name → [before, after]. */
function changedFields(before: Ticket, after: Ticket): Record<string, [JsonValue, JsonValue]> {
  const was = describedFields(before)
  const is = describedFields(after)
  const changed: Record<string, [JsonValue, JsonValue]> = {}
  for (const name of new Set([...was.keys(), ...is.keys()])) {
    const from = was.get(name) ?? null
    const to = is.get(name) ?? null
    if (JSON.stringify(from) !== JSON.stringify(to)) changed[name] = [from, to]
  }
  return changed
}

/** What an audit says changed in the ticket's fields (comment edits aside): field name → [previous, value]. */
function auditedChanges(audit: Audit): Record<string, [JsonValue, JsonValue]> {
  const changes: Record<string, [JsonValue, JsonValue]> = {}
  for (const event of audit.events) {
    if (event.type !== 'Change' || event.comment_id !== undefined) continue
    expect(changes, `${event.field_name} is described twice`).not.toHaveProperty([event.field_name])
    changes[event.field_name] = [event.previous_value, event.value]
  }
  return changes
}

describe('properties of the audit trail over generated ticket lives', () => {
  it('describes exactly each accepted command’s changes, in version order, every event with its own id', async () => {
    await fc.assert(
      fc.asyncProperty(arbScenario(), async (scenario) => {
        const tickets = createTicketService({ store: memoryStore(), ctx: scenarioContext(scenario) })
        const steps: { before: Ticket | null; after: Ticket; audit: Audit | null }[] = []
        let before: Ticket | null = null
        for (const command of withCommentIds(scenario)) {
          const result = await tickets.execute(TICKET, command)
          steps.push({ before, after: result.state, audit: result.audit })
          before = result.state
        }
        const read = (await tickets.audits(TICKET, { limit: 1000 })).result

        // One audit per command that changed the ticket, none for the others, as execute returned them.
        const changing = steps.filter((step) => step.after.version !== (step.before?.version ?? 0))
        expect(steps.filter((step) => step.audit === null)).toEqual(steps.filter((step) => !changing.includes(step)))
        expect(read).toEqual(changing.map((step) => step.audit))
        expect(read.map((audit) => audit.version)).toEqual(changing.map((step) => step.after.version))

        const eventIds = read.flatMap((audit) => audit.events.map((event) => event.id))
        expect(new Set(eventIds).size).toBe(eventIds.length)

        for (const [index, { before: was, after: is }] of changing.entries()) {
          const audit = read[index] as Audit
          if (was === null) {
            // Creation: one Create per field set, with its value.
            const created = Object.fromEntries(
              audit.events.flatMap((event) => (event.type === 'Create' ? [[event.field_name, event.value]] : [])),
            )
            const expected = Object.fromEntries(
              [...describedFields(is)].filter(
                ([_name, value]) => value !== null && value !== false && !(Array.isArray(value) && value.length === 0),
              ),
            )
            expect(created).toMatchObject(expected)
            continue
          }
          expect(auditedChanges(audit)).toEqual(changedFields(was, is))
          // New comments as Comment events; a received rating as its good/bad rating.
          const added = Object.keys(is.comments).filter((id) => !(id in was.comments))
          expect(audit.events.flatMap((event) => (event.type === 'Comment' ? [event.comment_id] : []))).toEqual(added)
          const rated = is.csat?.receivedAt != null && is.csat.receivedAt !== was.csat?.receivedAt
          expect(audit.events.filter((event) => event.type === 'SatisfactionRating')).toEqual(
            rated ? [expect.objectContaining({ score: satisfactionScore(is.csat?.score ?? 0) })] : [],
          )
        }
      }),
      { numRuns: 150 },
    )
  })
})
