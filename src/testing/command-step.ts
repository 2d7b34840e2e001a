import fc from 'fast-check'
import type { JsonValue } from '../core/model/json.js'

/**
 * The raw random choices behind one generated command. Commands are made from steps
 * against the state at that point, so every generated command fits its ticket, and
 * fast-check shrinks a failing scenario by shrinking plain numbers and strings.
 */
export interface CommandStep {
  /** Which of the commands that fit the state to make. */
  readonly kind: number
  /** Picks from id pools and enums. */
  readonly a: number
  readonly b: number
  /** Gates rare, stream-ending commands (delete, archive). */
  readonly rare: number
  readonly text: string
  readonly json: JsonValue
  readonly flag: boolean
}

const jsonValue: fc.Arbitrary<JsonValue> = fc.oneof(
  fc.string({ maxLength: 12 }),
  fc.integer({ min: -1000, max: 1000 }),
  fc.boolean(),
  fc.array(fc.integer({ min: 0, max: 9 }), { maxLength: 3 }),
  fc.record({ level: fc.integer({ min: 0, max: 3 }), note: fc.string({ maxLength: 6 }) }),
)

/** Generates one {@link CommandStep}. */
export function arbCommandStep(): fc.Arbitrary<CommandStep> {
  return fc.record({
    kind: fc.nat({ max: 1000 }),
    a: fc.nat({ max: 1000 }),
    b: fc.nat({ max: 1000 }),
    rare: fc.nat({ max: 40 }),
    text: fc.string({ minLength: 1, maxLength: 40 }),
    json: jsonValue,
    flag: fc.boolean(),
  })
}
