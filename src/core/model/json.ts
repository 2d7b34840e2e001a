import { findTextProblem } from './text.js'

/** A JSON value as stored in custom fields and event payloads. */
export type JsonValue = null | boolean | number | string | readonly JsonValue[] | { readonly [key: string]: JsonValue }

const MAX_DEPTH = 32

/** Keys that would reach an object's prototype if copied naively. */
export const FORBIDDEN_KEYS: ReadonlySet<string> = new Set(['__proto__', 'constructor', 'prototype'])

/**
 * Checks that `value` is plain JSON (finite numbers, plain objects and arrays, at most
 * 32 levels deep) with no prototype-reaching keys. With `storableText`, its strings and
 * keys must also be text every store keeps unchanged (no U+0000, no lone surrogates:
 * see {@link findTextProblem}), as command input must. Returns the path of the first
 * problem, or `null` when the value is fine.
 */
export function findJsonProblem(value: unknown, options: { readonly storableText?: boolean } = {}): JsonProblem | null {
  return walk(value, [], 0, options.storableText === true)
}

/** Where a value stops being acceptable JSON, and why. */
export interface JsonProblem {
  readonly path: (string | number)[]
  readonly message: string
}

function walk(value: unknown, path: (string | number)[], depth: number, storableText: boolean): JsonProblem | null {
  if (depth > MAX_DEPTH) return { path, message: `JSON nested deeper than ${MAX_DEPTH} levels` }
  if (value === null || typeof value === 'boolean') return null
  if (typeof value === 'string') {
    const problem = storableText ? findTextProblem(value) : null
    return problem === null ? null : { path, message: problem }
  }
  if (typeof value === 'number') return Number.isFinite(value) ? null : { path, message: 'Expected a finite number' }
  if (Array.isArray(value)) {
    for (let index = 0; index < value.length; index++) {
      const problem = walk(value[index], [...path, index], depth + 1, storableText)
      if (problem) return problem
    }
    return null
  }
  if (typeof value === 'object') {
    const proto = Object.getPrototypeOf(value)
    if (proto !== Object.prototype && proto !== null) return { path, message: 'Expected a plain JSON object' }
    for (const key of Object.keys(value)) {
      if (FORBIDDEN_KEYS.has(key)) return { path: [...path, key], message: `Key "${key}" is not allowed` }
      const keyProblem = storableText ? findTextProblem(key) : null
      if (keyProblem !== null) return { path: [...path, key], message: `Key: ${keyProblem}` }
      const problem = walk((value as Record<string, unknown>)[key], [...path, key], depth + 1, storableText)
      if (problem) return problem
    }
    return null
  }
  return { path, message: `Expected a JSON value, received ${typeof value}` }
}

/** Deep-copies a JSON value, so state never shares objects with event payloads. */
export function cloneJson<T extends JsonValue>(value: T): T {
  if (value === null || typeof value !== 'object') return value
  if (Array.isArray(value)) return value.map((item) => cloneJson(item as JsonValue)) as unknown as T
  const copy: Record<string, JsonValue> = {}
  for (const key of Object.keys(value)) copy[key] = cloneJson((value as Record<string, JsonValue>)[key] as JsonValue)
  return copy as T
}
