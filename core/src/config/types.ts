/** The parsed configuration, defaults applied and relative paths resolved. Shape: `config.schema.json`. */
import type { DnType } from "@tandem/sdk";
import type { AdminLimits } from "../admin/admin-limits.js";
import type { ShutdownConfig } from "../shutdown-config.js";
import type { AdmissionConfig } from "../calls/admission-config.js";
import type { CallsConfig } from "../calls/calls-config.js";
import type { SipConfig } from "../sip/stack-contract.js";
import type { SipTraceConfig } from "../sip-trace/sip-trace-config.js";

export interface AdminToken {
  name: string;
  token: string;
}

export interface AdminConfig {
  host: string;
  port: number;
  tokens: AdminToken[];
  healthDetails: boolean;
  limits: AdminLimits;
}

export interface StorageConfig {
  /** SQLite file (absolute after loading) or `:memory:`. */
  path: string;
  eventRetentionDays: number;
  eventFlushMs: number;
  /** Call and agent record writes made by a thread of their own (default) instead of the main thread. */
  writerThread: boolean;
}

export type LogLevel = "fatal" | "error" | "warn" | "info" | "debug" | "trace" | "silent";

export interface LogConfig {
  level: LogLevel;
}

/** A `dns[]` entry: number, type and the type options flat beside them. */
export interface ConfigDn {
  number: string;
  type: DnType;
  [option: string]: unknown;
}

/** A `plugins.<id>` section: `enabled`, optional `module`, and the plugin's own options. */
export interface PluginSection {
  enabled: boolean;
  module?: string;
  [option: string]: unknown;
}

export interface TandemConfig {
  sip: SipConfig;
  admin: AdminConfig;
  storage: StorageConfig;
  log: LogConfig;
  /** The call model's options as given (defaults are applied by the call model). */
  calls: Partial<CallsConfig>;
  admission: Partial<AdmissionConfig>;
  /** The SIP trace behind the dashboard's call ladder, as given (defaults in sip-trace-config.ts). */
  sipTrace: Partial<SipTraceConfig>;
  shutdown: ShutdownConfig;
  dns: ConfigDn[];
  plugins: Record<string, PluginSection>;
}
