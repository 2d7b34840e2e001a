/**
 * The same ticket commands through Emmett's `CommandHandler` and its in-memory event
 * store, written as an Emmett user would: a `decide` that returns events, an immutable
 * `evolve`, and the handler that loads (folds) the stream, decides and appends.
 *
 * The Emmett domain does less than `handle`: no zod validation, no derived change
 * events, no audit record, one event per command. The comparison is on throughput for
 * the same command shapes, not on equal work.
 */
import { CommandHandler, type Event, getInMemoryEventStore } from '@event-driven-io/emmett'
import type { Command, FieldChange, Ticket, TicketComment } from 'ticket-events'
import { createCommand, nextCommand } from './command-mix.js'
import { benchTicketId } from './store-workload.js'

type TicketCreated = Event<'TicketCreated', { ticket: Ticket }>
type TicketUpdated = Event<'TicketUpdated', { changes: FieldChange[]; at: string }>
type CommentAdded = Event<'CommentAdded', { comment: TicketComment; at: string }>
type CommentDeleted = Event<'CommentDeleted', { commentId: string; at: string }>
type ReactionAdded = Event<'ReactionAdded', { commentId: string; emoji: string; userId: string; at: string }>
type TicketViewed = Event<'TicketViewed', { at: string }>
export type TicketEmmettEvent = TicketCreated | TicketUpdated | CommentAdded | CommentDeleted | ReactionAdded | TicketViewed

const initialState = (): Ticket | null => null

/** Emmett's evolve: a new state object per event, spreads for what changes. */
export function evolve(state: Ticket | null, event: TicketEmmettEvent): Ticket | null {
  if (event.type === 'TicketCreated') return event.data.ticket
  if (state === null) return state
  const version = state.version + 1
  switch (event.type) {
    case 'TicketUpdated': {
      let next: Ticket = { ...state, version, updatedAt: event.data.at }
      for (const change of event.data.changes) {
        if (change.field === 'customFields') {
          const { [change.key]: _removed, ...rest } = next.customFields
          next = { ...next, customFields: change.to === null ? rest : { ...rest, [change.key]: change.to } }
        } else {
          next = { ...next, [change.field]: change.to }
          if (change.field === 'status' && change.to === 'ongoing') next = { ...next, ongoingAt: event.data.at }
          if (change.field === 'status' && change.to === 'completed') next = { ...next, completedAt: event.data.at }
        }
      }
      return next
    }
    case 'CommentAdded':
      return { ...state, version, updatedAt: event.data.at, comments: { ...state.comments, [event.data.comment.id]: event.data.comment } }
    case 'CommentDeleted': {
      const { [event.data.commentId]: _deleted, ...comments } = state.comments
      return { ...state, version, updatedAt: event.data.at, comments }
    }
    case 'ReactionAdded': {
      const comment = state.comments[event.data.commentId] as TicketComment
      const users = comment.reactions[event.data.emoji] ?? []
      const reactions = { ...comment.reactions, [event.data.emoji]: [...users, event.data.userId] }
      return { ...state, version, updatedAt: event.data.at, comments: { ...state.comments, [comment.id]: { ...comment, reactions } } }
    }
    case 'TicketViewed':
      return { ...state, version, lastViewedAt: event.data.at }
  }
}

/** Emmett's decide for the commands of the bench mix: the same rules and no-ops as `handle`. */
export function decide(command: Command, state: Ticket | null): TicketEmmettEvent[] {
  const at = new Date().toISOString()
  if (command.type === 'create') {
    if (state !== null) throw new Error('ticket exists')
    const ticket: Ticket = {
      id: crypto.randomUUID(),
      workspaceId: command.workspaceId,
      chatId: command.chatId,
      status: command.status,
      circumstance: 'handover',
      assigneeId: command.assigneeId,
      ticketingTeamId: command.ticketingTeamId,
      summary: command.summary ?? null,
      priority: null,
      type: null,
      sentiment: null,
      escalated: false,
      tags: [],
      customFields: {},
      comments: {},
      csat: null,
      sla: {},
      archived: false,
      deleted: false,
      createdAt: at,
      updatedAt: at,
      ongoingAt: null,
      completedAt: null,
      lastViewedAt: null,
      version: 1,
    }
    return [{ type: 'TicketCreated', data: { ticket } }]
  }
  if (state === null) throw new Error('no such ticket')
  const updated = (changes: FieldChange[]): TicketEmmettEvent[] =>
    changes.length === 0 ? [] : [{ type: 'TicketUpdated', data: { changes, at } }]
  switch (command.type) {
    case 'tag':
      return state.tags.includes(command.tagId) ? [] : updated([{ field: 'tags', from: state.tags, to: [...state.tags, command.tagId] }])
    case 'untag':
      return state.tags.includes(command.tagId)
        ? updated([{ field: 'tags', from: state.tags, to: state.tags.filter((tag) => tag !== command.tagId) }])
        : []
    case 'assign':
      return state.assigneeId === command.assigneeId
        ? []
        : updated([{ field: 'assigneeId', from: state.assigneeId, to: command.assigneeId }])
    case 'takeover':
      if (state.status !== 'pending') throw new Error('not pending')
      return updated([
        { field: 'status', from: state.status, to: 'ongoing' },
        { field: 'assigneeId', from: state.assigneeId, to: command.assigneeId },
      ])
    case 'complete':
      if (state.status === 'completed') throw new Error('already completed')
      return updated([{ field: 'status', from: state.status, to: 'completed' }])
    case 'update': {
      const changes: FieldChange[] = []
      if (command.status !== undefined && command.status !== state.status)
        changes.push({ field: 'status', from: state.status, to: command.status })
      if (command.priority !== undefined && command.priority !== state.priority) {
        changes.push({ field: 'priority', from: state.priority, to: command.priority })
      }
      if (command.sentiment !== undefined && command.sentiment !== state.sentiment) {
        changes.push({ field: 'sentiment', from: state.sentiment, to: command.sentiment })
      }
      if (command.summary !== undefined && command.summary !== state.summary) {
        changes.push({ field: 'summary', from: state.summary, to: command.summary })
      }
      for (const [key, value] of Object.entries(command.customFields ?? {})) {
        const before = state.customFields[key] ?? null
        if (before !== value) changes.push({ field: 'customFields', key, from: before, to: value })
      }
      return updated(changes)
    }
    case 'addComment': {
      const comment: TicketComment = {
        id: crypto.randomUUID(),
        authorId: command.authorId,
        body: command.body,
        htmlBody: null,
        public: command.public,
        attachments: [],
        reactions: {},
        redactions: 0,
        createdAt: at,
        updatedAt: at,
      }
      return [{ type: 'CommentAdded', data: { comment, at } }]
    }
    case 'deleteComment':
      if (!state.comments[command.commentId]) throw new Error('no such comment')
      return [{ type: 'CommentDeleted', data: { commentId: command.commentId, at } }]
    case 'react': {
      const comment = state.comments[command.commentId]
      if (!comment) throw new Error('no such comment')
      if (comment.reactions[command.emoji]?.includes(command.userId)) return []
      return [{ type: 'ReactionAdded', data: { commentId: command.commentId, emoji: command.emoji, userId: command.userId, at } }]
    }
    case 'markViewed':
      return [{ type: 'TicketViewed', data: { at } }]
    default:
      throw new Error(`the bench mix has no ${command.type} command`)
  }
}

const handleTicket = CommandHandler<Ticket | null, TicketEmmettEvent>({ evolve, initialState })

/**
 * Runs `commands` commands of the bench mix through Emmett, round-robin over `tickets`
 * tickets, each command fitting its ticket's state (as in the service bench); returns
 * the seconds taken.
 */
export async function runEmmett(commands: number, tickets: number): Promise<number> {
  const store = getInMemoryEventStore()
  const states = new Map<string, Ticket>()
  const start = performance.now()
  for (let step = 0; step < commands; step++) {
    const id = benchTicketId(step % tickets)
    const state = states.get(id)
    const command = state === undefined ? createCommand : nextCommand(state, step)
    const { newState } = await handleTicket(store, id, (current) => decide(command, current))
    if (newState === null) throw new Error('Emmett lost the ticket')
    states.set(id, newState)
  }
  return (performance.now() - start) / 1000
}
