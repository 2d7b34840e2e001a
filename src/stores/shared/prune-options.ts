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

const pruneOptionsSchema = z.strictObject({
  before: z.union([
    z.iso.datetime({ offset: true, error: 'Expected an ISO-8601 date-time or a Date' }),
    z.date({ error: 'Expected an ISO-8601 date-time or a Date' }),
  ]),
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
