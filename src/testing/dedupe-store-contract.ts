/**
 * The dedupe store conformance suite: one set of tests every webhook {@link DedupeStore}
 * must pass, as the store conformance suite is for ticket stores.
 *
 * @module
 */
import { beforeEach, describe } from 'vitest'
import type { DedupeStore } from '../webhooks/consumer/dedupe-store.js'
import { defineDedupeBasicsTests } from './dedupe-store-contract/basics-tests.js'
import { defineDedupeClaimTests } from './dedupe-store-contract/claim-tests.js'
import type { DedupeContractContext } from './dedupe-store-contract/dedupe-contract-test.js'
import { defineDedupeExpiryTests } from './dedupe-store-contract/expiry-tests.js'
import { parseConformanceArguments, skipListedTests } from './store-contract/conformance-suite.js'

/** Options of {@link describeDedupeStoreContract}. */
export interface DedupeStoreContractOptions {
  /**
   * Tests to skip: test title → the reason, shown in the skipped test's title. A title
   * that names no test of the suite, or an entry without a reason, fails the suite.
   */
  readonly skip?: Readonly<Record<string, string>>
}

/** Makes a fresh, empty dedupe store that shares no records with the stores made before it. */
export type DedupeStoreFactory = () => DedupeStore | Promise<DedupeStore>

/**
 * Registers the dedupe store conformance suite with vitest: call it from a test file of
 * your own to prove that a {@link DedupeStore} (the store behind
 * `createIdempotentConsumer`) keeps every guarantee the consumer relies on:
 * - `migrate()` is idempotent and keeps the records;
 * - a claim is atomic: of many concurrent claims of one id exactly one is `claimed`;
 * - a live claim reports `in_flight`, a completed id `processed` until it expires, and an
 *   expired one (lease run out, or window ended, at exactly `expiresAt`) counts as absent;
 * - `complete` and `release` act only on the claim holding their token, and `release`
 *   never drops a processed record;
 * - ids are independent and kept exactly as given;
 * - `prune(now)` deletes what expired at or before `now` and says how many;
 * - a consumer over the store runs its handler once per event id.
 *
 * Every test gets its own store from `makeStore`, which must return an empty store that
 * shares no records with earlier ones (a new file, schema or table). Times are the
 * suite's own, far from the wall clock.
 *
 * Needs `vitest` in your dev dependencies.
 *
 * @param name - the store's name, used in the suite's title
 * @param makeStore - makes a fresh, empty store for each test
 * @param options - `skip`: test title → reason, for guarantees your store cannot keep yet
 * @throws {TicketError} `VALIDATION` when the arguments are malformed
 *
 * @example
 * ```ts
 * // test/redis-dedupe-store.test.ts
 * import { describeDedupeStoreContract } from 'ticket-events/testing/vitest'
 * import { redisDedupeStore } from '../src/redis-dedupe-store.js'
 *
 * describeDedupeStoreContract('redis', () => redisDedupeStore({ client, keyPrefix: `test:${crypto.randomUUID()}:` }))
 * ```
 */
export function describeDedupeStoreContract(name: string, makeStore: DedupeStoreFactory, options?: DedupeStoreContractOptions): void {
  const skip = parseConformanceArguments('describeDedupeStoreContract', 'Expected a function that makes a dedupe store', {
    name,
    makeStore,
    options,
  })

  describe(`dedupe store contract: ${name}`, () => {
    let current: DedupeContractContext | undefined
    const { test, checkSkipList } = skipListedTests<DedupeContractContext>('describeDedupeStoreContract', name, skip, () => current)

    // The tests share one `current` world, so they must not run concurrently.
    const sequential = describe.sequential ?? describe
    sequential('guarantees', () => {
      beforeEach(async () => {
        current = undefined
        current = { store: await makeStore() }
      })

      describe('the store itself', () => defineDedupeBasicsTests(test))
      describe('claims', () => defineDedupeClaimTests(test))
      describe('expiry', () => defineDedupeExpiryTests(test))
    })

    checkSkipList()
  })
}
