/**
 * `ticket-events/http/node`: {@link toNodeListener}, which serves a Web `fetch` handler
 * (such as `createTicketHandler`'s) with Node's `http` module, streaming both ways. Kept
 * out of `ticket-events/http`, which runs in every runtime; this entry is for Node (and
 * runtimes with a Node-compatible `http` module).
 *
 * @example
 * ```ts
 * import { createServer } from 'node:http'
 * import { toNodeListener } from 'ticket-events/http/node'
 *
 * createServer(toNodeListener(handler)).listen(3000)
 * ```
 *
 * @module
 */
export type { NodeIncomingMessage, NodeRequestListener, NodeServerResponse } from './node-http-types.js'
export { type NodeListenerOptions, toNodeListener } from './to-node-listener.js'
