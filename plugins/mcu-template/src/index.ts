/**
 * @tandem/plugin-mcu-template — a template MCU adapter to copy. It provides `mcu-template` on the `media.mcu`
 * extension point owned by the `media` plugin. `LoopbackMixer` stands in for the MCU; a vendor replaces it with a
 * client of their product implementing `MixerBackend`. See docs/guides/writing-an-mcu-adapter.md.
 */
import { definePlugin, MCU_ADAPTER } from "@tandem/sdk";
import { LoopbackMixer } from "./loopback-mixer.js";
import { manifest, withDefaults, type TemplateMcuConfig } from "./manifest.js";
import { TemplateMcu } from "./template-mcu.js";

export { manifest, TEMPLATE_MCU_DEFAULTS, withDefaults, type TemplateMcuConfig } from "./manifest.js";
export { TemplateMcu } from "./template-mcu.js";
export { LoopbackMixer } from "./loopback-mixer.js";
export type { MediaAddress, MixerBackend } from "./mixer-backend.js";

export default definePlugin<TemplateMcuConfig>({
  manifest,
  register(ctx) {
    const config = withDefaults(ctx.config);
    const adapter = new TemplateMcu(ctx.id, new LoopbackMixer(config.address), config);
    ctx.extensions.provide(MCU_ADAPTER, ctx.id, adapter);
    ctx.onClose(() => adapter.close());
  },
});
