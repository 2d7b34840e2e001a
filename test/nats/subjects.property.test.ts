import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { EVENT_TYPES, isTicketError, type TicketEvent, type TicketEventType } from '../../src/index.js'
import { decodeEventMessage } from '../../src/nats/event-message.js'
import { MAX_PARTITIONS, ticketPartition, ticketSubject, ticketSubjectFilter } from '../../src/nats/index.js'
import { isPublishableSubject } from '../../src/nats/subjects.js'
import { arbEventStream } from '../../src/testing/index.js'

const runs = { numRuns: 1000 }

/** NATS subject matching: `*` matches one token, a final `>` one or more. */
function matches(filter: string, subject: string): boolean {
  const wanted = filter.split('.')
  const tokens = subject.split('.')
  for (const [index, token] of wanted.entries()) {
    if (token === '>') return tokens.length > index
    if (index >= tokens.length) return false
    if (token !== '*' && token !== tokens[index]) return false
  }
  return tokens.length === wanted.length
}

const arbType = fc.constantFrom(...EVENT_TYPES)
const arbPrefix = fc.constantFrom('tickets', 'prod.tickets', 'te_1-a')
const arbEvent = fc.record({ type: arbType, ticketId: fc.uuid(), workspaceId: fc.uuid() })
const arbPartitions = fc.integer({ min: 1, max: MAX_PARTITIONS })

describe('subject layout', () => {
  it('puts every ticket in one partition in range, the same every time', () => {
    fc.assert(
      fc.property(fc.string(), arbPartitions, (ticketId, partitions) => {
        const partition = ticketPartition(ticketId, partitions)
        expect(Number.isInteger(partition) && partition >= 0 && partition < partitions).toBe(true)
        expect(ticketPartition(ticketId, partitions)).toBe(partition)
      }),
      runs,
    )
  })

  it('spreads uuids over every partition roughly evenly', () => {
    const counts = new Array<number>(8).fill(0)
    fc.assert(
      fc.property(fc.uuid(), (ticketId) => {
        counts[ticketPartition(ticketId, 8)] = (counts[ticketPartition(ticketId, 8)] ?? 0) + 1
      }),
      { numRuns: 8000 },
    )
    for (const count of counts) expect(count).toBeGreaterThan(700)
  })

  it('refuses a partition count outside 1..1024 with VALIDATION', () => {
    for (const partitions of [0, -1, 1.5, 1025, Number.NaN]) {
      let caught: unknown
      try {
        ticketPartition('ticket', partitions)
      } catch (error) {
        caught = error
      }
      expect(isTicketError(caught) && caught.code === 'VALIDATION').toBe(true)
    }
  })

  it('names a publishable subject that the filter of its type and partition selects, and no other type’s or partition’s filter does', () => {
    fc.assert(
      fc.property(arbEvent, arbPrefix, fc.option(arbPartitions, { nil: undefined }), arbType, (event, prefix, partitions, otherType) => {
        const subject = ticketSubject(event, { prefix, ...(partitions === undefined ? {} : { partitions }) })
        expect(isPublishableSubject(subject)).toBe(true)
        const partition = partitions === undefined ? undefined : ticketPartition(event.ticketId, partitions)
        const filterFor = (types?: readonly TicketEventType[], wantedPartition = partition) =>
          ticketSubjectFilter({
            prefix,
            ...(types ? { types } : {}),
            ...(wantedPartition === undefined ? {} : { partition: wantedPartition }),
          })
        const selects = (filters: readonly string[]) => filters.some((filter) => matches(filter, subject))
        expect(selects(filterFor())).toBe(true)
        expect(selects(filterFor([event.type]))).toBe(true)
        expect(selects(filterFor([otherType, event.type]))).toBe(true)
        if (otherType !== event.type) expect(selects(filterFor([otherType]))).toBe(false)
        if (partition !== undefined && partitions !== undefined && partitions > 1) {
          expect(selects(filterFor(undefined, (partition + 1) % partitions))).toBe(false)
        }
        if (partitions === undefined) expect(subject).toBe(`${prefix}.${event.workspaceId}.${event.type.replaceAll(':', '.')}`)
      }),
      runs,
    )
  })
})

describe('event messages', () => {
  it('reads back every generated event from its JSON body', () => {
    fc.assert(
      fc.property(arbEventStream(), (events) => {
        for (const event of events) {
          const decoded: TicketEvent = decodeEventMessage(new TextEncoder().encode(JSON.stringify(event)))
          expect(decoded).toEqual(event)
        }
      }),
      { numRuns: 200 },
    )
  })

  it('refuses bodies that are not ticket events with VALIDATION', () => {
    fc.assert(
      fc.property(fc.oneof(fc.jsonValue(), fc.record({ id: fc.string(), type: fc.string(), version: fc.integer() })), (body) => {
        let caught: unknown
        try {
          decodeEventMessage(new TextEncoder().encode(JSON.stringify(body)))
        } catch (error) {
          caught = error
        }
        expect(isTicketError(caught) && caught.code === 'VALIDATION').toBe(true)
      }),
      runs,
    )
  })
})
