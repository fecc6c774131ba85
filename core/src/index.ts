/**
 * @tandem/core — the Tandem server: boot (`createServer`) and the types around it (the test host for
 * plugin authors, `createTestHost`, is the `@tandem/testing` package built on it).
 * @packageDocumentation
 */
export * from "./errors.js";
export { createServer, type ServerOptions, type TandemServer } from "./server.js";
export type { CreateSipStack, SipStack } from "./sip/index.js";
export { readConfigFile, type ConfigFile } from "./config/read-config-file.js";
export { buildConfigSchema } from "./config/build-schema.js";
export type { BootProblem } from "./config/problems.js";
export type { TandemConfig, AdminConfig, StorageConfig, LogConfig, ConfigDn, PluginSection } from "./config/types.js";
export type { PluginStatus } from "./plugins/plugin-host.js";
export { CORE_VERSION } from "./container.js";
