import type { DedupeStore } from '../../webhooks/consumer/dedupe-store.js'

/** One dedupe conformance test's world: a fresh, empty store from the caller's factory. */
export interface DedupeContractContext {
  readonly store: DedupeStore
}

/**
 * Registers one dedupe conformance test. Titles are unique across the suite: they are
 * what a skip list names.
 *
 * @internal
 */
export type DefineDedupeTest = (title: string, body: (t: DedupeContractContext) => Promise<void>) => void

/** The instant the tests start at (ms since the epoch); every time a test uses is relative to it. */
export const T0 = Date.parse('2024-05-01T09:00:00.000Z')

/** How long a claim's lease runs in the tests. */
export const LEASE_MS = 60_000

/** How long a processed id is remembered in the tests. */
export const WINDOW_MS = 24 * 60 * 60 * 1000

/** A claim of `eventId` at `now` with token `token` and the tests' lease. */
export function claimOf(eventId: string, token: string, now: number) {
  return { eventId, token, now, leaseUntil: now + LEASE_MS }
}
