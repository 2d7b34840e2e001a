/**
 * `ticket-events/schemas`: the zod schemas (`zod/mini`) that validate every command and
 * query, the building blocks they are made of, the value lists and limits they enforce,
 * and `parseWith` to validate with any zod 4 schema and get a `TicketError`.
 *
 * You need none of this to use the library: every entry validates its input itself. It is
 * for your own schemas that should follow the same rules (an API layer, a queue
 * consumer, a form), and for store authors validating their options. The schemas are
 * `zod/mini` schemas: compose them with zod's functions (`z.optional(uuidSchema)`), not
 * methods.
 *
 * @example
 * ```ts
 * import * as z from 'zod/mini'
 * import { identifierSchema, parseWith, uuidSchema } from 'ticket-events/schemas'
 *
 * const assignmentSchema = z.strictObject({ ticketId: uuidSchema, note: identifierSchema(64) })
 * const assignment = parseWith(assignmentSchema, JSON.parse(body), 'assignment') // throws TicketError VALIDATION
 * ```
 *
 * @module
 */
export { parseWith, toTicketIssues } from '../core/commands/parse-command.js'
export {
  actorSchema,
  addCommentCommandSchema,
  archiveCommandSchema,
  assignCommandSchema,
  attachmentSchema,
  commandMetaSchema,
  commandSchema,
  completeCommandSchema,
  createCommandSchema,
  deleteCommandSchema,
  deleteCommentCommandSchema,
  editCommentCommandSchema,
  escalateCommandSchema,
  fieldIdSchema,
  identifierSchema,
  isoDateTimeSchema,
  jsonValueSchema,
  MAX_BODY_LENGTH,
  MAX_IDENTIFIER_LENGTH,
  MAX_SUMMARY_LENGTH,
  markViewedCommandSchema,
  migrateCommandSchema,
  nullableUuidSchema,
  reactCommandSchema,
  receiveCsatCommandSchema,
  recordSlaBreachCommandSchema,
  recordSlaWarningCommandSchema,
  redactCommentCommandSchema,
  sendCsatCommandSchema,
  setCommentPrivacyCommandSchema,
  slaTargetSchema,
  tagCommandSchema,
  takeoverCommandSchema,
  textSchema,
  ulidSchema,
  unarchiveCommandSchema,
  unreactCommandSchema,
  untagCommandSchema,
  updateCommandSchema,
  uuidSchema,
  viaSchema,
} from '../core/commands/schemas.js'
export { DERIVED_TYPES, FACT_TYPES } from '../core/model/event.js'
export { CIRCUMSTANCES, PRIORITIES, SENTIMENTS, SLA_METRICS, TICKET_STATUSES, TICKET_TYPES } from '../core/model/ticket.js'
export {
  auditsOptionsSchema,
  DEFAULT_AUDITS_LIMIT,
  DEFAULT_EVENTS_LIMIT,
  DEFAULT_PAGE_SIZE,
  eventsQuerySchema,
  listQuerySchema,
  MAX_AUDITS_LIMIT,
  MAX_EVENTS_LIMIT,
  MAX_FILTER_IDS,
  MAX_PAGE_SIZE,
  MAX_SEARCH_LENGTH,
} from '../service/query-schemas.js'
