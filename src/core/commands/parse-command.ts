import { en } from 'zod/locales'
import * as z from 'zod/mini'
import { TicketError, type TicketIssue } from '../errors/ticket-error.js'
import type { Command } from '../model/command.js'
import { missingMessage } from './missing-message.js'
import { isParsed, markParsed } from './parsed-values.js'
import { commandSchema } from './schemas.js'

const english = en().localeError

/**
 * zod's English messages, except that a required value that is absent says it is
 * missing (`Missing required value: expected boolean`) instead of "received undefined".
 * Schemas with messages of their own (UUIDs, ULIDs) say the same through
 * {@link missingMessage}.
 */
const describeIssue: z.core.$ZodErrorMap = (issue) => {
  if (issue.input === undefined) {
    if (issue.code === 'invalid_type') return missingMessage(issue.expected)
    if (issue.code === 'invalid_value') return missingMessage(`one of ${issue.values.map((value) => JSON.stringify(value)).join('|')}`)
  }
  return english(issue)
}

// English issue messages per parse, rather than through zod's global config: `zod/mini`
// loads no locale (its messages would all read "Invalid input"), and setting one globally
// would change how a user's own zod schemas report errors.
const parseOptions = { error: describeIssue } as const

/**
 * `safeParse` with English issue messages. Every validation in the library goes through
 * this (or {@link parseWith}) so messages stay readable under `zod/mini`. Accepts any
 * zod 4 schema, classic or mini.
 *
 * @internal
 */
export function safeParseWithMessages<S extends z.core.$ZodType>(schema: S, input: unknown): z.core.util.SafeParseResult<z.output<S>> {
  // Parse without options first: passing an error map per parse costs about 1.5 µs a call
  // (measured on the command schemas). Messages only matter on failure, so only then
  // parse again with them. Schemas are pure, so the second parse finds the same issues.
  const result = z.safeParse(schema, input)
  return result.success ? result : z.safeParse(schema, input, parseOptions)
}

/** Turns zod's issues into {@link TicketIssue}s (symbol path keys become strings). */
export function toTicketIssues(issues: readonly z.core.$ZodIssue[]): TicketIssue[] {
  return issues.map((issue) => ({
    path: issue.path.map((key) => (typeof key === 'symbol' ? key.toString() : key)),
    message: issue.message,
    code: issue.code,
  }))
}

/** Formats issues as `path: message; …` for an error message a person can act on. */
export function describeIssues(issues: readonly TicketIssue[]): string {
  return issues
    .slice(0, 5)
    .map((issue) => `${issue.path.length ? issue.path.join('.') : '(root)'}: ${issue.message}`)
    .join('; ')
}

/**
 * Validates input with a zod schema (classic `zod` or `zod/mini`) and throws a
 * `VALIDATION` {@link TicketError} carrying zod's issue paths when it does not fit.
 */
export function parseWith<S extends z.core.$ZodType>(schema: S, input: unknown, what: string): z.output<S> {
  const result = safeParseWithMessages(schema, input)
  if (result.success) return result.data
  const issues = toTicketIssues(result.error.issues)
  throw new TicketError('VALIDATION', `Invalid ${what}: ${describeIssues(issues)}`, { issues })
}

/**
 * Validates a value as a {@link Command}: for commands from the wire or from JavaScript,
 * before they reach `handle` or the service. The result is remembered as parsed, so
 * passing it on to `handle` or `TicketService.execute` does not validate it again.
 * A command that is already such a result is returned as it is.
 *
 * @throws {TicketError} with code `VALIDATION` and zod's issue paths.
 *
 * @example
 * ```ts
 * const command = parseCommand(JSON.parse(message.body)) // throws VALIDATION on bad input
 * await tickets.execute(ticketId, command)               // validated once, not twice
 * ```
 */
export function parseCommand(input: unknown): Command {
  if (isParsed(input)) return input as Command
  return markParsed(parseWith(commandSchema, input, 'command'))
}

/**
 * The command `handle` works on: `input` itself when an earlier parse returned it,
 * otherwise `input` parsed. Unlike {@link parseCommand} it does not mark its result:
 * `handle` is the innermost layer, so nothing would ask, and a `WeakSet` entry costs
 * about 0.2 µs (and garbage-collector work) per command.
 *
 * @internal
 */
export function trustedOrParsedCommand(input: unknown): Command {
  return isParsed(input) ? (input as Command) : parseWith(commandSchema, input, 'command')
}
