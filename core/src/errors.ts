/**
 * Every area's coded errors, re-exported so that loading the core registers all codes (the docs test
 * compares `registeredErrors()` with `docs/errors.md`).
 */
export { ConfigErrors } from "./config/errors.js";
export { PluginErrors } from "./plugins/errors.js";
export { StorageErrors } from "./storage/errors.js";
export { ServerErrors } from "./server-errors.js";
export { RegistryErrors } from "./registry/errors.js";
export { BusErrors } from "./bus/errors.js";
export { MetricsErrors } from "./metrics/errors.js";
export { AdminErrors } from "./admin/errors.js";
export { SipStackErrors } from "./sip/errors.js";
export { SipParseErrors } from "./sip/parser/errors.js";
export { TransportErrors } from "./sip/transport/errors.js";
export { ReliabilityErrors } from "./sip/transactions/errors.js";
export { CallErrors } from "./calls/errors.js";
export { TraceErrors } from "./sip-trace/errors.js";
