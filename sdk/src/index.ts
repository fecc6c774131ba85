/**
 * @tandem/sdk — everything a Tandem plugin imports. Plugins import nothing from the core.
 * @packageDocumentation
 */
export * from "./version.js";
export * from "./logger.js";
export * from "./errors.js";
export * from "./events.js";
export * from "./hooks.js";
export * from "./builtin-hooks.js";
export * from "./treatment.js";
export * from "./dns.js";
export * from "./dn-contacts.js";
export * from "./dn-option.js";
export * from "./core-dn-options.js";
export * from "./storage.js";
export * from "./http.js";
export * from "./rate-limiter.js";
export * from "./metrics.js";
export * from "./sip.js";
export * from "./sdp-direction.js";
export * from "./extension-points.js";
export * from "./call-control.js";
export * from "./call-parties.js";
export * from "./call-media-takeover.js";
export * from "./call-room-connect.js";
export * from "./supervision.js";
export * from "./recording-control.js";
export * from "./mcu-adapter.js";
export * from "./mcu-errors.js";
export * from "./mcu-offer-handler.js";
export * from "./context.js";
export * from "./plugin.js";
