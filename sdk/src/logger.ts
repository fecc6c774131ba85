/**
 * The logging surface a plugin sees: a pino-compatible subset, so the core can hand over a pino child
 * logger while plugin tests can pass any object with these methods.
 */
export interface LogFn {
  (msg: string): void;
  (obj: Record<string, unknown>, msg?: string): void;
}

/** A structured logger bound to the plugin's id (and whatever bindings `child` adds). */
export interface Logger {
  trace: LogFn;
  debug: LogFn;
  info: LogFn;
  warn: LogFn;
  error: LogFn;
  fatal: LogFn;
  /** A logger that adds `bindings` (e.g. `{ dn }` or `{ callId }`) to every line. */
  child(bindings: Record<string, unknown>): Logger;
}
