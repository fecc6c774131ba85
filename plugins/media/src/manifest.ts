/** The media plugin's manifest: which adapter serves rooms (defaults applied by the host). */
import type { PluginManifest } from "@tandem/sdk";

/** `plugins.media` after validation and defaults. */
export interface MediaConfig {
  /** Name of the MCU adapter that serves every room; an enabled adapter plugin must provide it. */
  adapter: string;
}

export const MEDIA_DEFAULTS: MediaConfig = { adapter: "media-engine" };

export const manifest: PluginManifest = {
  name: "media",
  version: "0.1.0",
  sdk: "^0.1.0",
  description: "Owns the MCU adapter extension point (media.mcu) and offers the configured adapter's rooms (media.rooms)",
  configSchema: {
    type: "object",
    additionalProperties: false,
    properties: {
      adapter: {
        type: "string",
        pattern: "^[a-z0-9][a-z0-9-]*$",
        default: MEDIA_DEFAULTS.adapter,
        description: "Name of the MCU adapter that serves rooms (an enabled adapter plugin provides it; default media-engine)",
      },
    },
  },
};
