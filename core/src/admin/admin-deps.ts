/** What the admin server needs from the rest of the core (contracts.md "Admin HTTP server"). */
import type { EventBus, Logger } from "@tandem/sdk";
import type { MetricsRegistry } from "../metrics/metrics-registry.js";
import type { CoreDnRegistry } from "../registry/dn-registry.js";
import type { AdminLimits } from "./admin-limits.js";
import type { AdminToken } from "./auth.js";

export interface PluginStatus {
  id: string;
  version: string;
  status: "registered" | "ready" | "failed" | "closed";
  description?: string;
}

export interface AdminConfig {
  host: string;
  port: number;
  tokens: AdminToken[];
  /** Interval of the SSE heartbeat comment (default 15 s). */
  sseHeartbeatMs?: number;
  /** Show version, listeners and counts on `/health` without a token (default false: only `status`). */
  healthDetails?: boolean;
  /** Abuse limits (defaults: `ADMIN_LIMIT_DEFAULTS`). */
  limits?: Partial<AdminLimits>;
}

export interface AdminDeps {
  config: AdminConfig;
  registry: CoreDnRegistry;
  bus: EventBus;
  metrics: MetricsRegistry;
  logger: Logger;
  plugins(): PluginStatus[];
  /** Extra health fields (merged into `GET /api/v1/health`; a `version` here wins over the core's). */
  health(): Record<string, unknown>;
}
