/**
 * The storage contract behind `createIdempotentConsumer`: a table of delivery ids that
 * are being processed or were processed, each with an expiry.
 *
 * All times are milliseconds since the epoch from the consumer's clock (never the
 * database's), so a test can move time and several processes agree on it.
 *
 * @module
 */

/** What a claim found: the id is now ours, was already processed, or is being processed by someone else. */
export type ClaimOutcome = 'claimed' | 'processed' | 'in_flight'

/** A request to claim an event id for processing. */
export interface DedupeClaim {
  readonly eventId: string
  /** A random token naming this claim; `complete` and `release` only act on the claim holding it. */
  readonly token: string
  /** The current time. Records whose `expiresAt` is at or before it count as absent. */
  readonly now: number
  /** When an unfinished claim may be taken over (a crashed consumer never completes nor releases). */
  readonly leaseUntil: number
}

/**
 * A store of processed (and in-flight) webhook delivery ids. Implement it to keep ids
 * elsewhere; `memoryDedupeStore`, `sqliteDedupeStore` and `postgresDedupeStore` are
 * provided.
 */
export interface DedupeStore {
  /** Creates what the store needs (tables, indexes). Idempotent; the consumer calls it once before first use. */
  migrate(): Promise<void>
  /**
   * Atomically claims `eventId`: inserts an in-flight record, or takes over one that has
   * expired. When a live record exists, reports whether it is processed or in flight.
   */
  claim(claim: DedupeClaim): Promise<ClaimOutcome>
  /** Marks the claim holding `token` as processed, remembered until `expiresAt`. */
  complete(done: { readonly eventId: string; readonly token: string; readonly expiresAt: number }): Promise<void>
  /** Drops the in-flight claim holding `token`, so a retry of the delivery runs the handler. */
  release(claim: { readonly eventId: string; readonly token: string }): Promise<void>
  /** Deletes the records that expired at or before `now`; returns how many. */
  prune(now: number): Promise<number>
}

/** Record states as stored by the SQL stores. @internal */
export const PROCESSING = 'processing'
/** @internal */
export const PROCESSED = 'processed'
