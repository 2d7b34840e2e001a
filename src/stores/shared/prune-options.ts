/**
 * The argument of `TicketStore.prune`, checked the same way by every store.
 *
 * @internal
 * @module
 */
import * as z from 'zod/mini'
import { parseWith } from '../../core/commands/parse-command.js'
import type { PruneOptions } from '../../store-contract/ticket-store.js'
import { canonicalTime } from './canonical-time.js'

/** An ISO-8601 date-time with its offset (`Z` or `±hh:mm`), as `toISOString()` and every stored time write it. */
const ISO_DATE_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2})$/

// A custom check rather than zod's union of `iso.datetime()` and `date()`, which would add
// about 1.5 KB (min+gz) to the memory store's entry for this one argument.
const pruneOptionsSchema = z.strictObject({
  before: z.custom<string | Date>(
    (value: unknown) =>
      value instanceof Date
        ? !Number.isNaN(value.getTime())
        : typeof value === 'string' && ISO_DATE_TIME.test(value) && !Number.isNaN(Date.parse(value)),
    { error: 'Expected an ISO-8601 date-time (with Z or an offset) or a valid Date' },
  ),
})

/**
 * Validates `prune`'s options and returns `before` in the stored times' form.
 *
 * @throws {TicketError} `VALIDATION` when `before` is missing or not a time
 */
export function pruneCutoff(options: PruneOptions): string {
  const { before } = parseWith(pruneOptionsSchema, options, 'prune options')
  return canonicalTime(before)
}
