/**
 * `ticket-events/nats`: the event log past one process, through NATS JetStream.
 *
 * - {@link relayToJetStream} publishes every event of the log to a stream, exactly once
 *   per event id (`Nats-Msg-Id`), in log order per ticket, moving its checkpoint only
 *   over acknowledged publishes;
 * - {@link consumeJetStream} hands the events back to workers through a durable pull
 *   consumer: ack on success, `nak` with backoff on failure, `term` and a dead letter
 *   after `maxDeliver`;
 * - {@link jetStreamEventSource} feeds a webhook dispatcher from a durable consumer per
 *   endpoint instead of the store's log, acknowledging each event once it is settled;
 * - {@link ensureTicketStream} creates the stream with a `duplicate_window`;
 * - {@link ticketSubject}, {@link ticketSubjectFilter} and {@link ticketPartition}
 *   describe the subject layout, for consumers written without this library.
 *
 * Needs `@nats-io/jetstream` and `@nats-io/nats-core` (v3; optional peer dependencies).
 * It never opens a connection: pass the `NatsConnection` you opened with
 * `@nats-io/transport-node` (or another v3 transport), and close it yourself.
 *
 * @module
 */
export {
  type ConsumeJetStreamOptions,
  type ConsumerFailure,
  type ConsumerStopped,
  consumeJetStream,
  type DeadLetter,
  type JetStreamConsumer,
  type JetStreamDelivery,
} from './consume-jetstream.js'
export {
  DEFAULT_DUPLICATE_WINDOW_MS,
  type EnsuredTicketStream,
  type EnsureTicketStreamOptions,
  ensureTicketStream,
} from './ensure-ticket-stream.js'
export { MSG_ID_HEADER, TICKET_EVENT_HEADERS } from './event-headers.js'
export { type JetStreamEventSourceOptions, jetStreamEventSource, webhookConsumerName } from './jetstream-event-source.js'
export type { NatsConnectionLike } from './nats-options.js'
export {
  type JetStreamRelay,
  type RelayFailure,
  type RelayStopped,
  type RelayToJetStreamOptions,
  relayToJetStream,
  type SubjectContext,
} from './relay-to-jetstream.js'
export {
  DEFAULT_SUBJECT_PREFIX,
  type TicketSubjectFilterOptions,
  type TicketSubjectOptions,
  ticketSubject,
  ticketSubjectFilter,
} from './subjects.js'
export { MAX_PARTITIONS, ticketPartition } from './ticket-partition.js'
