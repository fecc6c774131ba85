/**
 * A consumer plugin of the media plugin's rooms, as conferencing would be: `rooms-user` (enable it in the host's
 * config) takes `media.rooms` once the host is ready, so a test sees which adapter the media plugin selected.
 */
import { DEFAULT_MEDIA_ROOMS, definePlugin, MEDIA_ROOMS, type MediaRooms, type PluginDefinition } from "@tandem/sdk";

/** The plugin `rooms-user`; `found.rooms` is set when the host is ready. */
export function roomsConsumer(found: { rooms?: MediaRooms }): PluginDefinition {
  return definePlugin({
    manifest: { name: "rooms-user", version: "0.1.0", sdk: "^0.1.0", dependsOn: ["media"] },
    register(ctx) {
      ctx.onReady(() => {
        found.rooms = ctx.extensions.get(MEDIA_ROOMS, DEFAULT_MEDIA_ROOMS);
      });
    },
  });
}
