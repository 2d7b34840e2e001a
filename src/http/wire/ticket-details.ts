import type { Ticket, TicketStatus } from '../../core/model/ticket.js'

/**
 * The fields of the ticket API details view that live outside the ticket (people,
 * channels, the chat and its owner, the responder). A `resolveDetails` hook supplies
 * them; whatever it leaves out takes the value in {@link DETAILS_DEFAULTS}.
 *
 * Where the seed marks a field non-nullable the type still allows `null` for ids and
 * enums (`chatOwnerId`, `ownerEntity`, `responderEntity`, `responderId`): without a
 * resolver there is no true value to give, and inventing an id would be worse than
 * saying "unknown".
 */
export interface TicketDetailsExtras {
  readonly assigneeEmail: string | null
  readonly assigneeName: string | null
  readonly assigneePicture: string | null
  readonly channelId: string | null
  readonly channelName: string | null
  readonly channelType: string | null
  readonly chatIsRemoved: boolean
  readonly chatOwnerId: string | null
  readonly isOwnerBlocked: boolean | null
  readonly ownerEmail: string | null
  readonly ownerEntity: string | null
  readonly ownerIdentifier: string | null
  readonly ownerName: string | null
  readonly pendingChatMessages: number
  readonly responderEntity: string | null
  readonly responderId: string | null
  readonly responderName: string
  readonly responderPicture: string | null
  readonly responderVersionId: string | null
  readonly responderVersionNumber: number | null
  readonly ticketingTeamName: string | null
  readonly ticketingTeamPicture: string | null
}

/**
 * The ticket API details view (`GET /api/v1/tickets/{id}/details` and the list).
 * Every field of the seed is present; the ticket's own fields come from the ticket,
 * the rest from {@link TicketDetailsExtras}.
 */
export interface TicketDetails extends TicketDetailsExtras {
  readonly assigneeId: string | null
  readonly chatId: string
  readonly completedAt: string | null
  readonly createdAt: string
  readonly id: string
  readonly ongoingAt: string | null
  readonly status: TicketStatus
  readonly summary: string
  readonly ticketingTeamId: string | null
  readonly workspaceId: string
}

/**
 * What a details field is when no resolver gives it: `null` where the seed allows
 * `null` (and for ids and enums, see {@link TicketDetailsExtras}); `false` for
 * `chatIsRemoved`, `0` for `pendingChatMessages` and `''` for `responderName`, the
 * seed's non-nullable flag, count and string.
 */
export const DETAILS_DEFAULTS: TicketDetailsExtras = Object.freeze({
  assigneeEmail: null,
  assigneeName: null,
  assigneePicture: null,
  channelId: null,
  channelName: null,
  channelType: null,
  chatIsRemoved: false,
  chatOwnerId: null,
  isOwnerBlocked: null,
  ownerEmail: null,
  ownerEntity: null,
  ownerIdentifier: null,
  ownerName: null,
  pendingChatMessages: 0,
  responderEntity: null,
  responderId: null,
  responderName: '',
  responderPicture: null,
  responderVersionId: null,
  responderVersionNumber: null,
  ticketingTeamName: null,
  ticketingTeamPicture: null,
})

const EXTRA_KEYS = Object.keys(DETAILS_DEFAULTS) as (keyof TicketDetailsExtras)[]

/**
 * Renders a ticket as the ticket API {@link TicketDetails}. Only the known extra keys are
 * taken from `extras` (a resolver cannot overwrite `id`, `status` or `workspaceId`), and
 * an `undefined` value counts as absent.
 */
export function toTicketDetails(ticket: Ticket, extras: Partial<TicketDetailsExtras> = {}): TicketDetails {
  const resolved: Record<string, unknown> = { ...DETAILS_DEFAULTS }
  for (const key of EXTRA_KEYS) {
    const value = extras[key]
    if (value !== undefined) resolved[key] = value
  }
  // Keys in the seed's (alphabetical) order, so responses read like its samples.
  const details: Record<string, unknown> = {
    assigneeEmail: resolved['assigneeEmail'],
    assigneeId: ticket.assigneeId,
    assigneeName: resolved['assigneeName'],
    assigneePicture: resolved['assigneePicture'],
    channelId: resolved['channelId'],
    channelName: resolved['channelName'],
    channelType: resolved['channelType'],
    chatId: ticket.chatId,
    chatIsRemoved: resolved['chatIsRemoved'],
    chatOwnerId: resolved['chatOwnerId'],
    completedAt: ticket.completedAt,
    createdAt: ticket.createdAt,
    id: ticket.id,
    isOwnerBlocked: resolved['isOwnerBlocked'],
    ongoingAt: ticket.ongoingAt,
    ownerEmail: resolved['ownerEmail'],
    ownerEntity: resolved['ownerEntity'],
    ownerIdentifier: resolved['ownerIdentifier'],
    ownerName: resolved['ownerName'],
    pendingChatMessages: resolved['pendingChatMessages'],
    responderEntity: resolved['responderEntity'],
    responderId: resolved['responderId'],
    responderName: resolved['responderName'],
    responderPicture: resolved['responderPicture'],
    responderVersionId: resolved['responderVersionId'],
    responderVersionNumber: resolved['responderVersionNumber'],
    status: ticket.status,
    summary: ticket.summary ?? '',
    ticketingTeamId: ticket.ticketingTeamId,
    ticketingTeamName: resolved['ticketingTeamName'],
    ticketingTeamPicture: resolved['ticketingTeamPicture'],
    workspaceId: ticket.workspaceId,
  }
  return details as unknown as TicketDetails
}
