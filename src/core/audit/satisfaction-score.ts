import type { SatisfactionScore } from '../model/audit.js'

/**
 * The rating a received CSAT score (1–5) is in a `SatisfactionRating` audit event, where
 * Zendesk-style ticket audit events know only `good` and `bad`: 4 and 5 are `good`; 1, 2
 * and 3 are `bad` — the usual reading of a five-point CSAT scale, where only the top two
 * answers count as satisfied. The number itself stays in the `ticket:csat:received` event.
 * This is a pure function.
 *
 * | score | 1 | 2 | 3 | 4 | 5 |
 * | --- | --- | --- | --- | --- | --- |
 * | rating | bad | bad | bad | good | good |
 *
 * @example
 * ```ts
 * satisfactionScore(4) // 'good'
 * satisfactionScore(3) // 'bad'
 * ```
 */
export function satisfactionScore(score: number): Extract<SatisfactionScore, 'good' | 'bad'> {
  return score >= 4 ? 'good' : 'bad'
}
