/**
 * The storage contract behind `createWebhookDispatcher`: per endpoint, a durable
 * low-water mark, a disabled flag and a lease; and the dead letters.
 *
 * Every write a dispatcher makes while it delivers an endpoint carries the token of its
 * lease on that endpoint (fencing): a store refuses the write when another dispatcher
 * has taken the lease since, so a dispatcher that stalled past its lease can never move
 * the mark of an endpoint someone else now delivers.
 *
 * All times are milliseconds since the epoch from the dispatcher's clock.
 *
 * @module
 */

/** What a store keeps about one endpoint. */
export interface EndpointState {
  /** The low-water mark: every event of the log up to this id was delivered or dead-lettered. `null`: none yet. */
  readonly afterId: string | null
  /** Whether the endpoint is disabled (it answered `410 Gone`); `enableEndpoint` clears it. */
  readonly disabled: boolean
  /** Why it was disabled, for operators. */
  readonly disabledReason: string | null
}

/** A held lease on an endpoint. */
export interface EndpointLease {
  readonly endpointId: string
  /** The fencing token: grows with every acquisition, so a newer holder always has a larger one. */
  readonly token: number
  /** When the lease ends unless renewed. */
  readonly expiresAt: number
}

/** An event an endpoint never accepted: after `maxAttempts`, after the maximum age, or refused for good. */
export interface DeadLetter {
  readonly endpointId: string
  readonly eventId: string
  readonly ticketId: string
  /** The event type, like `ticket:status:changed`. */
  readonly type: string
  /** How many POSTs were made. */
  readonly attempts: number
  /** The HTTP status of the last attempt, `null` when it got no answer (timeout, network error). */
  readonly lastStatus: number | null
  /** What went wrong on the last attempt. */
  readonly lastError: string | null
  readonly firstAttemptAt: number
  readonly deadAt: number
  /** The exact JSON body that was sent, so a replay sends the same payload (signed afresh). */
  readonly body: string
}

/** A page query over dead letters, oldest first (by `deadAt`, then event id). */
export interface DeadLetterQuery {
  /** Only this endpoint's. */
  readonly endpointId?: string
  /** At most this many (default 100). */
  readonly limit?: number
}

/**
 * Durable state of a webhook dispatcher. `memoryDeliveryStore`, `sqliteDeliveryStore` and
 * `postgresDeliveryStore` are provided; `describeDeliveryStoreContract` from
 * `ticket-events/testing/vitest` proves another.
 */
export interface DeliveryStore {
  /** Creates what the store needs. Idempotent; the dispatcher calls it once before first use. */
  migrate(): Promise<void>
  /**
   * Takes the lease on `endpointId` for `owner` until `expiresAt` when it is free (never
   * taken, released, or expired at or before `now`), with a new, larger token. `null`
   * while it is held, also by `owner` itself (a holder keeps it by renewing). Creates the
   * endpoint's record when missing.
   */
  acquireLease(input: {
    readonly endpointId: string
    readonly owner: string
    readonly now: number
    readonly expiresAt: number
  }): Promise<EndpointLease | null>
  /** Extends the lease holding `token` to `expiresAt`; `false` when the token is no longer current. */
  renewLease(input: { readonly endpointId: string; readonly token: number; readonly expiresAt: number }): Promise<boolean>
  /** Ends the lease holding `token` at once (a clean stop), so another dispatcher need not wait for it to expire. */
  releaseLease(input: { readonly endpointId: string; readonly token: number }): Promise<void>
  /** The endpoint's mark and flag (an endpoint never seen: no mark, enabled). */
  endpointState(endpointId: string): Promise<EndpointState>
  /** Moves the mark, fenced by `token`; `false` (nothing written) when the token is no longer current. */
  saveMark(input: { readonly endpointId: string; readonly token: number; readonly afterId: string }): Promise<boolean>
  /** Disables the endpoint, fenced by `token`; `false` when the token is no longer current. */
  disable(input: { readonly endpointId: string; readonly token: number; readonly reason: string }): Promise<boolean>
  /** Enables the endpoint again (an operator's act: not fenced). */
  enable(endpointId: string): Promise<void>
  /** Records a dead letter (replacing one for the same endpoint and event), fenced by `token`. */
  addDeadLetter(input: { readonly token: number; readonly letter: DeadLetter }): Promise<boolean>
  /** Dead letters, oldest first. */
  deadLetters(query?: DeadLetterQuery): Promise<DeadLetter[]>
  /** Deletes a dead letter (after a successful replay); `false` when there was none. */
  removeDeadLetter(input: { readonly endpointId: string; readonly eventId: string }): Promise<boolean>
}

/** The default page size of {@link DeliveryStore.deadLetters}. @internal */
export const DEFAULT_DEAD_LETTER_LIMIT = 100
