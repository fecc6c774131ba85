/**
 * @tandem/plugin-media-engine — the embedded MCU adapter. It provides `media-engine` on the `media.mcu` extension
 * point owned by the `media` plugin: G.711 rooms mixed in worker threads over RTP/RTCP (RFC 3550/3551), with
 * speak-listen, listen-only and whisper parties, WAV players and recorders, RFC 4733 telephone-events detected and
 * passed on, and media inactivity reports. See README.md.
 */
import { definePlugin, MCU_ADAPTER } from "@tandem/sdk";
import { EngineMetrics } from "./engine-metrics.js";
import { manifest, withDefaults, type MediaEngineConfig } from "./manifest.js";
import { MediaEngine } from "./media-engine.js";

export { manifest, MEDIA_ENGINE_DEFAULTS, withDefaults, type MediaEngineConfig } from "./manifest.js";
export { MediaEngine, type EngineStats, type EngineLog } from "./media-engine.js";
export { EngineErrors } from "./errors.js";

const STATS_INTERVAL_MS = 1000;

export default definePlugin<MediaEngineConfig>({
  manifest,
  async register(ctx) {
    const config = withDefaults(ctx.config);
    // Started here, not in onReady, so the adapter is up when the media plugin selects it; a boot that fails later
    // closes registered plugins, and with them the workers.
    const engine = await MediaEngine.start(ctx.id, config, ctx.log);
    ctx.extensions.provide(MCU_ADAPTER, ctx.id, engine);
    const metrics = new EngineMetrics(ctx.metrics, engine);
    const timer = setInterval(() => {
      engine.stats().then((s) => metrics.update(s), () => undefined);
    }, STATS_INTERVAL_MS);
    timer.unref();
    ctx.onReady(() => ctx.log.info({ address: config.address, ports: engine.ports.describe(), workers: config.workers }, "media engine mixing"));
    ctx.onClose(async () => {
      clearInterval(timer);
      await engine.close();
    });
  },
});
