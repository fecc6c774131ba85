/**
 * The presence plugin's manifest: its config schema (defaults applied by the host) and the DN options it
 * owns and reads (`presence`, `presence-closed-on-the-phone`). Defaults follow RFC 3856 (3600 s subscriptions) and the spec's reading of `closed`+`on-the-phone`
 * (busy on a private call on an extension without call waiting, not a logout).
 */
import { dnOption, dnOptionSchemas, type PluginManifest } from "@tandem/sdk";

/** How to read a `closed` NOTIFY that carries `on-the-phone`. */
export type ClosedOnThePhone = "busy" | "logout";

/** `plugins.presence` after validation and defaults. */
export interface PresenceConfig {
  /** VoipService DN whose `contact` / `contact-backup` is the notifier; default the first `service-type: softswitch`. */
  notifier?: string;
  /** Requested subscription duration, seconds (RFC 3856 §6.4 default 3600). */
  expires: number;
  /** Refresh this many seconds before expiry (at most half the granted duration). */
  refreshMarginSeconds: number;
  /** New SUBSCRIBEs (start-up and re-subscribes) sent per second at most. */
  subscribeRate: number;
  /** Re-subscribe backoff after consecutive failures: min doubles up to max, with jitter. */
  backoffMinMs: number;
  backoffMaxMs: number;
  /** RFC 6665 §4.2.1 requires a NOTIFY right after each accepted SUBSCRIBE; none within this time = dead stream. */
  notifyTimeoutSeconds: number;
  /** A SUBSCRIBE (or refresh) unanswered this long counts as a timeout, whatever the stack says (> Timer F, 32 s). */
  answerTimeoutSeconds: number;
  /** A new SUBSCRIBE unanswered this long is reported (`unanswered` state, a log line) while the stack keeps retransmitting. */
  unansweredAfterMs: number;
  /**
   * An agent whose phone state no NOTIFY has confirmed this long after its SUBSCRIBE went out (or after its
   * subscription was lost) is set NotReady with reason `presence-unconfirmed`; 0 turns this off.
   */
  confirmWithinMs: number;
  /** Default reading of `closed` + `on-the-phone`; a DN overrides it with `presence-closed-on-the-phone`. */
  closedOnThePhone: ClosedOnThePhone;
  /** NOTIFY bodies larger than this are refused unread. */
  maxBodyBytes: number;
}

export const PRESENCE_DEFAULTS: PresenceConfig = {
  expires: 3600,
  refreshMarginSeconds: 60,
  // 10,000 DNs active in under 30 s (bench); lower it for a small PBX cluster.
  subscribeRate: 500,
  backoffMinMs: 1000,
  backoffMaxMs: 300_000,
  notifyTimeoutSeconds: 32,
  answerTimeoutSeconds: 40,
  // Over UDP the SUBSCRIBE and its retransmission at 0.5 s (RFC 3261 §17.1.2.2, T1 doubling) both went unanswered.
  unansweredAfterMs: 1500,
  // A reachable PBX confirms in well under a second; 10 s also rides out a re-subscribe after a lost dialog.
  confirmWithinMs: 10_000,
  closedOnThePhone: "busy",
  maxBodyBytes: 65_536,
};

/** DN option that marks an Extension / ACDPosition for presence (this plugin owns it: unknown while it is disabled). */
export const DN_OPTION_PRESENCE = dnOption.flag("presence", "Extension / ACDPosition: watch this DN's presence on the PBX.");
/** DN option that overrides {@link PresenceConfig.closedOnThePhone} for one DN. */
export const DN_OPTION_CLOSED_ON_THE_PHONE = dnOption.oneOf<ClosedOnThePhone>(
  "presence-closed-on-the-phone",
  ["busy", "logout"],
  "closed + on-the-phone means a private call (busy) or a logout on this DN",
);

export const manifest: PluginManifest = {
  name: "presence",
  version: "0.1.0",
  sdk: "^0.1.0",
  description: "Subscribes to agent phones on the PBX (RFC 3856) and turns NOTIFYs into agent-state requests",
  configSchema: {
    type: "object",
    additionalProperties: false,
    properties: {
      notifier: { type: "string", minLength: 1, description: "VoipService DN of the notifier (PBX)" },
      expires: { type: "integer", minimum: 60, maximum: 86_400, default: PRESENCE_DEFAULTS.expires },
      refreshMarginSeconds: { type: "integer", minimum: 1, maximum: 3600, default: PRESENCE_DEFAULTS.refreshMarginSeconds },
      subscribeRate: { type: "number", exclusiveMinimum: 0, maximum: 10_000, default: PRESENCE_DEFAULTS.subscribeRate },
      backoffMinMs: { type: "integer", minimum: 10, default: PRESENCE_DEFAULTS.backoffMinMs },
      backoffMaxMs: { type: "integer", minimum: 10, default: PRESENCE_DEFAULTS.backoffMaxMs },
      notifyTimeoutSeconds: { type: "integer", minimum: 1, maximum: 3600, default: PRESENCE_DEFAULTS.notifyTimeoutSeconds },
      answerTimeoutSeconds: { type: "integer", minimum: 1, maximum: 600, default: PRESENCE_DEFAULTS.answerTimeoutSeconds },
      unansweredAfterMs: { type: "integer", minimum: 100, maximum: 60_000, default: PRESENCE_DEFAULTS.unansweredAfterMs },
      confirmWithinMs: { type: "integer", minimum: 0, maximum: 3_600_000, default: PRESENCE_DEFAULTS.confirmWithinMs },
      closedOnThePhone: { enum: ["busy", "logout"], default: PRESENCE_DEFAULTS.closedOnThePhone },
      maxBodyBytes: { type: "integer", minimum: 256, maximum: 1_048_576, default: PRESENCE_DEFAULTS.maxBodyBytes },
    },
  },
  dnOptions: dnOptionSchemas([DN_OPTION_PRESENCE, DN_OPTION_CLOSED_ON_THE_PHONE]),
};

/** The config with defaults filled in (the host applies them; unit tests and odd hosts may not). */
export function withDefaults(config: Partial<PresenceConfig>): PresenceConfig {
  const merged = { ...PRESENCE_DEFAULTS, ...config };
  if (merged.backoffMaxMs < merged.backoffMinMs) merged.backoffMaxMs = merged.backoffMinMs;
  return merged;
}
