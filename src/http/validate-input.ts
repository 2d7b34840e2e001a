import type * as z from 'zod/mini'
import { describeIssues, safeParseWithMessages, toTicketIssues } from '../core/commands/parse-command.js'
import { markParsed } from '../core/commands/parsed-values.js'
import { TicketError, type TicketIssue } from '../core/errors/ticket-error.js'
import type { Command } from '../core/model/command.js'

/** The word for an unknown key of `what`. */
const unknownKeyWord = (what: string): string => (what === 'query' ? 'query parameter' : 'field')

/**
 * The issues of a failed parse as {@link TicketIssue}s, an unknown key becoming one issue
 * per key at that key's path (so a client sees `["colour"]` rather than a root-level list).
 */
function inputIssues(issues: readonly z.core.$ZodIssue[], what: string, extraUnknownKeys: readonly string[] = []): TicketIssue[] {
  const found: TicketIssue[] = []
  const unknown: TicketIssue[] = extraUnknownKeys.map((key) => ({
    path: [key],
    message: `Unknown ${unknownKeyWord(what)} "${key}"`,
    code: 'unrecognized_keys',
  }))
  for (const issue of issues) {
    if (issue.code === 'unrecognized_keys') {
      const [base] = toTicketIssues([issue])
      for (const key of issue.keys) {
        unknown.push({ path: [...(base?.path ?? []), key], message: `Unknown ${unknownKeyWord(what)} "${key}"`, code: issue.code })
      }
    } else {
      found.push(...toTicketIssues([issue]))
    }
  }
  return [...found, ...unknown]
}

function invalid(what: string, issues: readonly TicketIssue[]): TicketError<'VALIDATION'> {
  return new TicketError('VALIDATION', `Invalid ${what}: ${describeIssues(issues)}`, { issues })
}

/**
 * Validates one part of a request (body, query, path) and throws a `VALIDATION`
 * `TicketError` naming every offending path. Unlike the core's `parseWith`, an
 * unknown key becomes one issue per key, at that key's path, so a client sees
 * `["colour"]` rather than a root-level list.
 */
export function validateInput<S extends z.core.$ZodType>(schema: S, input: unknown, what: string): z.output<S> {
  const result = safeParseWithMessages(schema, input)
  if (result.success) return result.data
  throw invalid(what, inputIssues(result.error.issues, what))
}

/**
 * Builds a route's command from the JSON body and the fields the route supplies itself
 * (the command `type`, the caller's workspace, `meta` from the headers), and validates
 * it once, with the command's own schema: the body is parsed exactly once. The command
 * comes back marked as parsed, so the service and `handle` do not parse it again.
 *
 * The body's fields are the command's, so issue paths name body fields as they are. A
 * body that names a field the route supplies is refused at that field, like any
 * unknown field, and never overrides the route's value.
 */
export function commandFromBody<C extends Command>(
  schema: z.core.$ZodType<C>,
  body: unknown,
  supplied: Readonly<Record<string, unknown>>,
): C {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    const received = body === null ? 'null' : Array.isArray(body) ? 'array' : typeof body
    throw invalid('request body', [{ path: [], message: `Expected a JSON object, received ${received}`, code: 'invalid_type' }])
  }
  const suppliedKeys: string[] = []
  // Object.entries/fromEntries copy own keys as data, `__proto__` included (the schema refuses it).
  const fields = Object.fromEntries(
    Object.entries(body).filter(([key]) => {
      const isSupplied = Object.hasOwn(supplied, key)
      if (isSupplied) suppliedKeys.push(key)
      return !isSupplied
    }),
  )
  const result = safeParseWithMessages(schema, { ...fields, ...supplied })
  if (result.success && suppliedKeys.length === 0) return markParsed(result.data)
  throw invalid('request body', inputIssues(result.success ? [] : result.error.issues, 'request body', suppliedKeys))
}
