/**
 * Which values of a webhook payload are "content fields": the free text and free-form
 * values that may be replaced by the truncation marker (webhook events reference, "Message size
 * management"). Identifiers, statuses, timestamps and other structure never are, so a
 * truncated payload still says which ticket changed and how.
 *
 * @internal
 * @module
 */

const TICKET_KEYS: ReadonlySet<string | number> = new Set(['ticket', 'previousTicket'])
const COMMENT_TEXT_KEYS: ReadonlySet<string | number> = new Set(['body', 'htmlBody'])
/** Event-specific text and values at the top of `payload` (comment edits, redactions, custom field events, escalation reason). */
const EVENT_CONTENT_KEYS: ReadonlySet<string | number> = new Set([
  'body',
  'htmlBody',
  'previousBody',
  'previousHtmlBody',
  'value',
  'previousValue',
  'reason',
])
/** Fields of a `ticket:updated` change whose `from` / `to` are content. */
const CONTENT_CHANGE_FIELDS: ReadonlySet<unknown> = new Set(['summary', 'customFields'])

/**
 * Tells whether the value at `path` (from the webhook root) is a content field.
 * `parent` is the object holding it. `null` values are never content (nothing to cut).
 *
 * Content fields, for `T` = `ticket` or `previousTicket`:
 * - `payload.T.summary`, `payload.T.comments.*.body`, `payload.T.comments.*.htmlBody`,
 *   `payload.T.customFields.*` (any value), `payload.T.csat.comment`;
 * - `payload.comment.body`, `payload.comment.htmlBody` (`ticket:comment:added`),
 *   `payload.comment` when it is text (`ticket:csat:received`);
 * - `payload.body`, `payload.htmlBody`, `payload.previousBody`, `payload.previousHtmlBody`,
 *   `payload.value`, `payload.previousValue`, `payload.reason`;
 * - `payload.changes.*.from` and `payload.changes.*.to` of `summary` and `customFields` changes.
 */
export function isContentField(path: readonly (string | number)[], value: unknown, parent: unknown): boolean {
  if (value === null || path[0] !== 'payload') return false
  const isText = typeof value === 'string'
  switch (path.length) {
    case 2:
      return path[1] === 'comment' ? isText : EVENT_CONTENT_KEYS.has(path[1] as string)
    case 3:
      if (TICKET_KEYS.has(path[1] as string)) return path[2] === 'summary' && isText
      return path[1] === 'comment' && COMMENT_TEXT_KEYS.has(path[2] as string) && isText
    case 4:
      if (!TICKET_KEYS.has(path[1] as string)) {
        return (
          path[1] === 'changes' &&
          (path[3] === 'from' || path[3] === 'to') &&
          CONTENT_CHANGE_FIELDS.has((parent as { field?: unknown } | null)?.field)
        )
      }
      if (path[2] === 'customFields') return true
      return path[2] === 'csat' && path[3] === 'comment' && isText
    case 5:
      return TICKET_KEYS.has(path[1] as string) && path[2] === 'comments' && COMMENT_TEXT_KEYS.has(path[4] as string) && isText
    default:
      return false
  }
}
