/**
 * The hand-written command and query types equal what their zod schemas accept and
 * return, so the types users see and the runtime validation cannot drift apart: adding,
 * removing or retyping a field on one side only fails this file.
 *
 * The comparison ignores only what the two notations spell differently for the same
 * values: `readonly` (the interfaces are read-only, zod infers mutable types) and
 * `| undefined` on optional keys (both sides accept an absent key and `undefined`).
 */
import { describe, expectTypeOf, it } from 'vitest'
import type * as z from 'zod/mini'
import type {
  AddCommentCommand,
  AppliedEventsQuery,
  AppliedListQuery,
  ArchiveCommand,
  AssignCommand,
  Circumstance,
  Command,
  CommandMeta,
  CompleteCommand,
  CreateCommand,
  DeleteCommand,
  DeleteCommentCommand,
  EditCommentCommand,
  EscalateCommand,
  EventsQuery,
  JsonValue,
  ListQuery,
  MarkViewedCommand,
  MigrateCommand,
  Priority,
  ReactCommand,
  ReceiveCsatCommand,
  RecordSlaBreachCommand,
  RecordSlaWarningCommand,
  RedactCommentCommand,
  SendCsatCommand,
  Sentiment,
  SetCommentPrivacyCommand,
  SlaMetric,
  TagCommand,
  TakeoverCommand,
  TicketStatus,
  TicketType,
  UnarchiveCommand,
  UnreactCommand,
  UntagCommand,
  UpdateCommand,
} from '../../src/index.js'
import type {
  addCommentCommandSchema,
  archiveCommandSchema,
  assignCommandSchema,
  CIRCUMSTANCES,
  commandMetaSchema,
  commandSchema,
  completeCommandSchema,
  createCommandSchema,
  deleteCommandSchema,
  deleteCommentCommandSchema,
  editCommentCommandSchema,
  escalateCommandSchema,
  eventsQuerySchema,
  listQuerySchema,
  markViewedCommandSchema,
  migrateCommandSchema,
  PRIORITIES,
  reactCommandSchema,
  receiveCsatCommandSchema,
  recordSlaBreachCommandSchema,
  recordSlaWarningCommandSchema,
  redactCommentCommandSchema,
  SENTIMENTS,
  SLA_METRICS,
  sendCsatCommandSchema,
  setCommentPrivacyCommandSchema,
  TICKET_STATUSES,
  TICKET_TYPES,
  tagCommandSchema,
  takeoverCommandSchema,
  unarchiveCommandSchema,
  unreactCommandSchema,
  untagCommandSchema,
  updateCommandSchema,
} from '../../src/schemas/index.js'

/** `T` without `readonly` and without `undefined` on its optional keys, all the way down. `JsonValue` is kept as it is. */
type Plain<T> = [T] extends [JsonValue] ? ([JsonValue] extends [T] ? T : PlainMembers<T>) : PlainMembers<T>
type PlainMembers<T> = T extends readonly (infer Item)[]
  ? Plain<Item>[]
  : T extends object
    ? { -readonly [K in keyof T]: Plain<Exclude<T[K], undefined>> }
    : T

// Each interface against its schema's input (what a caller may send) and output (what a parse returns).
describe('the command interfaces equal their schemas', () => {
  it('for every command', () => {
    expectTypeOf<Plain<CreateCommand>>().toEqualTypeOf<Plain<z.input<typeof createCommandSchema>>>()
    expectTypeOf<Plain<CreateCommand>>().toEqualTypeOf<Plain<z.output<typeof createCommandSchema>>>()
    expectTypeOf<Plain<TakeoverCommand>>().toEqualTypeOf<Plain<z.input<typeof takeoverCommandSchema>>>()
    expectTypeOf<Plain<TakeoverCommand>>().toEqualTypeOf<Plain<z.output<typeof takeoverCommandSchema>>>()
    expectTypeOf<Plain<AssignCommand>>().toEqualTypeOf<Plain<z.input<typeof assignCommandSchema>>>()
    expectTypeOf<Plain<AssignCommand>>().toEqualTypeOf<Plain<z.output<typeof assignCommandSchema>>>()
    expectTypeOf<Plain<CompleteCommand>>().toEqualTypeOf<Plain<z.input<typeof completeCommandSchema>>>()
    expectTypeOf<Plain<CompleteCommand>>().toEqualTypeOf<Plain<z.output<typeof completeCommandSchema>>>()
    expectTypeOf<Plain<TagCommand>>().toEqualTypeOf<Plain<z.input<typeof tagCommandSchema>>>()
    expectTypeOf<Plain<TagCommand>>().toEqualTypeOf<Plain<z.output<typeof tagCommandSchema>>>()
    expectTypeOf<Plain<UntagCommand>>().toEqualTypeOf<Plain<z.input<typeof untagCommandSchema>>>()
    expectTypeOf<Plain<UntagCommand>>().toEqualTypeOf<Plain<z.output<typeof untagCommandSchema>>>()
    expectTypeOf<Plain<UpdateCommand>>().toEqualTypeOf<Plain<z.input<typeof updateCommandSchema>>>()
    expectTypeOf<Plain<UpdateCommand>>().toEqualTypeOf<Plain<z.output<typeof updateCommandSchema>>>()
    expectTypeOf<Plain<EscalateCommand>>().toEqualTypeOf<Plain<z.input<typeof escalateCommandSchema>>>()
    expectTypeOf<Plain<EscalateCommand>>().toEqualTypeOf<Plain<z.output<typeof escalateCommandSchema>>>()
    expectTypeOf<Plain<MigrateCommand>>().toEqualTypeOf<Plain<z.input<typeof migrateCommandSchema>>>()
    expectTypeOf<Plain<MigrateCommand>>().toEqualTypeOf<Plain<z.output<typeof migrateCommandSchema>>>()
    expectTypeOf<Plain<ArchiveCommand>>().toEqualTypeOf<Plain<z.input<typeof archiveCommandSchema>>>()
    expectTypeOf<Plain<ArchiveCommand>>().toEqualTypeOf<Plain<z.output<typeof archiveCommandSchema>>>()
    expectTypeOf<Plain<UnarchiveCommand>>().toEqualTypeOf<Plain<z.input<typeof unarchiveCommandSchema>>>()
    expectTypeOf<Plain<UnarchiveCommand>>().toEqualTypeOf<Plain<z.output<typeof unarchiveCommandSchema>>>()
    expectTypeOf<Plain<DeleteCommand>>().toEqualTypeOf<Plain<z.input<typeof deleteCommandSchema>>>()
    expectTypeOf<Plain<DeleteCommand>>().toEqualTypeOf<Plain<z.output<typeof deleteCommandSchema>>>()
    expectTypeOf<Plain<AddCommentCommand>>().toEqualTypeOf<Plain<z.input<typeof addCommentCommandSchema>>>()
    expectTypeOf<Plain<AddCommentCommand>>().toEqualTypeOf<Plain<z.output<typeof addCommentCommandSchema>>>()
    expectTypeOf<Plain<EditCommentCommand>>().toEqualTypeOf<Plain<z.input<typeof editCommentCommandSchema>>>()
    expectTypeOf<Plain<EditCommentCommand>>().toEqualTypeOf<Plain<z.output<typeof editCommentCommandSchema>>>()
    expectTypeOf<Plain<DeleteCommentCommand>>().toEqualTypeOf<Plain<z.input<typeof deleteCommentCommandSchema>>>()
    expectTypeOf<Plain<DeleteCommentCommand>>().toEqualTypeOf<Plain<z.output<typeof deleteCommentCommandSchema>>>()
    expectTypeOf<Plain<ReactCommand>>().toEqualTypeOf<Plain<z.input<typeof reactCommandSchema>>>()
    expectTypeOf<Plain<ReactCommand>>().toEqualTypeOf<Plain<z.output<typeof reactCommandSchema>>>()
    expectTypeOf<Plain<UnreactCommand>>().toEqualTypeOf<Plain<z.input<typeof unreactCommandSchema>>>()
    expectTypeOf<Plain<UnreactCommand>>().toEqualTypeOf<Plain<z.output<typeof unreactCommandSchema>>>()
    expectTypeOf<Plain<RedactCommentCommand>>().toEqualTypeOf<Plain<z.input<typeof redactCommentCommandSchema>>>()
    expectTypeOf<Plain<RedactCommentCommand>>().toEqualTypeOf<Plain<z.output<typeof redactCommentCommandSchema>>>()
    expectTypeOf<Plain<SetCommentPrivacyCommand>>().toEqualTypeOf<Plain<z.input<typeof setCommentPrivacyCommandSchema>>>()
    expectTypeOf<Plain<SetCommentPrivacyCommand>>().toEqualTypeOf<Plain<z.output<typeof setCommentPrivacyCommandSchema>>>()
    expectTypeOf<Plain<SendCsatCommand>>().toEqualTypeOf<Plain<z.input<typeof sendCsatCommandSchema>>>()
    expectTypeOf<Plain<SendCsatCommand>>().toEqualTypeOf<Plain<z.output<typeof sendCsatCommandSchema>>>()
    expectTypeOf<Plain<ReceiveCsatCommand>>().toEqualTypeOf<Plain<z.input<typeof receiveCsatCommandSchema>>>()
    expectTypeOf<Plain<ReceiveCsatCommand>>().toEqualTypeOf<Plain<z.output<typeof receiveCsatCommandSchema>>>()
    expectTypeOf<Plain<RecordSlaBreachCommand>>().toEqualTypeOf<Plain<z.input<typeof recordSlaBreachCommandSchema>>>()
    expectTypeOf<Plain<RecordSlaBreachCommand>>().toEqualTypeOf<Plain<z.output<typeof recordSlaBreachCommandSchema>>>()
    expectTypeOf<Plain<RecordSlaWarningCommand>>().toEqualTypeOf<Plain<z.input<typeof recordSlaWarningCommandSchema>>>()
    expectTypeOf<Plain<RecordSlaWarningCommand>>().toEqualTypeOf<Plain<z.output<typeof recordSlaWarningCommandSchema>>>()
    expectTypeOf<Plain<MarkViewedCommand>>().toEqualTypeOf<Plain<z.input<typeof markViewedCommandSchema>>>()
    expectTypeOf<Plain<MarkViewedCommand>>().toEqualTypeOf<Plain<z.output<typeof markViewedCommandSchema>>>()
  })

  it('for the meta every command may carry, and for the union', () => {
    expectTypeOf<Plain<CommandMeta>>().toEqualTypeOf<Plain<z.input<typeof commandMetaSchema>>>()
    expectTypeOf<Plain<CommandMeta>>().toEqualTypeOf<Plain<z.output<typeof commandMetaSchema>>>()
    expectTypeOf<Plain<Command>>().toEqualTypeOf<Plain<z.input<typeof commandSchema>>>()
    expectTypeOf<Plain<Command>>().toEqualTypeOf<Plain<z.output<typeof commandSchema>>>()
  })
})

describe('the query types equal their schemas', () => {
  it('for the events query, as written and as applied', () => {
    expectTypeOf<Plain<EventsQuery>>().toEqualTypeOf<Plain<z.input<typeof eventsQuerySchema>>>()
    expectTypeOf<Plain<AppliedEventsQuery>>().toEqualTypeOf<Plain<z.output<typeof eventsQuerySchema>>>()
  })

  it('for the list query, as written and as applied', () => {
    expectTypeOf<Plain<ListQuery>>().toEqualTypeOf<Plain<z.input<typeof listQuerySchema>>>()
    expectTypeOf<Plain<AppliedListQuery>>().toEqualTypeOf<Plain<z.output<typeof listQuerySchema>>>()
  })
})

describe('the value lists name every value of their types', () => {
  it('for statuses, circumstances, priorities, ticket types, sentiments and SLA metrics', () => {
    expectTypeOf<(typeof TICKET_STATUSES)[number]>().toEqualTypeOf<TicketStatus>()
    expectTypeOf<(typeof CIRCUMSTANCES)[number]>().toEqualTypeOf<Circumstance>()
    expectTypeOf<(typeof PRIORITIES)[number]>().toEqualTypeOf<Priority>()
    expectTypeOf<(typeof TICKET_TYPES)[number]>().toEqualTypeOf<TicketType>()
    expectTypeOf<(typeof SENTIMENTS)[number]>().toEqualTypeOf<Sentiment>()
    expectTypeOf<(typeof SLA_METRICS)[number]>().toEqualTypeOf<SlaMetric>()
  })
})
