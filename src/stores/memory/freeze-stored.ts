/**
 * Freezing a batch's values in place, once, instead of copying them through JSON: the
 * memory store's append used to spend most of its time in `JSON.parse(JSON.stringify(…))`.
 *
 * A state shares every part a command did not change with the state before it, which the
 * store already holds. So the walk remembers what it has vetted (plain JSON, deep-frozen)
 * and stops there: an append pays for the parts the command changed, not for the ticket.
 *
 * @internal
 * @module
 */
import { TicketError } from '../../core/errors/ticket-error.js'

/**
 * Objects and arrays already checked to be plain JSON and deep-frozen. A frozen value
 * cannot change, so the verdict holds for good; the set is weak, so it keeps nothing alive.
 */
const vetted = new WeakSet<object>()

/** Deeper than any value a store would be handed; the walk stops there instead of overflowing the stack. */
const MAX_DEPTH = 64

/**
 * Checks that every value in `shared` and `once` is what JSON can hold (plain objects and
 * arrays, strings, finite numbers, booleans, `null`; an object property may be
 * `undefined`, as JSON drops it), then deep-freezes them. Nothing is frozen when the check
 * fails, so a rejected batch leaves the caller's values as they were.
 *
 * What is vetted under `shared` is remembered, so a later walk stops there: put what
 * later appends may share objects with (a ticket's states) there. `once` is for values
 * made new for every append (events, audit records): freezing them is enough, and
 * remembering them would cost a `WeakSet` entry per object for nothing (measured: about
 * 45 % of the walk's time). Keys become the first step of an error's path.
 *
 * @throws {TicketError} `VALIDATION` naming the path of the first value JSON cannot hold
 */
export function freezeStored(shared: Record<string, unknown>, once: Record<string, unknown>, label: string): void {
  const remembered: object[] = []
  const frozenOnly: object[] = []
  const problem = collectEach(shared, remembered) ?? collectEach(once, frozenOnly)
  if (problem !== null) {
    const path = [label, ...problem]
    throw new TicketError(
      'VALIDATION',
      `The memory store cannot keep ${path.join('.')}: it is not a JSON value, and nothing was written.`,
      {
        issues: [{ path, message: 'Expected a JSON value', code: 'custom' }],
      },
    )
  }
  for (const object of frozenOnly) Object.freeze(object)
  for (const object of remembered) {
    Object.freeze(object)
    vetted.add(object)
  }
}

/** {@link collect} for each value of `values`, its key first in a problem's path. */
function collectEach(values: Record<string, unknown>, fresh: object[]): (string | number)[] | null {
  for (const key in values) {
    const problem = collect(values[key], 0, fresh, true)
    if (problem !== null) return [key, ...problem]
  }
  return null
}

/**
 * Pushes every not-yet-vetted object under `value` onto `fresh`. Returns `null` when all
 * is JSON, otherwise the path to the first problem, built only on the way out (the happy
 * path allocates no path strings).
 */
function collect(value: unknown, depth: number, fresh: object[], isProperty: boolean): (string | number)[] | null {
  switch (typeof value) {
    case 'string':
    case 'boolean':
      return null
    case 'number':
      return Number.isFinite(value) ? null : []
    case 'undefined':
      return isProperty ? null : []
    case 'object': {
      if (value === null || vetted.has(value)) return null
      if (depth > MAX_DEPTH) return []
      if (Array.isArray(value)) {
        for (let index = 0; index < value.length; index++) {
          const problem = collect(value[index], depth + 1, fresh, false)
          if (problem !== null) return [index, ...problem]
        }
      } else {
        const proto = Object.getPrototypeOf(value)
        if (proto !== Object.prototype && proto !== null) return []
        for (const key in value) {
          const problem = collect((value as Record<string, unknown>)[key], depth + 1, fresh, true)
          if (problem !== null) return [key, ...problem]
        }
      }
      fresh.push(value)
      return null
    }
    default:
      return []
  }
}
