/**
 * Lets pending I/O (requests, group commits) run before the caller goes on. Statements on SQLite
 * run on the event loop and promise chains never leave it, so long work yields with this between
 * its steps.
 */
export const yieldToEventLoop = () =>
  new Promise<void>(resolve => setImmediate(resolve));
