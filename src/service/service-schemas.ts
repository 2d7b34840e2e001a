import * as z from 'zod/mini'
import { uuidSchema } from '../core/commands/schemas.js'
import { EVENT_TYPES, type TicketEventType } from '../core/model/event.js'
import { OPTIONAL_STORE_METHODS, type TicketStore } from '../store-contract/ticket-store.js'

const STORE_METHODS = ['migrate', 'loadStream', 'append', 'readEvents', 'listTickets', 'findCommand', 'close'] as const

/** A flag declared `true` for an optional method the store does not have, as an issue at `store.capabilities.<flag>`. */
const capabilitiesMatchMethods = z.superRefine((store: TicketStore, ctx) => {
  if (typeof store !== 'object' || store === null) return
  const declared = (store.capabilities ?? {}) as Readonly<Record<string, unknown>>
  for (const flag of Object.keys(declared)) {
    if (typeof declared[flag] !== 'boolean') {
      ctx.addIssue({ code: 'custom', message: 'Expected a boolean', path: ['capabilities', flag], input: declared[flag] })
    }
  }
  for (const [method, flag] of Object.entries(OPTIONAL_STORE_METHODS)) {
    if (declared[flag] === true && typeof (store as unknown as Record<string, unknown>)[method] !== 'function') {
      ctx.addIssue({
        code: 'custom',
        message: `The store declares ${flag} but has no ${method}() method`,
        path: ['capabilities', flag],
        input: declared[flag],
      })
    }
  }
})

const fn = z.custom<(...args: never[]) => unknown>((value: unknown) => typeof value === 'function', { error: 'Expected a function' })

/**
 * An event upcaster chain: each type's upcasters start at `fromVersion` 1 and go up one
 * at a time, so every stored version has exactly one way to the current shape.
 */
const upcasterChainSchema = z
  .array(
    z.strictObject({
      type: z.enum(EVENT_TYPES as [TicketEventType, ...TicketEventType[]]),
      fromVersion: z.int().check(z.minimum(1)),
      upcast: fn,
    }),
  )
  .check(
    z.superRefine((chain, ctx) => {
      const seen = new Map<string, number[]>()
      for (const upcaster of chain) seen.set(upcaster.type, [...(seen.get(upcaster.type) ?? []), upcaster.fromVersion])
      for (const [type, versions] of seen) {
        const sorted = [...versions].sort((left, right) => left - right)
        if (sorted.some((version, index) => version !== index + 1)) {
          ctx.addIssue({
            code: 'custom',
            message: `The upcasters of ${type} must go from version 1 up one at a time; got fromVersion ${versions.join(', ')}`,
            input: versions,
          })
        }
      }
    }),
  )

/** The options of `createTicketService`, checked so a typo fails at construction. @internal */
export const serviceOptionsSchema = z.strictObject({
  store: z
    .custom<TicketStore>(
      (value: unknown) =>
        typeof value === 'object' &&
        value !== null &&
        STORE_METHODS.every((method) => typeof (value as Record<string, unknown>)[method] === 'function'),
      { error: `Expected a TicketStore (an object with ${STORE_METHODS.join(', ')})` },
    )
    .check(capabilitiesMatchMethods),
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
  upcasters: z.optional(upcasterChainSchema),
})

/** A ticket id argument, wrapped so issues carry the path `ticketId`. @internal */
export const ticketIdArgumentSchema = z.object({ ticketId: uuidSchema })

/** A workspace scope argument, wrapped so issues carry the path `scope.…`. @internal */
export const scopeArgumentSchema = z.object({
  scope: z.optional(z.strictObject({ workspaceId: z.optional(uuidSchema) })),
})

/** The options of `execute`, wrapped so issues carry the path `options.…`. @internal */
export const executeOptionsArgumentSchema = z.object({
  options: z.optional(z.strictObject({ expectedVersion: z.optional(z.int().check(z.minimum(0))) })),
})

/**
 * The options of `load`. A `workspaceId` there is the scope passed where the options now
 * go (before 0.2.0 the scope was `load`'s second argument): it is refused with a message
 * saying so, rather than ignored, which would read across workspaces.
 *
 * @internal
 */
export const loadOptionsArgumentSchema = z.object({
  options: z.optional(
    z.strictObject(
      {
        version: z.optional(
          z.int().check(z.minimum(1, { error: 'A version is 1 or more: the ticket after its first event is version 1' })),
        ),
      },
      {
        error: (issue) =>
          issue.code === 'unrecognized_keys' && issue.keys.includes('workspaceId')
            ? 'load(ticketId, options, scope) takes the workspace scope as its third argument: load(ticketId, undefined, { workspaceId })'
            : undefined,
      },
    ),
  ),
})
