import { describe, expect, it } from 'vitest'
import { type Command, handle } from '../../src/index.js'
import { ALICE, auditEventsOf, BOB, COMMENT, createPending, given, rejection, SURVEY, types } from '../support/core-fixtures.js'

const addComment = { type: 'addComment', commentId: COMMENT, body: 'My card number is 4111 1111', public: true, authorId: ALICE } as const

describe('comments', () => {
  it('adds a comment with its author, body and creation time', () => {
    const { state, last } = given(createPending, addComment)
    expect(types(last)).toEqual(['ticket:comment:added'])
    expect(state.comments[COMMENT]).toMatchObject({
      id: COMMENT,
      authorId: ALICE,
      body: addComment.body,
      htmlBody: null,
      public: true,
      reactions: {},
      redactions: 0,
    })
    expect(auditEventsOf(last.audit)).toEqual([
      {
        type: 'Comment',
        comment_id: COMMENT,
        body: addComment.body,
        html_body: null,
        public: true,
        author_id: ALICE,
        created_at: state.comments[COMMENT]?.createdAt,
        attachments: [],
      },
    ])
  })

  it('rejects a comment id that already exists with ALREADY_EXISTS', () => {
    const { state } = given(createPending, addComment)
    expect(rejection(() => handle(state, addComment)).code).toBe('ALREADY_EXISTS')
  })

  it('edits a comment and keeps the previous body in the event', () => {
    const { state, last } = given(createPending, addComment, { type: 'editComment', commentId: COMMENT, body: 'Edited' })
    expect(last.events[0]?.payload).toMatchObject({ body: 'Edited', previousBody: addComment.body })
    expect(state.comments[COMMENT]?.body).toBe('Edited')
    expect(handle(state, { type: 'editComment', commentId: COMMENT, body: 'Edited' }).events).toEqual([])
  })

  it('rejects edits, reactions and deletions of an unknown comment with NOT_FOUND', () => {
    const { state } = given(createPending)
    for (const command of [
      { type: 'editComment', commentId: COMMENT, body: 'x' },
      { type: 'deleteComment', commentId: COMMENT },
      { type: 'react', commentId: COMMENT, emoji: '👍', userId: BOB },
      { type: 'setCommentPrivacy', commentId: COMMENT, public: false },
    ] satisfies Command[]) {
      expect(rejection(() => handle(state, command)).code).toBe('NOT_FOUND')
    }
  })

  it('deletes a comment', () => {
    const { state, last } = given(createPending, addComment, { type: 'deleteComment', commentId: COMMENT })
    expect(types(last)).toEqual(['ticket:comment:deleted'])
    expect(state.comments[COMMENT]).toBeUndefined()
  })

  it('adds and removes reactions as sets of users per emoji', () => {
    const react = { type: 'react', commentId: COMMENT, emoji: '👍', userId: BOB } as const
    const { state } = given(createPending, addComment, react)
    expect(state.comments[COMMENT]?.reactions).toEqual({ '👍': [BOB] })
    expect(handle(state, react).events).toEqual([])
    const removed = handle(state, { ...react, type: 'unreact' })
    expect(types(removed)).toEqual(['ticket:comment:reaction:removed'])
    expect(removed.state.comments[COMMENT]?.reactions).toEqual({})
    expect(handle(removed.state, { ...react, type: 'unreact' }).events).toEqual([])
  })

  it('redacts text from a comment without putting the redacted text in the event', () => {
    const { state, last } = given(createPending, addComment, { type: 'redactComment', commentId: COMMENT, text: '4111 1111' })
    expect(state.comments[COMMENT]?.body).toBe('My card number is ▇▇▇▇▇▇▇▇▇')
    expect(state.comments[COMMENT]?.redactions).toBe(1)
    expect(JSON.stringify(last.events)).not.toContain('4111')
    expect(auditEventsOf(last.audit)).toEqual([{ type: 'CommentRedactionEvent', comment_id: COMMENT }])
    expect(handle(state, { type: 'redactComment', commentId: COMMENT, text: '4111 1111' }).events).toEqual([])
  })

  it('changes a comment privacy and records a CommentPrivacyChange', () => {
    const { state, last } = given(createPending, addComment, { type: 'setCommentPrivacy', commentId: COMMENT, public: false })
    expect(state.comments[COMMENT]?.public).toBe(false)
    expect(auditEventsOf(last.audit)).toEqual([{ type: 'CommentPrivacyChange', comment_id: COMMENT, public: false }])
  })
})

describe('CSAT', () => {
  it('sends a survey and records SurveyOffered with the assignee and team at the time', () => {
    const { state, last } = given(createPending, { type: 'assign', assigneeId: ALICE }, { type: 'sendCsat', surveyId: SURVEY })
    expect(state.csat).toMatchObject({ surveyId: SURVEY, score: null })
    expect(auditEventsOf(last.audit)).toEqual([
      {
        type: 'SurveyOffered',
        survey_id: SURVEY,
        survey_type: 'CustomerSatisfaction',
        assigned_user_id: ALICE,
        assigned_group_id: state.ticketingTeamId,
      },
    ])
  })

  it('receives a rating and records SatisfactionRating', () => {
    const { state, last } = given(
      createPending,
      { type: 'sendCsat', surveyId: SURVEY },
      { type: 'receiveCsat', score: 5, comment: 'Great' },
    )
    expect(state.csat).toMatchObject({ score: 5, comment: 'Great' })
    expect(last.audit?.events[0]).toMatchObject({ type: 'SatisfactionRating', score: 'good', body: 'Great' })
  })

  it('rejects a rating when no survey was sent with NOT_FOUND', () => {
    const { state } = given(createPending)
    expect(rejection(() => handle(state, { type: 'receiveCsat', score: 4 })).code).toBe('NOT_FOUND')
  })
})

describe('SLA', () => {
  const breach = {
    type: 'recordSlaBreach',
    metric: 'first_reply_time',
    target: { minutes: 60, inBusinessHours: true },
    at: '2024-05-01T10:00:00+02:00',
  } as const

  it('records a breach with its target and normalises the time to UTC', () => {
    const { state, last } = given(createPending, breach)
    expect(types(last)).toEqual(['ticket:sla:breached'])
    expect(state.sla.first_reply_time).toEqual({
      target: { minutes: 60, inBusinessHours: true },
      warnedAt: null,
      breachedAt: '2024-05-01T08:00:00.000Z',
    })
    expect(auditEventsOf(last.audit)).toEqual([
      {
        type: 'Change',
        field_name: 'first_reply_time',
        value: { minutes: 60, in_business_hours: true, warned_at: null, breached_at: '2024-05-01T08:00:00.000Z' },
        previous_value: null,
      },
    ])
  })

  it('accepts a second breach of the same metric as a no-op, and a warning after a breach too', () => {
    const { state } = given(createPending, breach)
    expect(handle(state, breach).events).toEqual([])
    expect(handle(state, { ...breach, type: 'recordSlaWarning' }).events).toEqual([])
  })

  it('records a warning before the breach', () => {
    const { state } = given(createPending, { ...breach, type: 'recordSlaWarning' }, breach)
    expect(state.sla.first_reply_time?.warnedAt).not.toBeNull()
    expect(state.sla.first_reply_time?.breachedAt).not.toBeNull()
  })
})

describe('markViewed', () => {
  it('sets lastViewedAt without moving updatedAt', () => {
    const { state, last } = given(createPending, { type: 'markViewed', userId: ALICE })
    expect(types(last)).toEqual(['ticket:viewed'])
    expect(state.lastViewedAt).toBe(last.events[0]?.occurredAt)
    expect(state.updatedAt).toBe(state.createdAt)
  })
})
