import * as z from 'zod/mini'
import { uuidSchema } from '../core/commands/schemas.js'
import type { TicketStore } from '../store-contract/ticket-store.js'

const STORE_METHODS = ['migrate', 'loadStream', 'append', 'readEvents', 'listTickets', 'findCommand', 'close'] as const

const fn = z.custom<(...args: never[]) => unknown>((value: unknown) => typeof value === 'function', { error: 'Expected a function' })

/** The options of `createTicketService`, checked so a typo fails at construction. @internal */
export const serviceOptionsSchema = z.strictObject({
  store: z.custom<TicketStore>(
    (value: unknown) =>
      typeof value === 'object' &&
      value !== null &&
      STORE_METHODS.every((method) => typeof (value as Record<string, unknown>)[method] === 'function'),
    { error: `Expected a TicketStore (an object with ${STORE_METHODS.join(', ')})` },
  ),
  ctx: z.optional(z.object({ now: z.optional(fn), newId: z.optional(fn) })),
  snapshotEvery: z.optional(z.int().check(z.minimum(1))),
  dedupeWindowMs: z.optional(z.int().check(z.minimum(0))),
  maxRetries: z.optional(z.int().check(z.minimum(0), z.maximum(1000))),
  cacheSize: z.optional(z.int().check(z.minimum(0))),
  unavailableRetry: z.optional(
    z.strictObject({
      initialDelayMs: z.optional(z.int().check(z.minimum(1), z.maximum(60_000))),
      maxDelayMs: z.optional(z.int().check(z.minimum(1), z.maximum(600_000))),
      maxElapsedMs: z.optional(z.int().check(z.minimum(0), z.maximum(3_600_000))),
    }),
  ),
  freeze: z.optional(z.boolean()),
})

/** A ticket id argument, wrapped so issues carry the path `ticketId`. @internal */
export const ticketIdArgumentSchema = z.object({ ticketId: uuidSchema })

/** A workspace scope argument, wrapped so issues carry the path `scope.…`. @internal */
export const scopeArgumentSchema = z.object({
  scope: z.optional(z.strictObject({ workspaceId: z.optional(uuidSchema) })),
})
