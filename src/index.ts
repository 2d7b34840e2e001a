/**
 * `ticket-events`: an event-sourced domain model for support tickets.
 *
 * The pure core — {@link handle}, {@link evolve}, {@link replay} — runs unchanged in
 * Node, Deno, Bun, browsers and edge runtimes: it imports no Node built-ins.
 *
 * @module
 */
export * from './core/index.js'
