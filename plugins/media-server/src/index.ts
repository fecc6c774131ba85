/**
 * @tandem/plugin-media-server — queue treatments (music, announcements) as early media: on `startTreatment` it
 * INVITEs a media server's RFC 4240 announcement service with the caller's offer and hands the media server's
 * answer to the core, which sends it to the caller in a 183 (RFC 3960). Media servers are VoipService DNs,
 * tried in order with failover and hold-down, and probed with SIP OPTIONS. With none in service, the `media`
 * plugin's rooms (the embedded engine) play `embeddedMusic` instead. See README.md.
 */
import { DEFAULT_MEDIA_ROOMS, definePlugin, MEDIA_ROOMS, startTreatment, type PluginContext, type TandemError } from "@tandem/sdk";
import { MediaErrors } from "./errors.js";
import { manifest, withDefaults, type MediaServerConfig } from "./manifest.js";
import { createMediaMetrics, type MediaMetrics } from "./media-metrics.js";
import { registerServersApi } from "./servers-api.js";
import { ServerPool } from "./server-pool.js";
import { ServerProber, type ProbeOutcome } from "./server-prober.js";
import type { Endpoint } from "./server-directory.js";
import { TreatmentStarter } from "./treatment-starter.js";

export { manifest, MEDIA_SERVER_DEFAULTS, MEDIA_SERVER_SERVICE_TYPE, type MediaServerConfig, type TreatmentSpec, type TreatmentsConfig, type Repeat } from "./manifest.js";
export { announcementUri, escapeParamValue, parseContact, type Announcement } from "./netann-uri.js";
export { readServers, type Endpoint, type ServerDirectory } from "./server-directory.js";
export { ServerPool, type EndpointState, type ProbeEffect } from "./server-pool.js";
export { ServerProber, judgeResponse, judgeError, type ProbeOutcome } from "./server-prober.js";
export { selectTreatment } from "./treatment-selector.js";
export { classifyFailure, type AttemptOutcome } from "./invite-attempt.js";
export { MediaErrors } from "./errors.js";

function logProblems(ctx: PluginContext<MediaServerConfig>, problems: readonly TandemError[]): void {
  for (const p of problems) ctx.log.warn({ code: p.code }, p.message);
}

/** A finished probe into the pool, the metrics and the log (only changes are logged, not every probe). */
function onProbe(ctx: PluginContext<MediaServerConfig>, pool: ServerPool, metrics: MediaMetrics, config: MediaServerConfig) {
  return (endpoint: Endpoint, outcome: ProbeOutcome): void => {
    metrics.probes.inc({ server: endpoint.server, result: outcome.result });
    // Held down until the probe after next has had its time: a server that stays dead never looks up in between.
    const effect = pool.probed(endpoint, { ok: outcome.ok, result: outcome.detail }, config.probeIntervalMs + config.probeTimeoutMs);
    const where = { server: endpoint.server, uri: endpoint.uri };
    if (effect === "held-down") {
      const e = MediaErrors.probeFailed(endpoint.server, endpoint.uri, outcome.detail);
      ctx.log.warn({ code: e.code, ...where }, e.message);
    } else if (effect === "recovered") {
      ctx.log.info({ ...where, result: outcome.detail }, "media server answered its OPTIONS probe; calls use it again");
    }
  };
}

export default definePlugin<MediaServerConfig>({
  manifest,
  register(ctx) {
    const config = withDefaults(ctx.config);
    const pool = new ServerPool({ dns: ctx.dns, servers: config.servers, holdDownMs: config.holdDownMs });
    logProblems(ctx, pool.reload());
    const metrics = createMediaMetrics(ctx.metrics, pool);
    // The media plugin is optional: when enabled, its rooms play queue music while no media server is in service.
    const rooms = () => ctx.extensions?.get(MEDIA_ROOMS, DEFAULT_MEDIA_ROOMS);
    const starter = new TreatmentStarter({ sip: ctx.sip, pool, config, log: ctx.log, bus: ctx.bus, metrics, source: ctx.id, rooms });
    ctx.hooks.tap(startTreatment, (request) => starter.start(request));
    registerServersApi(ctx.http, pool);
    const prober = new ServerProber({
      sip: ctx.sip,
      endpoints: () => pool.endpoints.map((s) => s.endpoint),
      intervalMs: config.probeIntervalMs,
      timeoutMs: config.probeTimeoutMs,
      onResult: onProbe(ctx, pool, metrics, config),
    });
    const unChange = ctx.dns.onChange((change) => {
      if (change.dn.type !== "VoipService") return;
      logProblems(ctx, pool.reload());
      prober.sync();
    });
    ctx.onReady(() => {
      // Probes need the SIP listeners, which are up only now.
      prober.start();
      if (pool.servers.length === 0 && (config.treatments.default !== undefined || Object.keys(config.treatments.queues ?? {}).length > 0)) {
        // With the media plugin's rooms, queued callers still hear music: say that, not "ringback".
        const embedded = config.embeddedMusic === false ? undefined : rooms();
        if (embedded) {
          ctx.log.info({ adapter: embedded.adapterName, music: config.embeddedMusic }, "no media server is configured; queued callers hear music from the media plugin's rooms");
        } else {
          const e = MediaErrors.noServer("(every queue)");
          ctx.log.warn({ code: e.code, servers: config.servers ?? null }, e.message);
        }
      }
    });
    ctx.onClose(async () => {
      unChange();
      prober.stop();
      await starter.stopAll();
    });
  },
});
