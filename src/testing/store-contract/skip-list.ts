/**
 * The skip list of the conformance suite: every entry names a test and says why.
 *
 * @internal
 * @module
 */

/** The title of the test that checks the skip list itself. */
export const SKIP_LIST_CHECK_TITLE = 'every skip-list entry names a test of this suite and gives a reason'

/** A skipped test's title shows its reason, so a report never hides why a guarantee went unchecked. */
export function skippedTitle(title: string, reason: string): string {
  return `${title} (skipped: ${reason})`
}

/** Whether a skip-list reason says something (a blank reason does not skip). */
export function hasReason(reason: string | undefined): reason is string {
  return reason !== undefined && reason.trim().length > 0
}

/**
 * What is wrong with a skip list: titles that name no test of the suite (a rotten
 * entry, often a renamed test) and entries without a reason.
 */
export function skipListProblems(skip: Readonly<Record<string, string>>, titles: ReadonlySet<string>): string[] {
  const problems: string[] = []
  for (const [title, reason] of Object.entries(skip)) {
    if (!titles.has(title)) problems.push(`unknown test title in the skip list: ${JSON.stringify(title)}`)
    if (!hasReason(reason)) problems.push(`skip-list entry without a reason: ${JSON.stringify(title)}`)
  }
  return problems
}
