/**
 * Deterministic ids and command builders for the store conformance suite.
 *
 * @internal
 * @module
 */
import type { Command } from '../../core/model/command.js'

/**
 * A readable, valid UUID (version 4, RFC 9562 variant): `group` says what kind of id it
 * is and `n` which one, so a failing assertion shows `0000000a-…-000000000002` rather
 * than random noise.
 */
export function fixtureUuid(group: number, n: number): string {
  return `${group.toString(16).padStart(8, '0')}-0000-4000-8000-${n.toString(16).padStart(12, '0')}`
}

export const WORKSPACE_A = fixtureUuid(0xa, 1)
export const WORKSPACE_B = fixtureUuid(0xa, 2)

export const ticketId = (n: number): string => fixtureUuid(0x71, n)
export const chatId = (n: number): string => fixtureUuid(0xc4, n)
export const userId = (n: number): string => fixtureUuid(0x05e, n)
export const tagId = (n: number): string => fixtureUuid(0x7a9, n)

/** The fields a test may set on a `create` command. */
export interface CreateFields {
  readonly chat?: number
  readonly assignee?: number
  readonly status?: 'pending' | 'ongoing' | 'completed'
  readonly summary?: string
  readonly tags?: readonly number[]
  readonly commandId?: string
}

/** A `create` command for ticket `id` in `workspaceId`, pending and unassigned unless told. */
export function createTicketCommand(id: string, workspaceId: string, fields: CreateFields = {}): Command {
  return {
    type: 'create',
    ticketId: id,
    workspaceId,
    chatId: chatId(fields.chat ?? 1),
    ticketingTeamId: null,
    assigneeId: fields.assignee === undefined ? null : userId(fields.assignee),
    status: fields.status ?? 'pending',
    ...(fields.summary === undefined ? {} : { summary: fields.summary }),
    ...(fields.tags === undefined ? {} : { tags: fields.tags.map(tagId) }),
    ...(fields.commandId === undefined ? {} : { meta: { commandId: fields.commandId } }),
  }
}

/** A `tag` command: one `ticket:updated` and one `ticket:tag:updated`. */
export function tagCommand(n: number, commandId?: string): Command {
  return { type: 'tag', tagId: tagId(n), ...(commandId === undefined ? {} : { meta: { commandId } }) }
}

/**
 * An `addComment` without a comment id: running it twice would add two comments with
 * fresh ids, so it shows whether a repeated command id really ran only once.
 */
export function addCommentCommand(body: string, commandId?: string): Command {
  return {
    type: 'addComment',
    body,
    public: true,
    authorId: userId(9),
    ...(commandId === undefined ? {} : { meta: { commandId } }),
  }
}
