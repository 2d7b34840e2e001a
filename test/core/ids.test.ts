import fc from 'fast-check'
import { monotonicFactory, ulidToUUID } from 'ulid'
import { describe, expect, it } from 'vitest'
import { uuidFromUlid } from '../../src/core/ids/uuid-from-ulid.js'
import { createIdFactory, handle, isTicketError } from '../../src/index.js'
import { createTestContext, seededRandom } from '../../src/testing/index.js'
import { createPending } from '../support/core-fixtures.js'

const ULID = /^[0-7][0-9A-HJKMNP-TV-Z]{25}$/

describe('createIdFactory', () => {
  it('gives every new millisecond a random part of its own from the default source', () => {
    let time = Date.parse('2024-01-01T00:00:00Z')
    const newId = createIdFactory({ now: () => time++ })
    const randomParts = Array.from({ length: 200 }, () => newId().slice(10))
    expect(new Set(randomParts).size).toBe(randomParts.length)
  })

  it('makes ULIDs that strictly increase within one millisecond and when the clock goes back', () => {
    let time = Date.parse('2024-01-01T00:00:00Z')
    const newId = createIdFactory({ now: () => time })
    const ids = [newId(), newId(), newId()]
    time -= 5_000
    ids.push(newId(), newId())
    for (const id of ids) expect(id).toMatch(ULID)
    expect([...ids].sort()).toEqual(ids)
    expect(new Set(ids).size).toBe(ids.length)
  })

  it("gives the same ids as ulid's monotonicFactory for the same clock and prng", () => {
    const time = Date.parse('2024-03-04T05:06:07Z')
    const ours = createIdFactory({ now: () => time, random: seededRandom(42) })
    const theirs = monotonicFactory(seededRandom(42))
    expect([ours(), ours(), ours()]).toEqual([theirs(time), theirs(time), theirs(time)])
  })

  it("gives monotonicFactory's ids for any run of clock readings: forward, repeated and going back", () => {
    // It encodes the time once per millisecond instead of once per id; the ids must not change.
    const readings = fc.array(
      fc.oneof(fc.constant(0), fc.integer({ min: 1, max: 5 }), fc.integer({ min: -5_000, max: -1 }), fc.integer({ min: 1, max: 2 ** 32 })),
      { minLength: 1, maxLength: 60 },
    )
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 2 ** 40 }), readings, fc.integer({ min: 1, max: 2 ** 31 - 1 }), (start, steps, seed) => {
        let time = start
        const clock: number[] = steps.map((step) => {
          time = Math.min(Math.max(1, time + step), 2 ** 48 - 1)
          return time
        })
        let reading = 0
        const ours = createIdFactory({ now: () => clock[reading++] as number, random: seededRandom(seed) })
        const theirs = monotonicFactory(seededRandom(seed))
        expect(clock.map(() => ours())).toEqual(clock.map((at) => theirs(at)))
      }),
    )
  })

  it('repeats its ids for the same seed and differs for another', () => {
    const ids = (seed: number) => {
      const newId = createIdFactory({ now: () => 1_700_000_000_000, random: seededRandom(seed) })
      return [newId(), newId()]
    }
    expect(ids(7)).toEqual(ids(7))
    expect(ids(7)).not.toEqual(ids(8))
  })

  it('draws the random part from every one of the 32 characters by default, a new one each millisecond', () => {
    let time = Date.parse('2024-01-01T00:00:00Z')
    const newId = createIdFactory({ now: () => ++time })
    const ids = Array.from({ length: 2000 }, () => newId())
    for (const id of ids) expect(id).toMatch(ULID)
    expect(new Set(ids.map((id) => id.slice(10))).size).toBe(ids.length)
    // Each random position uses the whole alphabet (a skewed source would miss letters).
    for (const position of [10, 17, 25]) expect(new Set(ids.map((id) => id[position])).size).toBe(32)
  })

  it('refuses a clock that does not read whole milliseconds above 0 with VALIDATION', () => {
    for (const reading of [0, -1, 1.5, Number.NaN]) {
      const newId = createIdFactory({ now: () => reading })
      let error: unknown
      try {
        newId()
      } catch (caught) {
        error = caught
      }
      expect(isTicketError(error) && error.code).toBe('VALIDATION')
    }
  })

  it('makes createTestContext reproducible: two runs give byte-identical events', () => {
    const run = () => handle(null, createPending, createTestContext({ seed: 3 })).events
    expect(JSON.stringify(run())).toBe(JSON.stringify(run()))
  })
})

describe('uuidFromUlid', () => {
  it('keeps the 128 bits of the ULID except the version and variant it sets', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 2 ** 48 - 1 }), fc.integer({ min: 1, max: 2 ** 31 - 1 }), (time, seed) => {
        const id = monotonicFactory(seededRandom(seed))(time)
        const uuid = uuidFromUlid(id)
        // ulid's own conversion keeps every bit; ours sets version 7 and the RFC 9562 variant.
        const raw = ulidToUUID(id).toLowerCase()
        expect(uuid).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/)
        expect(uuid.slice(0, 14)).toBe(raw.slice(0, 14))
        expect(uuid.slice(15, 19)).toBe(raw.slice(15, 19))
        expect(Number.parseInt(uuid.charAt(19), 16) & 0x3).toBe(Number.parseInt(raw.charAt(19), 16) & 0x3)
        expect(uuid.slice(20)).toBe(raw.slice(20))
      }),
      { numRuns: 1000 },
    )
  })

  it('converts a known ULID and reads lowercase the same', () => {
    expect(uuidFromUlid('01ARZ3NDEKTSV4RRFFQ69G5FAV')).toBe('01563e3a-b5d3-7676-8c61-efb99302bd5b')
    expect(uuidFromUlid('01arz3ndektsv4rrffq69g5fav')).toBe('01563e3a-b5d3-7676-8c61-efb99302bd5b')
  })

  it('refuses what is not a ULID with VALIDATION', () => {
    for (const bad of ['', '01ARZ3NDEKTSV4RRFFQ69G5FA', '81ARZ3NDEKTSV4RRFFQ69G5FAV', '01ARZ3NDEKTSV4RRFFQ69G5FAU']) {
      expect(() => uuidFromUlid(bad)).toThrow(expect.objectContaining({ code: 'VALIDATION' }))
    }
  })
})
