/**
 * The contact-centre call model: `createCallModel` and the types the server, the admin API and tests need.
 */
export { createCallModel } from "./create-call-model.js";
export type { CallModel, CallModelDeps, CallModelPluginContext } from "./create-call-model.js";
export { CALLS_CONFIG_DEFAULTS, CALLS_CONFIG_SCHEMA, resolveCallsConfig } from "./calls-config.js";
export type { CallsConfig } from "./calls-config.js";
export { CallErrors } from "./errors.js";
export { CALL_STORAGE_ID, LEGACY_CALL_TABLES } from "./call-store.js";
export { CALL_API_PATHS } from "./call-routes.js";
export { CallState } from "./call-types.js";
export type { CallHistoryFilter, CallOutcome, CallRecord, CallSnapshot, LegRecord, PartySnapshot } from "./call-types.js";
