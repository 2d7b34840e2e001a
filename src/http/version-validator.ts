/// <reference lib="dom" />

import * as z from 'zod/mini'
import { isTicketError } from '../core/errors/ticket-error.js'
import { HttpProblem } from './problem.js'
import { validateInput } from './validate-input.js'

/**
 * The ticket's version is its HTTP validator: `ETag: "<version>"` on the routes that
 * answer a ticket, and `If-Match` on the command routes becomes `execute`'s
 * `expectedVersion`.
 *
 * @internal
 * @module
 */

/** The `ETag` of a ticket at `version`: a strong validator, `"7"`. */
export function versionETag(version: number): string {
  return `"${version}"`
}

/** What a command request's `If-Match` header asks for. */
export type IfMatch =
  /** No `If-Match`: the command runs on whatever version the ticket is at. */
  | { readonly sent: false }
  /** `If-Match: *`: any version (the ticket must exist, as for every command on one). */
  | { readonly sent: true; readonly version: undefined }
  /** `If-Match: "7"` (or `W/"7"`): only on version 7, else `412`. */
  | { readonly sent: true; readonly version: number }

const NOT_SENT: IfMatch = { sent: false }

/**
 * One entity tag, strong (`"7"`) or weak (`W/"7"`), holding a version; or `*`. A weak tag
 * is accepted as its version, although RFC 9110 compares `If-Match` strongly: this
 * server's tags are versions, which name one exact state either way, and some clients
 * (Emmett's web integrations among them) send them weak.
 */
const ifMatchSchema = z.object({
  'if-match': z.optional(
    z.string().check(
      z.regex(/^(\*|(W\/)?"(0|[1-9]\d{0,14})")$/, {
        error: 'Expected one entity tag holding a ticket version, like "7" (or W/"7"), or *',
      }),
    ),
  ),
})

/**
 * Reads the `If-Match` header of a command request.
 *
 * @throws {TicketError} `VALIDATION` (a `400`, issue path `if-match`) for anything but
 * one entity tag holding a version, or `*`: a list of tags, a tag that is not a version
 */
export function readIfMatch(request: Request): IfMatch {
  const header = request.headers.get('if-match')
  if (header === null) return NOT_SENT
  const value = validateInput(ifMatchSchema, { 'if-match': header.trim() }, 'headers')['if-match'] as string
  if (value === '*') return { sent: true, version: undefined }
  // At most 15 digits (the pattern), so always a safe integer.
  return { sent: true, version: Number(value.replace(/^W\//, '').slice(1, -1)) }
}

/**
 * The answer to a command whose `If-Match` did not match: `412 Precondition Failed`, with
 * the version the ticket is at as `currentVersion` and as the `ETag`. Only a `CONCURRENCY`
 * that no retry can cure (the ticket is not at the expected version) is one; anything
 * else is passed on unchanged.
 */
export function preconditionFailure(error: unknown, ifMatch: IfMatch): unknown {
  if (!ifMatch.sent || !isTicketError(error, 'CONCURRENCY') || error.retryable) return error
  const currentVersion = error.details.actualVersion
  return new HttpProblem(
    {
      title: 'Precondition failed',
      status: 412,
      detail: error.message,
      code: 'CONCURRENCY',
      retryable: false,
      ...(currentVersion === undefined ? {} : { currentVersion }),
    },
    currentVersion === undefined ? {} : { etag: versionETag(currentVersion) },
  )
}
