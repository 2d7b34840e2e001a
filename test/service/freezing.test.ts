import { describe, expect, it } from 'vitest'
import { isTicketError } from '../../src/index.js'
import { createTicketService } from '../../src/service/index.js'
import { memoryStore } from '../../src/stores/memory/index.js'
import { ALICE, createCommand, TICKET, uuid } from './service-fixtures.js'

describe('the freeze option of the ticket service', () => {
  it('leaves states unfrozen when told so, for execute and load alike, over a store that keeps copies', async () => {
    const tickets = createTicketService({ store: memoryStore({ supportsSnapshots: false, freezeInPlace: false }), freeze: false })
    await tickets.execute(TICKET, createCommand())
    const { state } = await tickets.execute(TICKET, { type: 'tag', tagId: uuid(7, 1) })
    expect(Object.isFrozen(state)).toBe(false)
    expect(Object.isFrozen(state.tags)).toBe(false)
    const loaded = await tickets.load(TICKET)
    expect(loaded).toEqual(state)
    expect(Object.isFrozen(loaded)).toBe(false)
  })

  it('hands back what the default memory store froze in place from execute, even when told not to freeze', async () => {
    const tickets = createTicketService({ store: memoryStore({ supportsSnapshots: false }), freeze: false })
    await tickets.execute(TICKET, createCommand())
    const { state, events } = await tickets.execute(TICKET, { type: 'tag', tagId: uuid(7, 1) })
    expect(Object.isFrozen(state)).toBe(true)
    expect(Object.isFrozen(state.tags)).toBe(true)
    expect(Object.isFrozen(events[0]?.payload)).toBe(true)
    // load folds the stored events into a new state, which the service does not freeze.
    expect(await tickets.load(TICKET)).toEqual(state)
  })

  it('deep-freezes states when told so, for execute and load alike', async () => {
    const tickets = createTicketService({ store: memoryStore({ supportsSnapshots: false }), freeze: true })
    await tickets.execute(TICKET, createCommand())
    const { state } = await tickets.execute(TICKET, { type: 'assign', assigneeId: ALICE })
    expect(Object.isFrozen(state)).toBe(true)
    expect(Object.isFrozen(state.comments)).toBe(true)
    expect(Object.isFrozen(await tickets.load(TICKET))).toBe(true)
  })

  it('refuses a freeze option that is not a boolean with VALIDATION', () => {
    let error: unknown
    try {
      createTicketService({ store: memoryStore(), freeze: 'yes' as unknown as boolean })
    } catch (caught) {
      error = caught
    }
    expect(isTicketError(error) && error.issues[0]?.path).toEqual(['freeze'])
  })
})
