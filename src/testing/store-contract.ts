/**
 * The store conformance suite: one set of tests every {@link TicketStore} must pass.
 *
 * @module
 */
import { afterEach, beforeEach, describe } from 'vitest'
import type { TicketStore } from '../store-contract/ticket-store.js'
import { defineAppendTests } from './store-contract/append-tests.js'
import { defineAuditsTests } from './store-contract/audits-tests.js'
import { parseConformanceArguments, skipListedTests } from './store-contract/conformance-suite.js'
import { type ContractContext, openContractContext } from './store-contract/contract-context.js'
import { defineEventsQueryTests } from './store-contract/events-query-tests.js'
import { defineGlobalOrderTests } from './store-contract/global-order-tests.js'
import { defineIdempotencyTests } from './store-contract/idempotency-tests.js'
import { defineListCursorTests } from './store-contract/list-cursor-tests.js'
import { defineListTests } from './store-contract/list-tests.js'
import { defineLostAppendTests } from './store-contract/lost-append-tests.js'
import { definePruneTests } from './store-contract/prune-tests.js'
import { defineSnapshotTests } from './store-contract/snapshot-tests.js'
import { defineStoreBasicsTests } from './store-contract/store-basics-tests.js'
import { defineTextAndIdTests } from './store-contract/text-and-id-tests.js'
import { defineTimeTravelTests } from './store-contract/time-travel-tests.js'
import { defineUpcastingTests } from './store-contract/upcasting-tests.js'
import { defineValidationTests } from './store-contract/validation-tests.js'
import { defineWorkspaceTests } from './store-contract/workspace-tests.js'

/** Options of {@link describeStoreContract}. */
export interface StoreContractOptions {
  /**
   * Tests to skip: test title → the reason, shown in the skipped test's title. A title
   * that names no test of the suite, or an entry without a reason, fails the suite, so
   * a skip list cannot rot when tests are renamed.
   */
  readonly skip?: Readonly<Record<string, string>>
}

/** Makes a fresh, empty store that shares nothing with the stores made before it. */
export type StoreFactory = () => TicketStore | Promise<TicketStore>

/**
 * Registers the store conformance suite with vitest: call it from a test file of your
 * own to prove that a {@link TicketStore} keeps every guarantee of the storage contract.
 *
 * The suite drives the store through `createTicketService` and, where a guarantee is
 * about the store itself, calls it directly. It checks that:
 * - `append` is atomic per batch with an expected version: a stale version (or one past
 *   the stream's end) is `CONCURRENCY` and writes nothing (events, projection, snapshot,
 *   command record);
 * - versions are contiguous per ticket and `load` equals `replay` of the stored events;
 * - there is one global order: paging `events({ afterId, limit })` sees every event
 *   exactly once, in order, also per workspace and while others append;
 * - `events()` filters by `type`, `occurredAfter` (strictly after), `afterId` and
 *   `workspaceId`, with `limit` 0..1000 (default 25) reported in the answer;
 * - a repeated `meta.commandId` returns the first result and appends nothing, also when
 *   two calls race, and runs again once the dedupe window has passed;
 * - `list()` answers from the projection written with the append, with every filter
 *   (search is a literal, case-insensitive substring: quotes, `%`, `_`, `;` and `--`
 *   match themselves), newest `createdAt` first, paged;
 * - every string the schemas accept comes back unchanged from `load`, `events` and
 *   `list` (newlines, tabs, control characters, any Unicode), and what they refuse
 *   (U+0000, lone surrogates, control characters in identifiers, times outside years
 *   0001–9999) is `VALIDATION` before it reaches the store; an upper-case UUID names the
 *   same ticket, workspace, chat, user or tag as its lower-case form;
 * - a workspace never sees another workspace's tickets or events;
 * - snapshots are kept and read back with only the tail, and only under their schema
 *   version (when `capabilities.supportsSnapshots` is `false`, the whole stream instead);
 * - bad input is `VALIDATION` with issue paths and changes nothing;
 * - `migrate()` is idempotent;
 * - `hasEvent`, when offered, tells stored events from others, so an append whose
 *   connection dropped is retried when it did not land and not applied twice when it did;
 * - `prune({ before })`, when offered (capability `supportsPrune`),
 *   deletes the command records recorded before `before` (and nothing else), so a
 *   pruned command id runs again while a kept one still returns its first result;
 * - `audits()`, when offered (capability `supportsAudits`), returns one ticket's audit
 *   records as `execute` returned them, in ticket-version order (not id order), paged
 *   with `afterId` and `limit`, `NOT_FOUND` for a missing or foreign ticket, readable
 *   after a delete; without it, `audits()` is `UNSUPPORTED`.
 *
 * Every test gets its own store from `makeStore` — which must return an empty store
 * that shares nothing with earlier ones (a new database file, schema or in-memory
 * database) — and closes it afterwards. The suite keeps its own clock and id source,
 * so the times it checks are exact. Expect a few seconds per store.
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
 * // test/my-store.test.ts
 * import { describeStoreContract } from 'ticket-events/testing/vitest'
 * import { myStore } from '../src/my-store.js'
 *
 * describeStoreContract('my-store', () => myStore({ database: `test_${crypto.randomUUID()}` }), {
 *   skip: {
 *     'after the dedupe window a repeated commandId runs again':
 *       'command records never expire yet: a late repeat is refused with CONCURRENCY (issue #12)',
 *   },
 * })
 * ```
 */
export function describeStoreContract(name: string, makeStore: StoreFactory, options?: StoreContractOptions): void {
  const skip = parseConformanceArguments('describeStoreContract', 'Expected a function that makes a store', { name, makeStore, options })

  describe(`store contract: ${name}`, () => {
    let current: ContractContext | undefined
    const { test, checkSkipList } = skipListedTests<ContractContext>('describeStoreContract', name, skip, () => current)

    // The tests share one `current` world, so they must not run concurrently even when
    // the caller's config says `sequence.concurrent`. `bun test` runs this suite through
    // its vitest compatibility, which has no `describe.sequential` and runs tests one at
    // a time anyway.
    const sequential = describe.sequential ?? describe
    sequential('guarantees', () => {
      beforeEach(async () => {
        current = await openContractContext(makeStore)
      })
      afterEach(async () => {
        const finished = current
        current = undefined
        await finished?.store.close()
      })

      describe('the store itself', () => defineStoreBasicsTests(test))
      describe('appends', () => defineAppendTests(test))
      describe('one global order', () => defineGlobalOrderTests(test))
      describe('the events query', () => defineEventsQueryTests(test))
      describe('idempotency', () => defineIdempotencyTests(test))
      describe('the ticket list', () => defineListTests(test))
      describe('the ticket list by cursor', () => defineListCursorTests(test))
      describe('workspaces', () => defineWorkspaceTests(test))
      describe('snapshots', () => defineSnapshotTests(test))
      describe('the ticket as it was', () => defineTimeTravelTests(test))
      describe('events stored in older shapes', () => defineUpcastingTests(test))
      describe('bad input', () => defineValidationTests(test))
      describe('lost connections', () => defineLostAppendTests(test))
      describe('text and ids', () => defineTextAndIdTests(test))
      describe('pruning command records', () => definePruneTests(test))
      describe('the audit trail', () => defineAuditsTests(test))
    })

    checkSkipList()
  })
}
