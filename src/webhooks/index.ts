/**
 * `ticket-events/webhooks`: webhook event payloads with size-capped truncation,
 * Standard Webhooks signing and verification, a dispatcher that delivers the event log
 * to endpoints (retries, dead letters, order per ticket, leases), and on the receiving
 * side an idempotent consumer and a receiver that answers first, with memory, SQLite and
 * PostgreSQL stores for each.
 *
 * Runtime-neutral: Web APIs only (`TextEncoder`, `crypto.subtle`, `atob` / `btoa`), no
 * Node built-ins; the SQL stores take structural database objects, not driver imports.
 *
 * @example
 * ```ts
 * import { toWebhook, signWebhook, verifyWebhook, createIdempotentConsumer, memoryDedupeStore } from 'ticket-events/webhooks'
 *
 * // Sender
 * const body = JSON.stringify(toWebhook(event, { ticket, previousTicket }))
 * const headers = await signWebhook({ id: event.id, body, secret })
 *
 * // Receiver
 * await verifyWebhook({ headers: request.headers, body: rawBody, secret })
 * const consumer = createIdempotentConsumer({ store: memoryDedupeStore(), handler })
 * await consumer.consume(JSON.parse(rawBody))
 * ```
 *
 * @module
 */

export {
  type DedupeMigrationSqlOptions,
  postgresDedupeMigrationSql,
  sqliteDedupeMigrationSql,
} from './consumer/dedupe-schema.js'
export type { ClaimOutcome, DedupeClaim, DedupeStore } from './consumer/dedupe-store.js'
export { DEFAULT_DEDUPE_TABLE, DEFAULT_DEDUPE_TABLE_PREFIX, type DedupeStoreCommonOptions } from './consumer/dedupe-store-options.js'
export {
  type ConsumeResult,
  createIdempotentConsumer,
  type IdempotentConsumer,
  type IdempotentConsumerOptions,
  MAX_DEDUPE_WINDOW_MS,
  MIN_DEDUPE_WINDOW_MS,
  type WebhookDelivery,
} from './consumer/idempotent-consumer.js'
export { memoryDedupeStore } from './consumer/memory-dedupe-store.js'
export { type PostgresDedupeStoreOptions, postgresDedupeStore } from './consumer/postgres-dedupe-store.js'
export { type SqliteDedupeStoreOptions, sqliteDedupeStore } from './consumer/sqlite-dedupe-store.js'
export type { DeliveryReport, DispatcherFailure } from './dispatcher/delivery-report.js'
export type { DeliveryRetryOptions } from './dispatcher/delivery-retry.js'
export {
  DEFAULT_DELIVERY_TABLE_PREFIX,
  type DeliveryMigrationSqlOptions,
  type DeliveryStoreCommonOptions,
  postgresDeliveryMigrationSql,
  sqliteDeliveryMigrationSql,
} from './dispatcher/delivery-schema.js'
export type { DeadLetter, DeadLetterQuery, DeliveryStore, EndpointLease, EndpointState } from './dispatcher/delivery-store.js'
export type { AcceptedEvent, WebhookEventSource, WebhookEventSourceRequest } from './dispatcher/event-source.js'
export { type LogEventSourceOptions, logEventSource } from './dispatcher/log-event-source.js'
export { memoryDeliveryStore } from './dispatcher/memory-delivery-store.js'
export type { WebhookFetch } from './dispatcher/post-webhook.js'
export { type PostgresDeliveryStoreOptions, postgresDeliveryStore } from './dispatcher/postgres-delivery-store.js'
export { type SqliteDeliveryStoreOptions, sqliteDeliveryStore } from './dispatcher/sqlite-delivery-store.js'
export {
  createWebhookDispatcher,
  type DeadLetterReplay,
  type WebhookDispatcher,
  type WebhookDispatcherOptions,
} from './dispatcher/webhook-dispatcher.js'
export type { WebhookEndpoint } from './dispatcher/webhook-endpoint.js'
export { TRUNCATION_MARKER, type TruncatedField } from './payload/fit-to-size.js'
export { jsonByteLength, type MeasureVisitor } from './payload/json-byte-length.js'
export {
  DEFAULT_MAX_WEBHOOK_BYTES,
  type ToWebhookOptions,
  toWebhook,
  type WebhookContext,
  type WebhookTruncation,
} from './payload/to-webhook.js'
export type { ChangeEventType, WebhookBody, WebhookEventFields, WebhookPayload } from './payload/webhook-payload.js'
export {
  createWebhookReceiver,
  type ReceiverContext,
  type ReceiverFailure,
  type ReceiverRetryOptions,
  type WebhookReceiver,
  type WebhookReceiverOptions,
} from './receiver/webhook-receiver.js'
export { type SignWebhookInput, signWebhook, type WebhookHeaders } from './signing/sign-webhook.js'
export type { WebhookBodyBytes } from './signing/signed-content.js'
export {
  type VerifiedWebhook,
  type VerifyWebhookInput,
  verifyWebhook,
  type WebhookRequestHeaders,
} from './signing/verify-webhook.js'
export { generateWebhookSecret, type WebhookSecret, type WebhookSecrets } from './signing/webhook-secret.js'
export {
  isWebhookVerificationError,
  WebhookVerificationError,
  type WebhookVerificationReason,
} from './signing/webhook-verification-error.js'
