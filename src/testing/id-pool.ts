import fc from 'fast-check'

/** The ids a generated scenario draws from; small pools make collisions (and no-ops) likely. */
export interface IdPool {
  readonly workspaceId: string
  readonly chatIds: readonly string[]
  readonly userIds: readonly string[]
  readonly tagIds: readonly string[]
  readonly teamIds: readonly string[]
  readonly fieldIds: readonly string[]
}

const uuids = (count: number) => fc.uniqueArray(fc.uuid({ version: 4 }), { minLength: count, maxLength: count })

/** Generates an {@link IdPool}: 1 workspace, 2 chats, 4 users, 5 tags, 3 teams, 4 custom fields. */
export function arbIdPool(): fc.Arbitrary<IdPool> {
  return fc
    .tuple(uuids(16), fc.constantFrom(['plan', 'seats', 'region', 'vip'], ['order_id', 'sku', 'refund', 'channel']))
    .map(([ids, fieldIds]) => ({
      workspaceId: ids[0] as string,
      chatIds: ids.slice(1, 3),
      userIds: ids.slice(3, 7),
      tagIds: ids.slice(7, 12),
      teamIds: ids.slice(12, 15),
      fieldIds,
    }))
}

/** A fixed pool, for generating commands against a state built elsewhere. */
export const DEFAULT_ID_POOL: IdPool = {
  workspaceId: '0b5c2f4e-3c1a-4d7e-9f10-1a2b3c4d5e6f',
  chatIds: ['1c5c2f4e-3c1a-4d7e-9f10-1a2b3c4d5e6f', '2c5c2f4e-3c1a-4d7e-9f10-1a2b3c4d5e6f'],
  userIds: [
    '3a5c2f4e-3c1a-4d7e-9f10-1a2b3c4d5e6f',
    '3b5c2f4e-3c1a-4d7e-9f10-1a2b3c4d5e6f',
    '3c5c2f4e-3c1a-4d7e-9f10-1a2b3c4d5e6f',
    '3d5c2f4e-3c1a-4d7e-9f10-1a2b3c4d5e6f',
  ],
  tagIds: [
    '4a5c2f4e-3c1a-4d7e-9f10-1a2b3c4d5e6f',
    '4b5c2f4e-3c1a-4d7e-9f10-1a2b3c4d5e6f',
    '4c5c2f4e-3c1a-4d7e-9f10-1a2b3c4d5e6f',
    '4d5c2f4e-3c1a-4d7e-9f10-1a2b3c4d5e6f',
    '4e5c2f4e-3c1a-4d7e-9f10-1a2b3c4d5e6f',
  ],
  teamIds: ['5a5c2f4e-3c1a-4d7e-9f10-1a2b3c4d5e6f', '5b5c2f4e-3c1a-4d7e-9f10-1a2b3c4d5e6f', '5c5c2f4e-3c1a-4d7e-9f10-1a2b3c4d5e6f'],
  fieldIds: ['plan', 'seats', 'region', 'vip'],
}
