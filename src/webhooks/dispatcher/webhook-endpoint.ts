import * as z from 'zod/mini'
import { identifierSchema, uuidSchema } from '../../core/index.js'
import type { WebhookSecrets } from '../signing/webhook-secret.js'
import { webhookSecretsSchema } from '../signing/webhook-secret.js'

/** One receiver of webhooks, followed by the dispatcher from its own low-water mark. */
export interface WebhookEndpoint {
  /** A stable id (letters, digits, `_`, `-`, `.`, `:`; at most 200 characters): the key of its mark, lease and dead letters. */
  readonly id: string
  /** Where deliveries are POSTed (`http:` or `https:`). */
  readonly url: string
  /** The Standard Webhooks secret (`whsec_…`), or several during a rotation (one signature each). */
  readonly secret: WebhookSecrets
  /** Only these event types (default: all). */
  readonly types?: readonly string[]
  /** Only this workspace's events (default: the whole log). */
  readonly workspaceId?: string
  /** At most this many request starts per second (default: no limit). */
  readonly rateLimitPerSecond?: number
  /** How long one POST may take, in ms (default 10 000); then it counts as failed. */
  readonly timeoutMs?: number
  /** At most this many POSTs at once, each for a different ticket (default 10). */
  readonly maxInFlight?: number
}

/** @internal */
export const DEFAULT_TIMEOUT_MS = 10_000
/** @internal */
export const DEFAULT_MAX_IN_FLIGHT = 10

/** @internal */
export const endpointSchema = z.strictObject({
  id: z.string().check(z.regex(/^[A-Za-z0-9_.:-]{1,200}$/, { error: 'Expected an endpoint id: letters, digits, _ - . :, at most 200' })),
  url: z.string().check(z.regex(/^https?:\/\/\S+$/, { error: 'Expected an http: or https: URL' })),
  secret: webhookSecretsSchema,
  types: z.optional(z.array(identifierSchema()).check(z.minLength(1), z.maxLength(200))),
  workspaceId: z.optional(uuidSchema),
  rateLimitPerSecond: z.optional(z.number().check(z.positive(), z.maximum(100_000))),
  timeoutMs: z.optional(z.int().check(z.minimum(1), z.maximum(600_000))),
  maxInFlight: z.optional(z.int().check(z.minimum(1), z.maximum(1000))),
})
