import type * as z from 'zod/mini'
import { describeIssues, safeParseWithMessages, toTicketIssues } from '../core/commands/parse-command.js'
import { TicketError, type TicketIssue } from '../core/errors/ticket-error.js'

/**
 * Validates one part of a request (body, query, path) and throws a `VALIDATION`
 * `TicketError` naming every offending path. Unlike the core's `parseWith`, an
 * unknown key becomes one issue per key, at that key's path, so a client sees
 * `["colour"]` rather than a root-level list.
 */
export function validateInput<S extends z.core.$ZodType>(schema: S, input: unknown, what: string): z.output<S> {
  const result = safeParseWithMessages(schema, input)
  if (result.success) return result.data
  const issues: TicketIssue[] = []
  for (const issue of result.error.issues) {
    if (issue.code === 'unrecognized_keys') {
      const [base] = toTicketIssues([issue])
      for (const key of issue.keys) {
        issues.push({
          path: [...(base?.path ?? []), key],
          message: `Unknown ${what === 'query' ? 'query parameter' : 'field'} "${key}"`,
          code: issue.code,
        })
      }
    } else {
      issues.push(...toTicketIssues([issue]))
    }
  }
  throw new TicketError('VALIDATION', `Invalid ${what}: ${describeIssues(issues)}`, { issues })
}
