import { describe, expect, it } from 'vitest'
import { config } from 'zod/mini'
import { parseWith, uuidSchema } from '../../src/schemas/index.js'
import { ALICE, createPending, given, handleUntyped, rejection } from '../support/core-fixtures.js'

// The schemas are built with `zod/mini`, which loads no locale: without the English
// messages the library passes per parse, every built-in check would read "Invalid input".
describe('validation messages', () => {
  const { state } = given(createPending)

  it('names an unknown key in English', () => {
    const error = rejection(() => handleUntyped(state, { type: 'assign', assigneeId: ALICE, colour: 'red' }))
    expect(error.issues).toEqual([{ path: [], message: 'Unrecognized key: "colour"', code: 'unrecognized_keys' }])
  })

  it('states the limit a number or a string went past', () => {
    const score = rejection(() => handleUntyped(state, { type: 'receiveCsat', score: 9 }))
    expect(score.issues[0]).toMatchObject({ path: ['score'], message: 'Too big: expected number to be <=5' })
    const summary = rejection(() => handleUntyped(state, { type: 'update', summary: 'x'.repeat(10_001) }))
    expect(summary.issues[0]).toMatchObject({ path: ['summary'], message: 'Too big: expected string to have <=10000 characters' })
    expect(summary.message).toBe('Invalid command: summary: Too big: expected string to have <=10000 characters')
  })

  it('lists the allowed values of an enum', () => {
    const error = rejection(() => handleUntyped(state, { type: 'update', status: 'open' }))
    expect(error.issues[0]?.message).toBe('Invalid option: expected one of "pending"|"ongoing"|"completed"')
  })

  it('keeps the messages a schema sets itself', () => {
    expect(rejection(() => parseWith(uuidSchema, 42, 'id')).issues[0]?.message).toBe('Expected a UUID')
  })

  it("leaves zod's global configuration as it found it", () => {
    rejection(() => handleUntyped(state, { type: 'receiveCsat', score: 9 }))
    expect(config().localeError).toBeUndefined()
    expect(config().customError).toBeUndefined()
  })
})
