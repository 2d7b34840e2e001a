import { produce, setAutoFreeze } from 'immer'
import { afterEach, describe, expect, it } from 'vitest'
import { FREEZES_BY_DEFAULT, handle, replay, type Ticket } from '../../src/index.js'
import { ALICE, COMMENT, createPending, given, TAG_A } from '../support/core-fixtures.js'

/** Whether `value` and everything reachable from it is frozen. */
function deeplyFrozen(value: unknown): boolean {
  if (value === null || typeof value !== 'object') return true
  return Object.isFrozen(value) && Object.values(value).every(deeplyFrozen)
}

const withComment = () =>
  given(createPending, { type: 'tag', tagId: TAG_A }, { type: 'addComment', commentId: COMMENT, body: 'Hi', public: true, authorId: ALICE })

describe('freezing', () => {
  afterEach(() => setAutoFreeze(true))

  it('freezes states by default in development (the test default)', () => {
    expect(FREEZES_BY_DEFAULT).toBe(true)
    expect(deeplyFrozen(withComment().state)).toBe(true)
  })

  it('freezes or not as ctx.freeze says, whatever the default', () => {
    const { state } = withComment()
    const now = () => new Date('2024-06-01T00:00:00Z')
    const react = { type: 'react', commentId: COMMENT, emoji: '👍', userId: ALICE } as const
    const frozen = handle(state, react, { now, freeze: true }).state
    const unfrozen = handle(state, react, { now, freeze: false }).state
    expect(deeplyFrozen(frozen)).toBe(true)
    expect(Object.isFrozen(unfrozen)).toBe(false)
    expect(Object.isFrozen(unfrozen.comments)).toBe(false)
    expect(unfrozen).toEqual(frozen)
    expect(Object.isFrozen(handle(null, createPending, { freeze: false }).state)).toBe(false)
  })

  it('freezes or not as replay is told', () => {
    const { events } = given(createPending).last
    expect(deeplyFrozen(replay(events, null, { freeze: true }))).toBe(true)
    expect(Object.isFrozen(replay(events, null, { freeze: false }))).toBe(false)
  })

  it("ignores the user's global immer settings and leaves them as they were", () => {
    setAutoFreeze(false)
    const { state } = withComment()
    expect(deeplyFrozen(handle(state, { type: 'assign', assigneeId: ALICE }).state)).toBe(true)
    setAutoFreeze(true)
    handle(state, { type: 'assign', assigneeId: ALICE }, { freeze: false })
    const theirs = produce({ a: { b: 1 } }, (draft) => {
      draft.a.b = 2
    })
    expect(Object.isFrozen(theirs.a)).toBe(true)
  })

  it('shares every part a command does not write with the state before it', () => {
    const { state } = withComment()
    const tagged = handle(state, { type: 'tag', tagId: ALICE }, { freeze: false }).state
    expect(tagged.tags).not.toBe(state.tags)
    expect(tagged.comments).toBe(state.comments)
    expect(tagged.customFields).toBe(state.customFields)
    const reacted = handle(state, { type: 'react', commentId: COMMENT, emoji: '👍', userId: ALICE }).state
    expect(reacted.comments).not.toBe(state.comments)
    expect(reacted.comments[COMMENT]?.attachments).toBe(state.comments[COMMENT]?.attachments)
    expect(reacted.tags).toBe(state.tags)
  })

  it('never shares objects between a replayed state and its snapshot or events', () => {
    const { state: snapshot } = withComment()
    const tail = handle(snapshot, { type: 'react', commentId: COMMENT, emoji: '👍', userId: ALICE }).events
    const replayed = replay(tail, snapshot, { freeze: false }) as Ticket
    expect(replayed.comments[COMMENT]?.reactions).toEqual({ '👍': [ALICE] })
    expect(replayed.tags).not.toBe(snapshot.tags)
    expect(replayed.comments[COMMENT]?.attachments).not.toBe(snapshot.comments[COMMENT]?.attachments)
    const added = tail.find((event) => event.type === 'ticket:comment:reaction:added')
    expect(added?.payload).not.toBe(replayed.comments[COMMENT]?.reactions)
  })
})
