/**
 * The example plugin, small enough to read in a minute: it counts agent logins per DN in its own table
 * and serves the counts at `GET /api/v1/plugins/example/logins`.
 */
import { definePlugin, SDK_VERSION } from "@tandem/sdk";

/** Options under `plugins.example` (defaults applied by the host). */
export interface ExampleConfig {
  /** Which event is counted; `EventAgentLogin` by default. */
  event: string;
}

export default definePlugin<ExampleConfig>({
  manifest: {
    name: "example",
    version: "0.1.0",
    sdk: `^${SDK_VERSION}`,
    description: "Counts agent logins per DN and serves the counts",
    configSchema: {
      type: "object",
      properties: {
        event: { type: "string", pattern: "^Event[A-Za-z]+$", default: "EventAgentLogin", description: "Event to count per DN." },
      },
      additionalProperties: false,
    },
  },
  register(ctx) {
    ctx.storage.migrate([
      { version: 1, up: "CREATE TABLE {{logins}} (dn TEXT PRIMARY KEY, count INTEGER NOT NULL)" },
    ]);
    const counted = ctx.metrics.counter({ name: "logins_total", help: "Events counted by the example plugin" });

    ctx.bus.on(ctx.config.event as `Event${string}`, (event) => {
      if (event.dn === undefined) return;
      ctx.storage.run(
        "INSERT INTO {{logins}} (dn, count) VALUES (?, 1) ON CONFLICT(dn) DO UPDATE SET count = count + 1",
        [event.dn],
      );
      counted.inc();
    });

    ctx.http.route({
      method: "GET",
      path: "/logins",
      schema: { summary: "Logins counted per DN" },
      handler: () => ({ logins: ctx.storage.all("SELECT dn, count FROM {{logins}} ORDER BY dn") }),
    });

    ctx.onReady(() => ctx.log.info({ event: ctx.config.event }, "example plugin counting"));
  },
});
