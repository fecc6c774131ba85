/**
 * What starts a recording without a request: the answering agent's DN or the call's queue marked `record: true` in
 * the plugin's config (Genesys full-time recording), or the call's user data asking for it — set by the routing
 * strategy or attached later (Genesys selective recording). Checked on EventEstablished and on
 * EventAttachedDataChanged of an answered call; consultation calls are left alone. The start waits a moment after
 * the answer so the customer's ACK (RFC 3261 §13.2.2.4) completes the INVITE before the re-INVITE that moves its
 * media, and is tried once more when a re-INVITE meets one in progress.
 */
import type { EventBus, Logger, TandemEvent, Unsubscribe } from "@tandem/sdk";
import type { CallFacts } from "./call-facts.js";
import type { CallRecordings } from "./call-recordings.js";
import type { RecordingConfig } from "./manifest.js";

/** Delay after the answer before the media moves, ms. */
export const TRIGGER_SETTLE_MS = 100;
const RETRY_MS = 300;

/** Whether a user-data value asks for a recording. */
export function asksRecording(value: unknown): boolean {
  return value === true || value === 1 || (typeof value === "string" && ["true", "1", "yes", "destination"].includes(value.toLowerCase()));
}

type TriggerFacts = { agentDn: string | null; dnis: string | null; queue: string | null; userData: Record<string, unknown> };

/** The trigger of a local recording (`record`) or a SIPREC session (`siprec`) for an established call, or undefined. */
export function triggerOf(config: RecordingConfig, call: TriggerFacts, kind: "record" | "siprec" = "record"): string | undefined {
  if (call.agentDn && config.dns[call.agentDn]?.[kind]) return "dn";
  if (call.queue && config.queues[call.queue]?.[kind]) return "queue";
  if (call.dnis && config.queues[call.dnis]?.[kind]) return "queue";
  if (asksRecording(call.userData[kind === "record" ? config.userDataKey : config.siprecUserDataKey])) return "user-data";
  return undefined;
}

export function watchTriggers(bus: EventBus, config: RecordingConfig, facts: CallFacts, recordings: CallRecordings, log: Logger): Unsubscribe {
  const tried = new Set<string>();
  const siprecTried = new Set<string>();
  const consider = (e: TandemEvent): void => {
    const connId = e.connId;
    if (!connId) return;
    if (e.name === "EventAttachedDataChanged" && e.data["state"] !== "Established") return;
    const known = facts.get(connId);
    // A consultation is recorded as part of the call it consults from, not on its own (its media is the model's
    // until the transfer or conference completes).
    if (!known || known.consultOf) return;
    const siprec = siprecTried.has(connId) ? undefined : triggerOf(config, known, "siprec");
    if (siprec) {
      siprecTried.add(connId);
      setTimeout(() => void recordings.startSiprec(connId, siprec), TRIGGER_SETTLE_MS);
    }
    if (tried.has(connId) || recordings.recording(connId)) return;
    const trigger = triggerOf(config, known);
    if (!trigger) return;
    tried.add(connId);
    const start = (retry: boolean): void => {
      recordings.start({ connId, source: "recording", trigger, ...(known.agentDn ? { dn: known.agentDn } : {}) }).catch((err: unknown) => {
        if (retry) return void setTimeout(() => start(false), RETRY_MS);
        log.warn({ err, connId, trigger }, "a triggered recording did not start");
      });
    };
    setTimeout(() => start(true), TRIGGER_SETTLE_MS);
  };
  const stops = [
    bus.on("EventEstablished", consider),
    bus.on("EventAttachedDataChanged", consider),
    bus.on("EventReleased", (e) => {
      if (e.connId && !facts.get(e.connId)) {
        tried.delete(e.connId);
        siprecTried.delete(e.connId);
      }
    }),
  ];
  return () => {
    for (const stop of stops) stop();
  };
}
