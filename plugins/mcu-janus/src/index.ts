/**
 * @tandem/plugin-mcu-janus — an MCU adapter for Janus's AudioBridge plugin. It provides `mcu-janus` on the
 * `media.mcu` extension point owned by the `media` plugin: G.711 rooms mixed by Janus, whose parties are
 * AudioBridge plain-RTP participants, driven over the Janus WebSocket API. See README.md for what it declares and
 * what AudioBridge cannot do.
 */
import { definePlugin, MCU_ADAPTER } from "@tandem/sdk";
import { JanusMcu } from "./janus-mcu.js";
import { manifest, withDefaults, type JanusMcuConfig } from "./manifest.js";

export { manifest, JANUS_MCU_DEFAULTS, withDefaults, type JanusMcuConfig } from "./manifest.js";
export { JanusMcu, type JanusLog } from "./janus-mcu.js";
export { JanusErrors } from "./errors.js";
export { AUDIOBRIDGE, JanusClient, JanusRequestError } from "./janus-client.js";

export default definePlugin<JanusMcuConfig>({
  manifest,
  async register(ctx) {
    const config = withDefaults(ctx.config);
    // Connected here, not in onReady, so the adapter is there when the media plugin selects it.
    const adapter = await JanusMcu.start(ctx.id, config, ctx.log);
    ctx.extensions.provide(MCU_ADAPTER, ctx.id, adapter);
    ctx.onReady(() => ctx.log.info({ url: config.url }, "Janus AudioBridge MCU connected"));
    ctx.onClose(() => adapter.close());
  },
});
