/**
 * @tandem/plugin-media — owner of the MCU adapter extension point (`media.mcu`, {@link MCU_ADAPTER}). Adapter plugins
 * (the embedded `media-engine`, a vendor's MCU) depend on this plugin and provide an adapter under their name; this
 * plugin selects the one named in `plugins.media.adapter` and offers it to conferencing, supervision, recording and
 * music on hold as {@link MEDIA_ROOMS}. See README.md.
 */
import { DEFAULT_MEDIA_ROOMS, definePlugin, MCU_ADAPTER, MEDIA_ROOMS } from "@tandem/sdk";
import { manifest, MEDIA_DEFAULTS, type MediaConfig } from "./manifest.js";
import { MediaRoomsService } from "./media-rooms-service.js";

export { manifest, MEDIA_DEFAULTS, type MediaConfig } from "./manifest.js";
export { MediaRoomsService } from "./media-rooms-service.js";
export { MediaPluginErrors } from "./errors.js";

const HEALTH_VALUE = { up: 1, degraded: 0.5, down: 0 } as const;

export default definePlugin<MediaConfig>({
  manifest,
  register(ctx) {
    const rooms = new MediaRoomsService(ctx.extensions, ctx.config.adapter ?? MEDIA_DEFAULTS.adapter);
    ctx.extensions.provide(MEDIA_ROOMS, DEFAULT_MEDIA_ROOMS, rooms);
    const selected = (): boolean => ctx.extensions.get(MCU_ADAPTER, rooms.adapterName) !== undefined;
    ctx.metrics.gauge({
      name: "adapter_health",
      help: "Health of the selected MCU adapter: 1 up, 0.5 degraded, 0 down or missing",
      labelNames: ["adapter"],
      collect: () => [{ labels: { adapter: rooms.adapterName }, value: selected() ? HEALTH_VALUE[rooms.health().status] : 0 }],
    });
    ctx.http.route({
      method: "GET",
      path: "/status",
      schema: { summary: "The selected MCU adapter: its name, health and capabilities" },
      handler: () => ({ adapter: rooms.adapterName, health: rooms.health(), capabilities: rooms.capabilities }),
    });
    ctx.onReady(() => {
      // Adapters register after this plugin (they depend on it): only now can a missing one be told from a late one.
      const adapter = rooms.select();
      ctx.log.info({ adapter: adapter.name, health: adapter.health().status }, "MCU adapter selected");
    });
    ctx.onClose(() => rooms.close());
  },
});
