/**
 * `ticket-events/testing/vitest`: the conformance suites, registered with vitest. Every
 * store proves the storage contract with {@link describeStoreContract}; write a store of
 * your own and call it from a test file.
 *
 * This entry imports `vitest` (it registers tests with `describe` and `it`), so it needs
 * vitest in your dev dependencies and is ESM only, like vitest. Under `bun test` it runs
 * through bun's vitest compatibility. The fast-check generators are in
 * `ticket-events/testing`, which needs nothing but fast-check.
 *
 * Every conformance suite of the library is exported from here.
 *
 * @module
 */

export { type DedupeStoreContractOptions, type DedupeStoreFactory, describeDedupeStoreContract } from '../dedupe-store-contract.js'
export {
  type DeliveryStoreContractOptions,
  type DeliveryStoreFactory,
  describeDeliveryStoreContract,
} from '../delivery-store-contract.js'
export { describeStoreContract, type StoreContractOptions, type StoreFactory } from '../store-contract.js'
