import { TicketError } from '../core/errors/ticket-error.js'

/** The most partitions a relay spreads tickets over. */
export const MAX_PARTITIONS = 1024

/**
 * The partition a ticket's events go to when a relay runs with `partitions`: the
 * 32-bit FNV-1a hash of the ticket id's UTF-16 code units, modulo `partitions`. Every
 * event of a ticket lands in the same partition, so one consumer per partition sees
 * each ticket's events in order. The function is fixed (it is part of the subject
 * layout): a consumer written in another language can compute the same number.
 *
 * This is a pure function. It throws a `VALIDATION` `TicketError` for a `partitions`
 * outside 1..1024.
 *
 * @example
 * ```ts
 * ticketPartition('0b7a6c3e-1f2d-4c5b-8a9e-0d1c2b3a4f5e', 8) // a number in 0..7, always the same
 * ```
 */
export function ticketPartition(ticketId: string, partitions: number): number {
  if (!Number.isInteger(partitions) || partitions < 1 || partitions > MAX_PARTITIONS) {
    throw new TicketError('VALIDATION', `Invalid partitions: expected a whole number in 1..${MAX_PARTITIONS}, got ${partitions}.`, {
      issues: [{ path: ['partitions'], message: `Expected a whole number in 1..${MAX_PARTITIONS}`, code: 'custom' }],
    })
  }
  let hash = 0x811c9dc5
  for (let index = 0; index < ticketId.length; index++) {
    hash ^= ticketId.charCodeAt(index)
    hash = Math.imul(hash, 0x01000193)
  }
  return (hash >>> 0) % partitions
}
