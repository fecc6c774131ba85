/** The SIP trace of recent calls and the call-detail route that reads it (the dashboard's ladder and timeline). */
export { SipTraceStore, type TracedMessage } from "./sip-trace-store.js";
export { SIP_TRACE_CONFIG_DEFAULTS, SIP_TRACE_CONFIG_SCHEMA, resolveSipTraceConfig, type SipTraceConfig } from "./sip-trace-config.js";
export { CallTimeline } from "./call-timeline.js";
export { registerCallTraceRoutes, type CallTraceDeps } from "./call-trace-routes.js";
export { TraceErrors } from "./errors.js";
