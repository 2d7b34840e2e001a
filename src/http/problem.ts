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
  /** For a `TicketError`: whether repeating the request can help (`CONCURRENCY`, and `UNAVAILABLE` unless a retry cannot cure it). */
  readonly retryable?: boolean
  /**
   * The version the ticket is at, when the request named another: a `404` for a
   * `?version=` the ticket has not reached, a `412` for an `If-Match` that does not match.
   */
  readonly currentVersion?: number
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
  // The service has already retried for about 10 s; the client may try again a little later.
  UNAVAILABLE: { status: 503, title: 'Service unavailable' },
  // The service (and its store) was closed while requests still came in: the process is shutting down.
  CLOSED: { status: 503, title: 'Service unavailable' },
  // A store's driver is not installed: the server is misconfigured, which is not the client's to fix.
  MISSING_DRIVER: { status: 500, title: 'Internal error' },
  // The server's store cannot answer this read at all: a property of the deployment.
  UNSUPPORTED: { status: 501, title: 'Not implemented' },
}

/**
 * The `detail` of codes whose messages are for the operator (they may name hosts, drivers,
 * schemas): the client gets a plain sentence, `onError` gets the error.
 */
const OPERATOR_ONLY: Partial<Record<TicketErrorCode, (retryable: boolean) => string>> = {
  UNAVAILABLE: (retryable) => unavailableDetail(retryable),
  CLOSED: () => 'The ticket service is shutting down. Send the request again.',
  MISSING_DRIVER: () => 'The server could not complete the request.',
  UNSUPPORTED: () => 'This server does not offer this resource.',
}

/**
 * The `Retry-After` of a `503` for a retryable `UNAVAILABLE`, in seconds. The service has
 * already retried for about 10 s before answering, so the store is not back in a blink;
 * a client that waits this long and retries with the same `Idempotency-Key` is safe.
 */
export const UNAVAILABLE_RETRY_AFTER_SECONDS = 5

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
 * {@link HttpProblem} as raised, a `TicketError` by its code (`UNAVAILABLE` as `503` with
 * `Retry-After` when a retry can help, its cause told to `onUnexpected`), and anything
 * else as a 500 whose body says nothing about the cause (it goes to `onUnexpected` instead).
 */
export function errorToResponse(error: unknown, instance: string, onUnexpected: (error: unknown) => void): Response {
  if (error instanceof HttpProblem) {
    return problemResponse({ type: problemType(error.problem.code), ...error.problem, instance }, error.headers)
  }
  if (isTicketError(error)) {
    const { status, title } = TICKET_ERROR_STATUS[error.code] ?? { status: 500, title: 'Internal error' }
    const unavailable = error.code === 'UNAVAILABLE'
    // A store failure is the operator's to see (its message may name hosts and drivers),
    // not the client's: the client gets a plain sentence, onError gets the error.
    const operatorDetail = OPERATOR_ONLY[error.code]
    if (operatorDetail !== undefined) onUnexpected(error)
    const problem: ProblemDetails = {
      type: problemType(error.code),
      title,
      status,
      detail: operatorDetail === undefined ? error.message : operatorDetail(error.retryable),
      instance,
      code: error.code,
      ...(error.code === 'VALIDATION' ? { issues: error.issues } : {}),
      retryable: error.retryable,
      ...(isTicketError(error, 'NOT_FOUND') && error.details.currentVersion !== undefined
        ? { currentVersion: error.details.currentVersion }
        : {}),
    }
    const retryAfter = unavailable && error.retryable
    return problemResponse(problem, retryAfter ? { 'retry-after': String(UNAVAILABLE_RETRY_AFTER_SECONDS) } : {})
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

/** The `detail` of a `503`: what the client can do, nothing about the servers behind it. */
function unavailableDetail(retryable: boolean): string {
  return retryable
    ? `The ticket store is unavailable. Try again in ${UNAVAILABLE_RETRY_AFTER_SECONDS} s; repeat a command with the same Idempotency-Key so it is applied once.`
    : 'The ticket store failed, and this request cannot simply be repeated: check the ticket before you send it again.'
}
