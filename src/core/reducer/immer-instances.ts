import { Immer } from 'immer'
import { IS_DEVELOPMENT_MODE } from '../runtime/development-mode.js'

// Two instances of our own, so a user's global immer settings (`setAutoFreeze`, …) never
// change what `handle` returns, and ours never change theirs. Everything that touches
// immer goes through this module, so the hot path is tuned in one place.
const freezing = new Immer({ autoFreeze: true })
const notFreezing = new Immer({ autoFreeze: false })

/**
 * Whether `handle`, `evolve` and `replay` deep-freeze the states they return when the
 * caller does not say (`ctx.freeze`, `replay`'s `freeze` option, the service's `freeze`
 * option): in development mode (`NODE_ENV` other than `production`) only.
 */
export const FREEZES_BY_DEFAULT: boolean = IS_DEVELOPMENT_MODE

/** The immer instance that freezes, or not, as asked. @internal */
export function immerFor(freeze: boolean): Immer {
  return freeze ? freezing : notFreezing
}
