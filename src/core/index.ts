/**
 * Everything the pure core offers, for the library's own modules. The public entries
 * choose from it: `src/index.ts` (what users call) and `src/schemas/index.ts` (the schemas).
 *
 * @internal
 * @module
 */

export { satisfactionScore } from './audit/satisfaction-score.js'
export { type AuditRecordV1, type StoredAuditRecord, upcastAudit } from './audit/upcast-audit.js'
export { parseCommand, parseWith, toTicketIssues } from './commands/parse-command.js'
export * from './commands/schemas.js'
export { type DerivedDraft, deriveChangeEvents } from './derive/derive-change-events.js'
export {
  isTicketError,
  type JetStreamErrorDetails,
  type MigrationErrorDetails,
  TicketError,
  type TicketErrorCode,
  type TicketErrorDetails,
  type TicketErrorDetailsByCode,
  type TicketErrorOf,
  type TicketErrorOptions,
  type TicketIssue,
} from './errors/ticket-error.js'
export { createIdFactory, type IdFactoryOptions } from './ids/ids.js'
export { uuidFromUlid } from './ids/uuid-from-ulid.js'
export type * from './model/audit.js'
export { AUDIT_SCHEMA_VERSION } from './model/audit.js'
export type * from './model/command.js'
export * from './model/event.js'
export type { JsonValue } from './model/json.js'
export * from './model/ticket.js'
export { evolve } from './reducer/evolve.js'
export { type HandleResult, handle } from './reducer/handle.js'
export type { HandleContext } from './reducer/handle-context.js'
export { FREEZES_BY_DEFAULT } from './reducer/immer-instances.js'
export { type ReplayOptions, replay } from './reducer/replay.js'
