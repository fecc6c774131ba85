/** An AdminServer over a real core (temp SQLite file) for the admin tests. */
import { join } from "node:path";
import type { TestContext } from "node:test";
import type { AdminLimits } from "../../core/src/admin/admin-limits.js";
import { AdminServer, type PluginStatus } from "../../core/src/admin/admin-server.js";
import { MetricsRegistry } from "../../core/src/metrics/metrics-registry.js";
import type { DnValidator } from "../../core/src/registry/dn-validation.js";
import { openCore, quietLogger, tempDir, type Core } from "../bus/test-support.js";

export const TOKEN = "test-token-0123456789";
export const auth = { authorization: `Bearer ${TOKEN}` };

export interface Harness {
  core: Core;
  admin: AdminServer;
  metrics: MetricsRegistry;
  plugins: PluginStatus[];
}

export function startHarness(
  t: TestContext,
  options: {
    sseHeartbeatMs?: number;
    flushMs?: number;
    limits?: Partial<AdminLimits>;
    healthDetails?: boolean;
    host?: string;
    port?: number;
    /** The DN validator of a host with these plugins enabled (default: the core's options only). */
    dnValidator?: DnValidator;
  } = {},
): Harness {
  const core = openCore(join(tempDir(t), "admin.sqlite"), {
    flushMs: options.flushMs ?? 10,
    ...(options.dnValidator ? { dnValidator: options.dnValidator } : {}),
  });
  const metrics = new MetricsRegistry({ defaultMetrics: false });
  metrics.core.counter({ name: "test_total", help: "a test counter" }).inc();
  const plugins: PluginStatus[] = [{ id: "example", version: "1.2.3", status: "ready", description: "example plugin" }];
  const admin = new AdminServer({
    config: {
      host: options.host ?? "127.0.0.1",
      port: options.port ?? 0,
      tokens: [
        { name: "ops", token: TOKEN },
        { name: "other", token: "another-token" },
      ],
      ...(options.sseHeartbeatMs === undefined ? {} : { sseHeartbeatMs: options.sseHeartbeatMs }),
      ...(options.limits === undefined ? {} : { limits: options.limits }),
      ...(options.healthDetails === undefined ? {} : { healthDetails: options.healthDetails }),
    },
    registry: core.registry,
    bus: core.bus,
    metrics,
    logger: quietLogger(),
    plugins: () => plugins,
    health: () => ({ sip: "up" }),
  });
  t.after(async () => {
    await admin.close();
    core.close();
  });
  return { core, admin, metrics, plugins };
}
