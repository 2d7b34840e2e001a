/**
 * The `field_name`s of audit `Create` and `Change` events, in one place: built-in fields
 * in snake_case, custom fields namespaced so they can never pass for a built-in one.
 *
 * @internal
 * @module
 */

/** The prefix of a custom field's `field_name`: `custom_fields.<id>`. */
export const CUSTOM_FIELD_PREFIX = 'custom_fields.'

/** The audit `field_name` of a custom field. */
export function customFieldName(fieldId: string): string {
  return `${CUSTOM_FIELD_PREFIX}${fieldId}`
}

/** The audit `field_name` of each ticket field a `ticket:updated` change can name (snake_case). */
export const CHANGE_FIELD_NAMES = {
  status: 'status',
  assigneeId: 'assignee_id',
  ticketingTeamId: 'ticketing_team_id',
  summary: 'summary',
  priority: 'priority',
  type: 'type',
  sentiment: 'sentiment',
  escalated: 'escalated',
  tags: 'tags',
} as const
