/**
 * The plumbing every conformance suite shares (ticket, delivery and dedupe stores): its
 * arguments are checked the same way, its tests honour one skip list, and the skip list
 * itself is checked by a test of its own.
 *
 * @internal
 * @module
 */
import { expect, it } from 'vitest'
import * as z from 'zod/mini'
import { parseWith } from '../../core/commands/parse-command.js'
import { hasReason, SKIP_LIST_CHECK_TITLE, skipListProblems, skippedTitle } from './skip-list.js'

/** The arguments of a `describe…Contract` function, as its caller gave them. */
export interface ConformanceSuiteArguments {
  readonly name: string
  readonly makeStore: unknown
  readonly options: { readonly skip?: Readonly<Record<string, string>> } | undefined
}

/**
 * Checks a suite's arguments and answers its skip list.
 *
 * @param functionName - the public function, named in the error
 * @param makeStoreError - what the error says when `makeStore` is not a function
 * @throws {TicketError} `VALIDATION` when the arguments are malformed
 */
export function parseConformanceArguments(
  functionName: string,
  makeStoreError: string,
  suiteArguments: ConformanceSuiteArguments,
): Readonly<Record<string, string>> {
  const schema = z.strictObject({
    name: z.string().check(z.minLength(1), z.maxLength(200)),
    makeStore: z.custom<unknown>((value: unknown) => typeof value === 'function', { error: makeStoreError }),
    options: z.optional(z.strictObject({ skip: z.optional(z.record(z.string(), z.string())) })),
  })
  parseWith(schema, suiteArguments, `${functionName} arguments`)
  return suiteArguments.options?.skip ?? {}
}

/** How a suite registers its tests, and then the test of its skip list. */
export interface SkipListedTests<Context> {
  /** Registers one test, or its skipped stand-in when the skip list names it with a reason. */
  readonly test: (title: string, body: (context: Context) => Promise<void>) => void
  /** Registers the test that fails on a skip-list entry naming no test or giving no reason; call it after every `test`. */
  readonly checkSkipList: () => void
}

/**
 * Test registration for one suite. Titles must be unique (a skip list names tests by
 * title); `current` answers the context `beforeEach` made, `undefined` when that failed.
 *
 * @param functionName - the public function, named when the skip list is wrong
 */
export function skipListedTests<Context>(
  functionName: string,
  name: string,
  skip: Readonly<Record<string, string>>,
  current: () => Context | undefined,
): SkipListedTests<Context> {
  const titles = new Set<string>()
  return {
    test(title, body) {
      if (titles.has(title))
        throw new Error(`Two conformance tests share the title ${JSON.stringify(title)}; skip lists need unique titles.`)
      titles.add(title)
      const reason = skip[title]
      if (hasReason(reason)) {
        // Registered and reported as skipped, with the store's reason as the note: a
        // store's declared gap shows in every run instead of vanishing from the report.
        it(skippedTitle(title, reason), (context) => context.skip(reason))
        return
      }
      it(title, async () => {
        const context = current()
        if (context === undefined) throw new Error('The conformance suite has no store: makeStore() failed in beforeEach.')
        await body(context)
      })
    },
    checkSkipList() {
      it(SKIP_LIST_CHECK_TITLE, () => {
        const problems = skipListProblems(skip, titles)
        expect(problems, `Fix the skip list of ${functionName}(${JSON.stringify(name)}):\n${problems.join('\n')}`).toEqual([])
      })
    },
  }
}
