import { jsonByteLength, jsonStringByteLength } from './json-byte-length.js'

/** The text that replaces a content field cut to make a payload fit (webhook events reference). */
export const TRUNCATION_MARKER = 'Payload too large. Use API instead'

/** One field replaced by the truncation marker. */
export interface TruncatedField {
  /** A JSONPath to the field, e.g. `$.payload.ticket.comments["0190…"].body`. */
  readonly path: string
  /** The same location as keys and indexes, for programmatic use. */
  readonly segments: readonly (string | number)[]
  /** The field's serialized size before it was replaced, in UTF-8 bytes. */
  readonly bytes: number
}

/** What {@link fitToSize} produced. */
export interface FitResult<T> {
  /** The value, with the replaced fields (a copy along their paths; everything else shared). */
  readonly value: T
  /** Replaced fields, largest first; empty when the value already fitted. */
  readonly truncated: readonly TruncatedField[]
  /** Serialized size before any replacement, in UTF-8 bytes. */
  readonly originalBytes: number
  /** Serialized size of `value`, in UTF-8 bytes. */
  readonly bytes: number
}

interface Candidate {
  readonly segments: readonly (string | number)[]
  readonly bytes: number
  readonly order: number
}

/**
 * Replaces the largest content fields of `value` with {@link TRUNCATION_MARKER} until
 * its JSON serialization fits in `maxBytes` UTF-8 bytes. Returns `null` when it cannot
 * fit even with every content field replaced.
 *
 * Linear in the size of the data: every field is measured once, and replacing one
 * subtracts its measured size instead of serializing again.
 *
 * @internal
 */
export function fitToSize<T>(
  value: T,
  maxBytes: number,
  isContent: (path: readonly (string | number)[], value: unknown, parent: unknown) => boolean,
): FitResult<T> | { readonly value: null; readonly originalBytes: number; readonly minimumBytes: number } {
  const markerBytes = jsonStringByteLength(TRUNCATION_MARKER)
  const candidates: Candidate[] = []
  const originalBytes = jsonByteLength(value, (path, field, bytes, parent) => {
    // Replacing a field no larger than the marker would not make the payload smaller.
    if (bytes > markerBytes && isContent(path, field, parent)) candidates.push({ segments: [...path], bytes, order: candidates.length })
  })
  if (originalBytes <= maxBytes) return { value, truncated: [], originalBytes, bytes: originalBytes }

  // Largest first; equal sizes in document order, so the outcome is deterministic.
  candidates.sort((a, b) => b.bytes - a.bytes || a.order - b.order)
  let bytes = originalBytes
  const chosen: Candidate[] = []
  for (const candidate of candidates) {
    if (bytes <= maxBytes) break
    bytes -= candidate.bytes - markerBytes
    chosen.push(candidate)
  }
  if (bytes > maxBytes) return { value: null, originalBytes, minimumBytes: bytes }

  const truncated = chosen.map((candidate) => ({
    path: toJsonPath(candidate.segments),
    segments: candidate.segments,
    bytes: candidate.bytes,
  }))
  return { value: replaceAt(value, chosen), truncated, originalBytes, bytes }
}

/** A nested map of the locations to replace; `true` marks a leaf. */
type ReplacementTree = Map<string | number, ReplacementTree | true>

function replaceAt<T>(value: T, chosen: readonly Candidate[]): T {
  const root: ReplacementTree = new Map()
  for (const { segments } of chosen) {
    let node = root
    segments.forEach((segment, index) => {
      if (index === segments.length - 1) {
        node.set(segment, true)
        return
      }
      let child = node.get(segment)
      if (child === undefined || child === true) {
        child = new Map()
        node.set(segment, child)
      }
      node = child
    })
  }
  return copyWith(value, root) as T
}

// Copies only the objects on the way to a replaced field; untouched branches are shared.
function copyWith(value: unknown, tree: ReplacementTree): unknown {
  const copy = (Array.isArray(value) ? [...value] : { ...(value as Record<string, unknown>) }) as Record<string | number, unknown>
  for (const [key, child] of tree) {
    copy[key] = child === true ? TRUNCATION_MARKER : copyWith(copy[key], child)
  }
  return copy
}

const IDENTIFIER = /^[A-Za-z_$][A-Za-z0-9_$]*$/

/** Formats path segments as JSONPath: `$.payload.ticket.comments["id"].body`, `$.payload.changes[0].to`. */
export function toJsonPath(segments: readonly (string | number)[]): string {
  let path = '$'
  for (const segment of segments) {
    if (typeof segment === 'number') path += `[${segment}]`
    else if (IDENTIFIER.test(segment)) path += `.${segment}`
    else path += `[${JSON.stringify(segment)}]`
  }
  return path
}
