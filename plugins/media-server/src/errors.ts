/**
 * Coded errors of the media-server plugin. Each code has a row under `## media-server` in `docs/errors.md`.
 * None of them reaches the caller: a treatment that cannot start leaves the caller on ringback, and a bad
 * server entry is left out while the others keep working.
 */
import { defineError } from "@tandem/sdk";

export const MediaErrors = {
  unknownServer: defineError("TANDEM_ERR_MEDIA_UNKNOWN_SERVER", "media server %s is not a VoipService DN; it is left out"),
  badContact: defineError("TANDEM_ERR_MEDIA_BAD_CONTACT", "media server %s has an unusable contact URI %s; it is left out"),
  noServer: defineError("TANDEM_ERR_MEDIA_NO_SERVER", "no media server is configured; queue %s gets ringback"),
  serverFailed: defineError("TANDEM_ERR_MEDIA_SERVER_FAILED", "media server %s (%s) failed: %s; trying the next one"),
  allFailed: defineError("TANDEM_ERR_MEDIA_ALL_FAILED", "every media server failed for queue %s (tried: %s); the caller gets ringback"),
  refused: defineError("TANDEM_ERR_MEDIA_REFUSED", "media server %s refused treatment %s with %s; the caller gets ringback"),
  noSdp: defineError("TANDEM_ERR_MEDIA_NO_SDP", "media server %s answered without an SDP answer"),
  noOffer: defineError("TANDEM_ERR_MEDIA_NO_OFFER", "call %s has no SDP offer; queue %s gets ringback"),
  probeFailed: defineError("TANDEM_ERR_MEDIA_PROBE_FAILED", "media server %s (%s) failed its OPTIONS probe: %s; calls skip it until a probe succeeds"),
  ended: defineError("TANDEM_ERR_MEDIA_ENDED", "media server %s ended treatment of call %s (%s)"),
  embeddedFailed: defineError("TANDEM_ERR_MEDIA_EMBEDDED_FAILED", "no media server in service and the MCU adapter %s could not play %s for queue %s: %s; the caller gets ringback"),
} as const;
