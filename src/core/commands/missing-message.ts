/**
 * The message for a required value that is absent: it says the value is missing, and
 * what to send instead (`Missing required value: expected a UUID, or null for none`).
 * The issue path names the field.
 */
export function missingMessage(expected: string): string {
  return `Missing required value: expected ${expected}`
}
