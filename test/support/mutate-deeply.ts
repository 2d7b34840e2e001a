/**
 * Changes, in place, every array and object reachable from `value` that a caller could
 * change: pushes a marker into arrays, overwrites every property and adds one. Frozen
 * objects are skipped, as they would be for a caller (the memory store hands out
 * frozen copies); a frozen state that an event shared would still be found by the
 * production test project, where states are not frozen.
 */
export function mutateDeeply(value: unknown, seen = new Set<object>()): void {
  if (value === null || typeof value !== 'object' || seen.has(value)) return
  seen.add(value)
  if (Array.isArray(value)) {
    for (const item of value) mutateDeeply(item, seen)
    if (!Object.isFrozen(value)) value.push('mutated')
    return
  }
  const record = value as Record<string, unknown>
  for (const key of Object.keys(record)) mutateDeeply(record[key], seen)
  if (Object.isFrozen(record)) return
  for (const key of Object.keys(record)) record[key] = 'mutated'
  record['mutatedByTest'] = true
}

/** Every object and array reachable from `value`. */
export function reachableObjects(value: unknown, into = new Set<object>()): Set<object> {
  if (value === null || typeof value !== 'object' || into.has(value)) return into
  into.add(value)
  for (const child of Object.values(value)) reachableObjects(child, into)
  return into
}
