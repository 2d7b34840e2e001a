/// <reference lib="dom" />
import { signWebhook } from '../signing/sign-webhook.js'
import type { WebhookSecrets } from '../signing/webhook-secret.js'

/** The `fetch` a dispatcher posts with: the global one, or any with the same shape. */
export type WebhookFetch = (url: string, init: RequestInit) => Promise<Response>

/** What one POST came to. */
export interface PostOutcome {
  /** The HTTP status, or `null` without an answer (timeout, network error). */
  readonly status: number | null
  /** What went wrong, `null` for a 2xx. */
  readonly error: string | null
  readonly durationMs: number
}

/**
 * Signs `body` the Standard Webhooks way (`webhook-id` = the event id, a fresh
 * timestamp) and POSTs it, giving up after `timeoutMs` or when `controller` aborts. Never
 * throws: every failure is an outcome.
 *
 * @internal
 */
export async function postWebhook(input: {
  readonly fetch: WebhookFetch
  readonly url: string
  readonly eventId: string
  readonly body: string
  readonly secret: WebhookSecrets
  readonly timeoutMs: number
  /** This request's own controller: aborted by the caller to stop it, and here when the time is up. */
  readonly controller: AbortController
}): Promise<PostOutcome> {
  const started = performance.now()
  const headers = await signWebhook({ id: input.eventId, body: input.body, secret: input.secret })
  const { controller } = input
  let timedOut = false
  const timer = setTimeout(() => {
    timedOut = true
    controller.abort()
  }, input.timeoutMs)
  try {
    const response = await input.fetch(input.url, {
      method: 'POST',
      headers: { ...headers, 'content-type': 'application/json' },
      body: input.body,
      signal: controller.signal,
    })
    // Read the answer to the end (bounded by the same timeout), so the connection can be
    // reused; the status alone decides, so a body cut short does not fail a 2xx.
    await response.arrayBuffer().catch(() => undefined)
    const ok = response.status >= 200 && response.status < 300
    return { status: response.status, error: ok ? null : `HTTP ${response.status}`, durationMs: performance.now() - started }
  } catch (error) {
    const reason = timedOut
      ? `timed out after ${input.timeoutMs} ms`
      : controller.signal.aborted
        ? 'stopped'
        : error instanceof Error
          ? `${error.message}${error.cause instanceof Error ? `: ${error.cause.message}` : ''}`
          : String(error)
    return { status: null, error: reason, durationMs: performance.now() - started }
  } finally {
    clearTimeout(timer)
  }
}
