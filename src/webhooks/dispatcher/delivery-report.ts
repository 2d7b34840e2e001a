/** What `onDelivery` is told after every POST. */
export interface DeliveryReport {
  readonly endpointId: string
  readonly eventId: string
  /** 1 for the first POST of this event in this run, 2 for the first retry, … */
  readonly attempt: number
  /** The HTTP status, or `null` without an answer (timeout, network error). */
  readonly status: number | null
  readonly durationMs: number
  /** What went wrong, or `null` for a 2xx. */
  readonly error: string | null
}

/** Where a dispatcher failure happened, for `onError`. */
export interface DispatcherFailure {
  readonly endpointId: string
  /** `read`: the event source; `store`: the delivery store; `render`: building a payload (the event is dead-lettered). */
  readonly stage: 'read' | 'store' | 'render'
}
