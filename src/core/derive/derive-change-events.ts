import equal from 'fast-deep-equal'
import type { DerivedPayloads, DerivedType, FieldChange, TicketEvent } from '../model/event.js'

/** A derived change event before it gets its envelope. */
export type DerivedDraft = { [K in DerivedType]: { readonly type: K; readonly payload: DerivedPayloads[K] } }[DerivedType]

/**
 * Computes the specific change events a `ticket:updated` implies (webhook events reference,
 * "Automatic event generation"). This is a pure function of the update's `changes`
 * (and its `reason`): it never looks at ticket state, so consumers can re-derive the
 * same events from a stored `ticket:updated` alone.
 *
 * Tags are compared as sets, custom fields by key with structural equality.
 * Events come out in the order of the changes they stem from.
 *
 * @example
 * ```ts
 * deriveChangeEvents({ changes: [{ field: 'status', from: 'pending', to: 'ongoing' }] })
 * // → [{ type: 'ticket:status:changed', payload: { from: 'pending', to: 'ongoing' } }]
 * ```
 */
export function deriveChangeEvents(update: TicketEvent<'ticket:updated'>['payload']): DerivedDraft[] {
  const derived: DerivedDraft[] = []
  for (const change of update.changes) {
    const draft = deriveOne(change, update.reason)
    if (draft) derived.push(draft)
  }
  return derived
}

function deriveOne(change: FieldChange, reason: string | undefined): DerivedDraft | null {
  switch (change.field) {
    case 'status':
      return change.from === change.to ? null : { type: 'ticket:status:changed', payload: { from: change.from, to: change.to } }
    case 'priority':
      return change.from === change.to ? null : { type: 'ticket:priority:changed', payload: { from: change.from, to: change.to } }
    case 'type':
      return change.from === change.to ? null : { type: 'ticket:type:changed', payload: { from: change.from, to: change.to } }
    case 'sentiment':
      return change.from === change.to ? null : { type: 'ticket:sentiment:changed', payload: { from: change.from, to: change.to } }
    case 'assigneeId':
      return change.from === change.to ? null : { type: 'ticket:assigned', payload: { from: change.from, to: change.to } }
    case 'ticketingTeamId':
      return change.from === change.to ? null : { type: 'ticket:migrated', payload: { from: change.from, to: change.to } }
    case 'escalated':
      return change.to && !change.from ? { type: 'ticket:escalated', payload: reason === undefined ? {} : { reason } } : null
    case 'summary':
      return null
    case 'tags': {
      const before = new Set(change.from)
      const after = new Set(change.to)
      const added = change.to.filter((tag) => !before.has(tag))
      const removed = change.from.filter((tag) => !after.has(tag))
      return added.length + removed.length === 0 ? null : { type: 'ticket:tag:updated', payload: { added, removed } }
    }
    case 'customFields': {
      const fieldId = change.key
      if (change.from === null && change.to === null) return null
      if (change.from === null)
        return { type: 'ticket:custom_field_value:added', payload: { fieldId, value: change.to as NonNullable<typeof change.to> } }
      if (change.to === null) return { type: 'ticket:custom_field_value:removed', payload: { fieldId, previousValue: change.from } }
      if (equal(change.from, change.to)) return null
      return { type: 'ticket:custom_field_value:changed', payload: { fieldId, value: change.to, previousValue: change.from } }
    }
  }
}
