/**
 * How errors of the NATS client become a `TicketError`: the one place the NATS entry
 * classifies them. The client's classes are recognised by `name` and `code`, not
 * `instanceof`, so a second copy of the client in `node_modules` classifies the same.
 *
 * @internal
 * @module
 */
import { isTicketError, TicketError } from '../core/errors/ticket-error.js'

/** JetStream API error codes the entry tells apart. */
const STREAM_NOT_FOUND = 10059
const STREAM_MISMATCH = 10060
const CONSUMER_NOT_FOUND = 10014

function field(error: unknown, key: 'name' | 'message' | 'code' | 'status'): unknown {
  return typeof error === 'object' && error !== null ? (error as Record<string, unknown>)[key] : undefined
}

/** The JetStream API error code of `error` (e.g. 10059 stream not found), if it has one. */
export function jetStreamApiCode(error: unknown): number | undefined {
  const code = field(error, 'code')
  // JetStream API errors carry codes from 10000 up; HTTP-like status codes are smaller.
  return typeof code === 'number' && code >= 10000 ? code : undefined
}

/** Whether `error` says the consumer does not exist. */
export function isConsumerNotFound(error: unknown): boolean {
  return jetStreamApiCode(error) === CONSUMER_NOT_FOUND || field(error, 'name') === 'ConsumerNotFoundError'
}

/** What an operation was doing, for the message and `details` of the error. */
export interface NatsOperation {
  /** e.g. `publish event 01J…`, `read stream info`. */
  readonly action: string
  readonly stream: string
  readonly subject?: string
}

/**
 * Turns an error of the NATS client into a `TicketError`:
 * - a closed or draining connection, or a refused authorization: `UNAVAILABLE`, not
 *   retryable (this connection will not work again; open a new one);
 * - a missing stream: `NOT_FOUND`; a subject another stream captures, or another request
 *   JetStream refuses as a bad request (a conflicting consumer configuration):
 *   `VALIDATION`; a message over the server's `max_payload`: `PAYLOAD_TOO_LARGE` (none is
 *   retryable);
 * - anything else (a timeout, no responders while JetStream restarts, a dropped
 *   connection the client is re-establishing): `UNAVAILABLE`, retryable.
 */
export function toTicketError(error: unknown, operation: NatsOperation): TicketError {
  if (isTicketError(error)) return error
  const name = field(error, 'name')
  const message = String(field(error, 'message') ?? error)
  const code = jetStreamApiCode(error)
  const details = { stream: operation.stream, ...(operation.subject === undefined ? {} : { subject: operation.subject }) }
  const options = { cause: error, details }
  if (name === 'ClosedConnectionError' || name === 'DrainingConnectionError') {
    return new TicketError('UNAVAILABLE', `Cannot ${operation.action}: the NATS connection is closed. Open a new connection.`, {
      ...options,
      retryable: false,
    })
  }
  if (name === 'AuthorizationError' || name === 'PermissionViolationError' || name === 'UserAuthenticationExpiredError') {
    return new TicketError('UNAVAILABLE', `Cannot ${operation.action}: NATS refused it (${message}).`, { ...options, retryable: false })
  }
  if (code === STREAM_NOT_FOUND || name === 'StreamNotFoundError') {
    return new TicketError(
      'NOT_FOUND',
      `Cannot ${operation.action}: stream "${operation.stream}" does not exist. Create it first (see ensureTicketStream).`,
      options,
    )
  }
  if (code === STREAM_MISMATCH) {
    return new TicketError(
      'VALIDATION',
      `Cannot ${operation.action}: subject "${operation.subject ?? ''}" is captured by another stream than "${operation.stream}".`,
      { ...options, issues: [{ path: ['stream'], message: 'The subject is captured by another stream', code: 'custom' }] },
    )
  }
  // Other JetStream API errors: a 400 is a request the server refuses as it stands (an
  // invalid or conflicting consumer or stream configuration); 5xx and timeouts pass.
  const status = field(error, 'status')
  if (code !== undefined && status === 400) {
    return new TicketError('VALIDATION', `Cannot ${operation.action}: JetStream refused it (${message}, error ${code}).`, {
      ...options,
      issues: [{ path: [], message, code: 'custom' }],
    })
  }
  if (name === 'InvalidArgumentError' && message.includes('max_payload')) {
    return new TicketError('PAYLOAD_TOO_LARGE', `Cannot ${operation.action}: the message is larger than the server's max_payload.`, options)
  }
  if (name === 'InvalidSubjectError') {
    return new TicketError('VALIDATION', `Cannot ${operation.action}: ${message}.`, {
      ...options,
      issues: [{ path: ['subject'], message, code: 'custom' }],
    })
  }
  return new TicketError('UNAVAILABLE', `Cannot ${operation.action}: ${message}.`, options)
}
