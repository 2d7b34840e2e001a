/**
 * The zod pieces both the relay and the consumer validate their options with.
 *
 * @internal
 * @module
 */
import type { NatsConnection } from '@nats-io/nats-core'
import * as z from 'zod/mini'
import { TicketError } from '../core/errors/ticket-error.js'

/**
 * The connection the relay and the consumer use: a `NatsConnection` from
 * `@nats-io/transport-node` (or any NATS v3 transport). You open and close it; this
 * entry never connects on its own.
 */
export type NatsConnectionLike = NatsConnection

const isFunction = (value: unknown): boolean => typeof value === 'function'

export const natsConnectionSchema = z.custom<NatsConnectionLike>(
  (value: unknown) =>
    typeof value === 'object' &&
    value !== null &&
    ['publish', 'request', 'subscribe', 'isClosed', 'closed'].every((method) => isFunction((value as Record<string, unknown>)[method])),
  { error: 'Expected a NATS connection (from connect() of @nats-io/transport-node)' },
)

/** A stream or consumer name as JetStream accepts it: no whitespace, `.`, `*`, `>`, `/` or `\`. */
export const jetStreamNameSchema = z
  .string()
  .check(z.minLength(1), z.maxLength(255), z.regex(/^[^\s.*>/\\]+$/, { error: 'Expected a name without whitespace, ., *, >, / or \\' }))

export const signalSchema = z.custom<AbortSignal>(
  (value: unknown) =>
    typeof value === 'object' &&
    value !== null &&
    typeof (value as AbortSignal).aborted === 'boolean' &&
    isFunction((value as AbortSignal).addEventListener),
  { error: 'Expected an AbortSignal' },
)

export const functionSchema = z.custom<(...args: never[]) => unknown>(isFunction, { error: 'Expected a function' })

/** Throws `UNAVAILABLE` (not retryable) when the caller's connection is already closed. */
export function assertOpen(nats: NatsConnectionLike, action: string): void {
  if (nats.isClosed()) {
    throw new TicketError('UNAVAILABLE', `Cannot ${action}: the NATS connection is closed. Open a new connection.`, { retryable: false })
  }
}

/** A guard against running one relay or consumer twice at once. */
export function runOnce(what: string): { enter(): void; leave(): void } {
  let running = false
  return {
    enter() {
      if (running) throw new TicketError('VALIDATION', `This ${what} is already running: call run() again only after it has stopped.`)
      running = true
    },
    leave() {
      running = false
    },
  }
}

/**
 * Calls `callback` if `nats` closes before the returned function is called. The
 * connection's `closed()` promise outlives a run, so the callback is dropped on dispose:
 * a process that runs many relays or consumers on one connection keeps nothing of them.
 */
export function onConnectionClosed(nats: NatsConnectionLike, callback: () => void): () => void {
  let current: (() => void) | undefined = callback
  void nats.closed().then(() => current?.())
  return () => {
    current = undefined
  }
}
