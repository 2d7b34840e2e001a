import { afterEach, describe, expect, it, vi } from 'vitest'
import { cryptoRandom } from '../../src/core/ids/crypto-random.js'
import { createIdFactory } from '../../src/index.js'

const ULID = /^[0-7][0-9A-HJKMNP-TV-Z]{25}$/

describe('the default random source of ids', () => {
  afterEach(() => {
    vi.restoreAllMocks()
  })

  it('asks Web Crypto once per 256 numbers and hands out each number once', () => {
    const calls = vi.spyOn(globalThis.crypto, 'getRandomValues')
    const random = cryptoRandom() as () => number
    const numbers = Array.from({ length: 600 }, () => random())
    expect(calls).toHaveBeenCalledTimes(3)
    for (const number of numbers) {
      expect(number).toBeGreaterThanOrEqual(0)
      expect(number).toBeLessThan(1)
    }
    // 600 draws of 32 bits: a repeat would mean a block was handed out twice.
    expect(new Set(numbers).size).toBe(600)
  })

  it('spreads its numbers over [0, 1)', () => {
    const random = cryptoRandom() as () => number
    const buckets = new Array<number>(32).fill(0)
    for (let draw = 0; draw < 32_000; draw++) buckets[Math.floor(random() * 32)]! += 1
    // 1,000 expected per bucket; 700 is more than 9 standard deviations away.
    for (const count of buckets) expect(count).toBeGreaterThan(700)
  })

  it('is what createIdFactory uses when no random source is given, for new milliseconds and within one', () => {
    const calls = vi.spyOn(globalThis.crypto, 'getRandomValues')
    let time = Date.parse('2024-01-01T00:00:00Z')
    const newId = createIdFactory({ now: () => time })
    const ids: string[] = []
    for (let step = 0; step < 40; step++) {
      if (step % 2 === 0) time += 1
      ids.push(newId())
    }
    for (const id of ids) expect(id).toMatch(ULID)
    expect([...ids].sort()).toEqual(ids)
    // 20 new milliseconds × 16 characters = 320 numbers: two blocks, not 320 calls.
    expect(calls).toHaveBeenCalledTimes(2)
  })
})
