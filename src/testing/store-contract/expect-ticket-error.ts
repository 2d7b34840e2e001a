import { expect } from 'vitest'
import { isTicketError, type TicketError, type TicketErrorCode } from '../../core/errors/ticket-error.js'

/** What else {@link expectTicketError} checks and says. */
export interface ExpectTicketErrorOptions {
  /** An issue's path must name this key. */
  readonly issuePath?: string
  /** Names the case in failure messages, when one test checks several. */
  readonly label?: string
}

/**
 * Runs `action` and asserts it rejects with a {@link TicketError} of `code`. A wrong
 * error is shown whole in the failure, so the store author sees what was thrown instead.
 *
 * @internal
 */
export async function expectTicketError(
  action: () => Promise<unknown>,
  code: TicketErrorCode,
  options: ExpectTicketErrorOptions = {},
): Promise<TicketError> {
  const label = options.label === undefined ? '' : `${options.label}: `
  let thrown: unknown
  let threw = false
  try {
    await action()
  } catch (error) {
    threw = true
    thrown = error
  }
  expect(threw, `${label}expected a TicketError with code ${code}, but the call succeeded`).toBe(true)
  expect(isTicketError(thrown) ? thrown.code : thrown, `${label}expected a TicketError with code ${code}`).toBe(code)
  const error = thrown as TicketError
  const { issuePath } = options
  if (issuePath !== undefined) {
    expect(
      error.issues.some((issue) => issue.path.includes(issuePath)),
      `${label}expected an issue at "${issuePath}", got ${JSON.stringify(error.issues)}`,
    ).toBe(true)
  }
  return error
}
