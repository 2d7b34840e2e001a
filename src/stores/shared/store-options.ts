/**
 * The options every SQL store shares — how it names its tables and whether it migrates
 * them — as zod shapes for each store's option schema.
 *
 * @internal
 * @module
 */
import * as z from 'zod/mini'
import { tablePrefixSchema } from './sql-names.js'

/** `tablePrefix` and `migrate`, to spread into a store's option schema. */
export const sqlStoreOptionShape = {
  tablePrefix: z.optional(tablePrefixSchema),
  migrate: z.optional(z.boolean()),
}
