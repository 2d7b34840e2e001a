/**
 * `ticket-events/testing`: fast-check generators for your own property tests, and the
 * conformance suites of ticket stores and webhook dedupe stores.
 *
 * Needs `fast-check` (and `vitest` for the conformance suite) in your dev dependencies.
 *
 * @module
 */
export { arbCommandFor, arbEventStream, arbInvalidCommand, arbScenario, type ScenarioOptions } from './arbitraries.js'
export { arbCommandStep, type CommandStep } from './command-step.js'
export { type DedupeStoreContractOptions, type DedupeStoreFactory, describeDedupeStoreContract } from './dedupe-store-contract.js'
export { arbIdPool, DEFAULT_ID_POOL, type IdPool } from './id-pool.js'
export { makeCommand } from './make-command.js'
export { runScenario, type Scenario, type ScenarioRun, scenarioContext } from './scenario.js'
export { describeStoreContract, type StoreContractOptions, type StoreFactory } from './store-contract.js'
export { createTestContext, seededRandom, type TestContext, type TestContextOptions } from './test-context.js'
