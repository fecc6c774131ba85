/**
 * @tandem/plugin-presence — watches every agent phone on the PBX over RFC 3856 presence and turns the
 * NOTIFYs into agent-state requests, as "Managing Agents over SIP" describes. See README.md.
 */
import { definePlugin } from "@tandem/sdk";
import { manifest, withDefaults, type PresenceConfig } from "./manifest.js";
import { registerPresenceApi } from "./presence-api.js";
import { SubscriptionManager } from "./subscription-manager.js";

export { manifest, type PresenceConfig } from "./manifest.js";
export { parsePidf, type ParsedPresence } from "./pidf-parser.js";
export { mapPresence, INITIAL_VIEW, type PresenceView, type PlannedRequest } from "./presence-mapper.js";
export { PresenceErrors } from "./errors.js";

export default definePlugin<PresenceConfig>({
  manifest,
  register(ctx) {
    const config = withDefaults(ctx.config);
    const manager = new SubscriptionManager(ctx, config);
    registerPresenceApi(ctx.http, manager);
    // Subscriptions need the SIP listeners, which are up only once every plugin has registered.
    ctx.onReady(() => manager.start());
    ctx.onClose(() => manager.stop());
  },
});
