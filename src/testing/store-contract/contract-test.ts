import type { ContractContext } from './contract-context.js'

/** The body of one conformance test: it gets a fresh store's world. */
export type ContractTestBody = (t: ContractContext) => Promise<void>

/**
 * Registers one conformance test. Titles are unique across the suite: they are what a
 * skip list names.
 *
 * @internal
 */
export type DefineContractTest = (title: string, body: ContractTestBody) => void
