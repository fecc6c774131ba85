/**
 * @tandem/core — the Tandem server: boot (`createServer`), the test host for plugin authors
 * (`createTestHost`), and the types around them.
 * @packageDocumentation
 */
export * from "./errors.js";
export { createServer, type ServerOptions, type TandemServer } from "./server.js";
export { createTestHost } from "./testing/create-test-host.js";
export { readConfigFile, type ConfigFile } from "./config/read-config-file.js";
export { buildConfigSchema } from "./config/build-schema.js";
export type { BootProblem } from "./config/problems.js";
export type { TandemConfig, AdminConfig, StorageConfig, LogConfig, ConfigDn, PluginSection } from "./config/types.js";
export type { PluginStatus } from "./plugins/plugin-host.js";
export { CORE_VERSION } from "./container.js";
