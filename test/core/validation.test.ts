import { describe, expect, it } from 'vitest'
import { isTicketError, parseCommand } from '../../src/index.js'
import { ALICE, createPending, given, handleUntyped, rejection } from '../support/core-fixtures.js'

describe('command validation', () => {
  const { state } = given(createPending)

  it.each([
    ['null', null],
    ['a string', 'takeover'],
    ['a number', 7],
    ['an array', []],
  ])('rejects %s with VALIDATION at the root', (_label, input) => {
    const error = rejection(() => handleUntyped(state, input))
    expect(error.code).toBe('VALIDATION')
    expect(error.issues[0]?.path).toEqual([])
  })

  it.each([
    ['an unknown type', { type: 'reopen' }],
    ['an object without a type', {}],
  ])('rejects %s with VALIDATION at the path "type"', (_label, input) => {
    const error = rejection(() => handleUntyped(state, input))
    expect(error.code).toBe('VALIDATION')
    expect(error.issues[0]?.path).toEqual(['type'])
  })

  it('rejects a missing field with its path', () => {
    const error = rejection(() => handleUntyped(state, { type: 'takeover' }))
    expect(error.issues.map((issue) => issue.path)).toEqual([['assigneeId']])
  })

  it('rejects a non-UUID id with its path', () => {
    const error = rejection(() => handleUntyped(state, { type: 'tag', tagId: '42' }))
    expect(error.issues[0]).toMatchObject({ path: ['tagId'], message: 'Expected a UUID' })
    expect(error.message).toContain('tagId')
  })

  it('rejects unknown keys, including a __proto__ key from JSON', () => {
    const error = rejection(() => handleUntyped(state, JSON.parse(`{"type":"assign","assigneeId":"${ALICE}","__proto__":{"admin":true}}`)))
    expect(error.code).toBe('VALIDATION')
    expect(error.issues[0]?.code).toBe('unrecognized_keys')
  })

  it('rejects a __proto__ custom field and prototype-reaching keys nested in values', () => {
    const top = rejection(() => handleUntyped(state, JSON.parse('{"type":"update","customFields":{"__proto__":{"admin":true}}}')))
    expect(top.issues[0]?.path).toEqual(['customFields', '__proto__'])
    const nested = rejection(() => handleUntyped(state, JSON.parse('{"type":"update","customFields":{"plan":{"a":{"constructor":1}}}}')))
    expect(nested.code).toBe('VALIDATION')
    expect(nested.issues[0]?.path).toEqual(['customFields', 'plan'])
    expect(({} as Record<string, unknown>).admin).toBeUndefined()
  })

  it('rejects non-JSON custom field values such as NaN, functions and dates', () => {
    for (const value of [Number.NaN, Number.POSITIVE_INFINITY, () => 1, new Date(), undefined]) {
      expect(rejection(() => handleUntyped(state, { type: 'update', customFields: { plan: value } })).code).toBe('VALIDATION')
    }
  })

  it('rejects a create with a mistyped status', () => {
    const error = rejection(() => handleUntyped(null, { ...createPending, status: 'open' }))
    expect(error.issues[0]?.path).toEqual(['status'])
  })

  it('throws only TicketError, also from parseCommand', () => {
    try {
      parseCommand({ type: 'assign', assigneeId: 12 })
      expect.unreachable()
    } catch (error) {
      expect(isTicketError(error)).toBe(true)
      expect(error).toBeInstanceOf(Error)
      expect((error as Error).name).toBe('TicketError')
    }
  })

  it('recognises a TicketError from another copy of the library by its brand', () => {
    const foreign = Object.assign(new Error('x'), { [Symbol.for('ticket-events.TicketError')]: true })
    expect(isTicketError(foreign)).toBe(true)
    expect(isTicketError(new Error('x'))).toBe(false)
    expect(isTicketError(null)).toBe(false)
  })

  it('rejects a clock that returns an invalid date with VALIDATION', () => {
    expect(rejection(() => handleUntyped(state, { type: 'markViewed', userId: ALICE }, { now: () => new Date('nope') })).code).toBe(
      'VALIDATION',
    )
  })
})
