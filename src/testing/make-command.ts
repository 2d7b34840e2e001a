import type { Command } from '../core/model/command.js'
import type { JsonValue } from '../core/model/json.js'
import {
  PRIORITIES,
  SENTIMENTS,
  SLA_METRICS,
  STATUS_TRANSITIONS,
  TICKET_STATUSES,
  TICKET_TYPES,
  type Ticket,
  type TicketComment,
} from '../core/model/ticket.js'
import type { CommandStep } from './command-step.js'
import type { IdPool } from './id-pool.js'

type Maker = (ticket: Ticket, step: CommandStep, pool: IdPool) => Command

const EMOJIS = ['👍', '🎉', '❤️', '👀'] as const
const CROCKFORD = '0123456789ABCDEFGHJKMNPQRSTVWXYZ'

const pick = <T>(items: readonly T[], index: number): T => items[index % items.length] as T

/**
 * Makes one command that fits `ticket` from a step's random choices, or `null` when
 * no command fits (the ticket is deleted). With a `null` ticket it makes a `create`.
 * The command may be a no-op (for example tagging a tag already present): those are
 * valid commands too, and the properties check they emit nothing.
 */
export function makeCommand(ticket: Ticket | null, step: CommandStep, pool: IdPool): Command | null {
  if (ticket === null) return makeCreate(step, pool)
  if (ticket.deleted) return null
  if (ticket.archived) return step.rare === 0 ? { type: 'delete' } : { type: 'unarchive' }
  if (step.rare === 0) return { type: 'delete' }
  if (step.rare === 1) return { type: 'archive' }
  const makers = makersFor(ticket)
  return pick(makers, step.kind)(ticket, step, pool)
}

function makeCreate(step: CommandStep, pool: IdPool): Command {
  const status = pick(TICKET_STATUSES, step.a)
  return {
    type: 'create',
    workspaceId: pool.workspaceId,
    chatId: pick(pool.chatIds, step.a),
    ticketingTeamId: step.flag ? pick(pool.teamIds, step.b) : null,
    assigneeId: status === 'pending' ? null : pick(pool.userIds, step.b),
    status,
    ...(step.kind % 2 === 0 ? { summary: step.text } : {}),
    ...(step.kind % 3 === 0 ? { priority: pick(PRIORITIES, step.b) } : {}),
    ...(step.kind % 5 === 0 ? { ticketType: pick(TICKET_TYPES, step.a) } : {}),
    ...(step.kind % 4 === 0 ? { tags: [pick(pool.tagIds, step.a), pick(pool.tagIds, step.b)] } : {}),
    ...(step.kind % 7 === 0 ? { customFields: { [pick(pool.fieldIds, step.a)]: step.json } } : {}),
  }
}

function makersFor(ticket: Ticket): Maker[] {
  const makers: Maker[] = [assign, tag, untag, update, escalate, migrate, addComment, sendCsat, slaBreach, slaWarning, markViewed]
  if (ticket.status === 'pending') makers.push(takeover, takeover)
  if (ticket.status !== 'completed') makers.push(complete)
  if (ticket.csat) makers.push(receiveCsat)
  if (Object.keys(ticket.comments).length > 0) makers.push(editComment, deleteComment, react, unreact, redactComment, setCommentPrivacy)
  return makers
}

const takeover: Maker = (_ticket, step, pool) => ({ type: 'takeover', assigneeId: pick(pool.userIds, step.a) })
const assign: Maker = (_ticket, step, pool) => ({ type: 'assign', assigneeId: step.b % 5 === 0 ? null : pick(pool.userIds, step.a) })
const complete: Maker = (_ticket, step, pool) => ({ type: 'complete', userId: pick(pool.userIds, step.a) })
const tag: Maker = (_ticket, step, pool) => ({ type: 'tag', tagId: pick(pool.tagIds, step.a) })
const untag: Maker = (ticket, step, pool) => ({
  type: 'untag',
  tagId: ticket.tags.length > 0 && step.flag ? pick(ticket.tags, step.a) : pick(pool.tagIds, step.a),
})
const escalate: Maker = (_ticket, step) => (step.flag ? { type: 'escalate', reason: step.text } : { type: 'escalate' })
const migrate: Maker = (_ticket, step, pool) => ({ type: 'migrate', ticketingTeamId: pick(pool.teamIds, step.a) })
const markViewed: Maker = (_ticket, step, pool) => ({ type: 'markViewed', userId: pick(pool.userIds, step.a) })

const update: Maker = (ticket, step, pool) => {
  const bits = step.a % 64 || 1
  // Prefer a field the ticket already has, so changes and removals happen as often as additions.
  const existing = Object.keys(ticket.customFields)
  const fieldId = existing.length > 0 && step.flag ? pick(existing, step.b) : pick(pool.fieldIds, step.b)
  const customFields: Record<string, JsonValue | null> = { [fieldId]: step.b % 4 === 0 ? null : step.json }
  return {
    type: 'update',
    ...(bits & 1 ? { priority: step.b % 5 === 4 ? null : pick(PRIORITIES, step.b) } : {}),
    ...(bits & 2 ? { ticketType: pick(TICKET_TYPES, step.b) } : {}),
    ...(bits & 4 ? { sentiment: pick(SENTIMENTS, step.b) } : {}),
    ...(bits & 8 ? { summary: step.flag ? step.text : null } : {}),
    ...(bits & 16 ? { status: pick(STATUS_TRANSITIONS[ticket.status], step.b) } : {}),
    ...(bits & 32 ? { customFields } : {}),
  }
}

const addComment: Maker = (_ticket, step, pool) => ({
  type: 'addComment',
  body: step.text,
  ...(step.flag ? { htmlBody: `<p>${step.text}</p>` } : {}),
  public: step.b % 2 === 0,
  authorId: pick(pool.userIds, step.a),
})

const commentOf = (ticket: Ticket, step: CommandStep): TicketComment => pick(Object.values(ticket.comments), step.a)

const editComment: Maker = (ticket, step) => ({ type: 'editComment', commentId: commentOf(ticket, step).id, body: step.text })
const deleteComment: Maker = (ticket, step) => ({ type: 'deleteComment', commentId: commentOf(ticket, step).id })
const setCommentPrivacy: Maker = (ticket, step) => ({ type: 'setCommentPrivacy', commentId: commentOf(ticket, step).id, public: step.flag })
const react: Maker = (ticket, step, pool) => ({
  type: 'react',
  commentId: commentOf(ticket, step).id,
  emoji: pick(EMOJIS, step.b),
  userId: pick(pool.userIds, step.b),
})
const unreact: Maker = (ticket, step, pool) => {
  const comment = commentOf(ticket, step)
  const existing = Object.entries(comment.reactions)[0]
  const [emoji, userId] =
    existing && step.flag ? [existing[0], existing[1][0] as string] : [pick(EMOJIS, step.b), pick(pool.userIds, step.b)]
  return { type: 'unreact', commentId: comment.id, emoji, userId }
}
const redactComment: Maker = (ticket, step) => {
  const comment = commentOf(ticket, step)
  const length = Math.max(1, Math.floor(comment.body.length / 2))
  return { type: 'redactComment', commentId: comment.id, text: step.flag ? comment.body.slice(0, length) : step.text }
}

const sendCsat: Maker = (_ticket, step) => ({ type: 'sendCsat', surveyId: surveyId(step.a % 3) })
const receiveCsat: Maker = (_ticket, step) => ({
  type: 'receiveCsat',
  score: (step.a % 5) + 1,
  ...(step.flag ? { comment: step.text } : {}),
})

const slaBreach: Maker = (ticket, step) => ({ type: 'recordSlaBreach', ...sla(ticket, step) })
const slaWarning: Maker = (ticket, step) => ({ type: 'recordSlaWarning', ...sla(ticket, step) })
const sla = (ticket: Ticket, step: CommandStep) => ({
  metric: pick(SLA_METRICS, step.a),
  target: { minutes: (step.b % 480) + 1, inBusinessHours: step.flag },
  at: ticket.updatedAt,
})

/** A valid ULID for survey number `n`. */
function surveyId(n: number): string {
  return `01J8M766YV6FTKCCBQ0Z85YND${CROCKFORD[n % 32]}`
}
