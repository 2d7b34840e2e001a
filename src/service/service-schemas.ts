import * as z from 'zod'
import { uuidSchema } from '../core/commands/schemas.js'
import type { TicketStore } from '../store/ticket-store.js'

const STORE_METHODS = ['migrate', 'loadStream', 'append', 'readEvents', 'listTickets', 'findCommand', 'close'] as const

const fn = z.custom<(...args: never[]) => unknown>((value) => typeof value === 'function', { error: 'Expected a function' })

/** The options of `createTicketService`, checked so a typo fails at construction. @internal */
export const serviceOptionsSchema = z.strictObject({
  store: z.custom<TicketStore>(
    (value) =>
      typeof value === 'object' &&
      value !== null &&
      STORE_METHODS.every((method) => typeof (value as Record<string, unknown>)[method] === 'function'),
    { error: `Expected a TicketStore (an object with ${STORE_METHODS.join(', ')})` },
  ),
  ctx: z.object({ now: fn.optional(), newId: fn.optional() }).optional(),
  snapshotEvery: z.number().int().min(1).optional(),
  dedupeWindowMs: z.number().int().min(0).optional(),
  maxRetries: z.number().int().min(0).max(1000).optional(),
  cacheSize: z.number().int().min(0).optional(),
})

/** A ticket id argument, wrapped so issues carry the path `ticketId`. @internal */
export const ticketIdArgumentSchema = z.object({ ticketId: uuidSchema })

/** A workspace scope argument, wrapped so issues carry the path `scope.…`. @internal */
export const scopeArgumentSchema = z.object({
  scope: z.strictObject({ workspaceId: z.optional(uuidSchema) }).optional(),
})
