/**
 * @tandem/plugin-media-server — queue treatments (music, announcements) as early media: on `startTreatment` it
 * INVITEs a media server's RFC 4240 announcement service with the caller's offer and hands the media server's
 * answer to the core, which sends it to the caller in a 183 (RFC 3960). Media servers are VoipService DNs,
 * tried in order with failover and hold-down. See README.md.
 */
import { definePlugin, startTreatment, type PluginContext, type TandemError } from "@tandem/sdk";
import { MediaErrors } from "./errors.js";
import { manifest, withDefaults, type MediaServerConfig } from "./manifest.js";
import { createMediaMetrics } from "./media-metrics.js";
import { registerServersApi } from "./servers-api.js";
import { ServerPool } from "./server-pool.js";
import { TreatmentStarter } from "./treatment-starter.js";

export { manifest, MEDIA_SERVER_DEFAULTS, MEDIA_SERVER_SERVICE_TYPE, type MediaServerConfig, type TreatmentSpec, type TreatmentsConfig, type Repeat } from "./manifest.js";
export { announcementUri, escapeParamValue, parseContact, type Announcement } from "./netann-uri.js";
export { readServers, type Endpoint, type ServerDirectory } from "./server-directory.js";
export { ServerPool, type EndpointState } from "./server-pool.js";
export { selectTreatment } from "./treatment-selector.js";
export { classifyFailure, type AttemptOutcome } from "./invite-attempt.js";
export { MediaErrors } from "./errors.js";

function logProblems(ctx: PluginContext<MediaServerConfig>, problems: readonly TandemError[]): void {
  for (const p of problems) ctx.log.warn({ code: p.code }, p.message);
}

export default definePlugin<MediaServerConfig>({
  manifest,
  register(ctx) {
    const config = withDefaults(ctx.config);
    const pool = new ServerPool({ dns: ctx.dns, servers: config.servers, holdDownMs: config.holdDownMs });
    logProblems(ctx, pool.reload());
    const metrics = createMediaMetrics(ctx.metrics, pool);
    const starter = new TreatmentStarter({ sip: ctx.sip, pool, config, log: ctx.log, bus: ctx.bus, metrics, source: ctx.id });
    ctx.hooks.tap(startTreatment, (request) => starter.start(request));
    registerServersApi(ctx.http, pool);
    const unChange = ctx.dns.onChange((change) => {
      if (change.dn.type === "VoipService") logProblems(ctx, pool.reload());
    });
    ctx.onReady(() => {
      if (pool.servers.length === 0 && (config.treatments.default !== undefined || Object.keys(config.treatments.queues ?? {}).length > 0)) {
        const e = MediaErrors.noServer("(every queue)");
        ctx.log.warn({ code: e.code, servers: config.servers ?? null }, e.message);
      }
    });
    ctx.onClose(async () => {
      unChange();
      await starter.stopAll();
    });
  },
});
