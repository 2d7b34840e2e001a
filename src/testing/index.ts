/**
 * `ticket-events/testing`: fast-check generators and scenarios for your own property
 * tests, under any test runner (vitest, Jest, `node:test`, `bun test`, …).
 *
 * Needs `fast-check` in your dev dependencies, and nothing else: no test runner is
 * imported. The store conformance suite, which registers vitest tests, is in
 * `ticket-events/testing/vitest`.
 *
 * @module
 */
export { arbCommandFor, arbEventStream, arbInvalidCommand, arbScenario, type ScenarioOptions } from './arbitraries.js'
export { arbCommandStep, type CommandStep } from './command-step.js'
export { arbIdPool, DEFAULT_ID_POOL, type IdPool } from './id-pool.js'
export { makeCommand } from './make-command.js'
export { runScenario, type Scenario, type ScenarioRun, scenarioContext } from './scenario.js'
export { createTestContext, seededRandom, type TestContext, type TestContextOptions } from './test-context.js'
