/// <reference lib="dom" />
import { isTicketError, type TicketErrorCode, type TicketIssue } from '../core/errors/ticket-error.js'

/** Codes of problems the HTTP layer raises itself, beside the {@link TicketErrorCode}s. */
export type HttpProblemCode = 'UNAUTHORIZED' | 'ROUTE_NOT_FOUND' | 'METHOD_NOT_ALLOWED' | 'UNSUPPORTED_MEDIA_TYPE' | 'INTERNAL'

/**
 * An RFC 9457 problem document, as every error response carries it
 * (`Content-Type: application/problem+json`).
 *
 * `code` is machine-readable ({@link TicketErrorCode} or {@link HttpProblemCode});
 * `issues` lists each validation finding with its path.
 */
export interface ProblemDetails {
  readonly type: string
  readonly title: string
  readonly status: number
  readonly detail: string
  readonly instance?: string
  readonly code: TicketErrorCode | HttpProblemCode
  readonly issues?: readonly TicketIssue[]
}

/** The problem `type` URI of a code: `urn:ticket-events:problem:invalid-transition`. */
export function problemType(code: ProblemDetails['code']): string {
  return `urn:ticket-events:problem:${code.toLowerCase().replaceAll('_', '-')}`
}

/** How each domain error code maps to an HTTP status and a title. */
const TICKET_ERROR_STATUS: Readonly<Record<TicketErrorCode, { status: number; title: string }>> = {
  VALIDATION: { status: 400, title: 'Invalid request' },
  NOT_FOUND: { status: 404, title: 'Not found' },
  ALREADY_EXISTS: { status: 409, title: 'Already exists' },
  INVALID_TRANSITION: { status: 409, title: 'Invalid status transition' },
  CONCURRENCY: { status: 409, title: 'Concurrent modification' },
  ARCHIVED: { status: 409, title: 'Ticket archived' },
  // A deleted ticket never comes back (there is no undelete command), which is what 410 says.
  DELETED: { status: 410, title: 'Ticket deleted' },
  PAYLOAD_TOO_LARGE: { status: 413, title: 'Payload too large' },
}

/**
 * A problem raised by the HTTP layer to end a request early. Thrown inside the handler
 * and turned into a problem response; never escapes {@link createTicketHandler}.
 *
 * @internal
 */
export class HttpProblem extends Error {
  override readonly name = 'HttpProblem'
  readonly problem: Omit<ProblemDetails, 'type' | 'instance'>
  readonly headers: Readonly<Record<string, string>>

  constructor(problem: Omit<ProblemDetails, 'type' | 'instance'>, headers: Readonly<Record<string, string>> = {}) {
    super(problem.detail)
    this.problem = problem
    this.headers = headers
  }
}

/** Builds an `application/problem+json` response. */
export function problemResponse(problem: ProblemDetails, headers: Readonly<Record<string, string>> = {}): Response {
  return new Response(JSON.stringify(problem), {
    status: problem.status,
    headers: { 'content-type': 'application/problem+json', 'cache-control': 'no-store', ...headers },
  })
}

/**
 * Turns anything thrown while serving a request into a problem response: an
 * {@link HttpProblem} as raised, a `TicketError` by its code, and anything else as a
 * 500 whose body says nothing about the cause (it goes to `onUnexpected` instead).
 */
export function errorToResponse(error: unknown, instance: string, onUnexpected: (error: unknown) => void): Response {
  if (error instanceof HttpProblem) {
    return problemResponse({ type: problemType(error.problem.code), ...error.problem, instance }, error.headers)
  }
  if (isTicketError(error)) {
    const { status, title } = TICKET_ERROR_STATUS[error.code] ?? { status: 500, title: 'Internal error' }
    const problem: ProblemDetails = {
      type: problemType(error.code),
      title,
      status,
      detail: error.message,
      instance,
      code: error.code,
      ...(error.code === 'VALIDATION' ? { issues: error.issues } : {}),
    }
    return problemResponse(problem)
  }
  onUnexpected(error)
  return problemResponse({
    type: problemType('INTERNAL'),
    title: 'Internal error',
    status: 500,
    detail: 'The server could not complete the request.',
    instance,
    code: 'INTERNAL',
  })
}
