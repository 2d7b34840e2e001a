import type * as z from 'zod'
import { TicketError, type TicketIssue } from '../errors/ticket-error.js'
import { type Command, commandSchema } from './schemas.js'

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
 * Validates input with a zod schema and throws a `VALIDATION` {@link TicketError}
 * carrying zod's issue paths when it does not fit.
 */
export function parseWith<S extends z.ZodType>(schema: S, input: unknown, what: string): z.output<S> {
  const result = schema.safeParse(input)
  if (result.success) return result.data
  const issues = toTicketIssues(result.error.issues)
  throw new TicketError('VALIDATION', `Invalid ${what}: ${describeIssues(issues)}`, { issues })
}

/**
 * Validates an unknown value as a {@link Command}.
 *
 * @throws {TicketError} with code `VALIDATION` and zod's issue paths.
 */
export function parseCommand(input: unknown): Command {
  return parseWith(commandSchema, input, 'command')
}
