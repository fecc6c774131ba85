/**
 * Opening a SIPREC session (RFC 7866) for a recorded call to the configured SRS, and the events that say how it
 * went: started, lost (with a re-try on the next SRS), failed. The call and its local recording go on whatever the
 * SRS does.
 */
import type { EventBus, Logger, SipVerbs } from "@tandem/sdk";
import type { CallFacts } from "./call-facts.js";
import { RecordingErrors } from "./errors.js";
import type { RecordedCall, RecordedCalls } from "./recorded-call.js";
import { participantsOf, sidesOf } from "./siprec-participants.js";
import type { SrsDirectory } from "./siprec/srs-targets.js";
import { SiprecLink } from "./siprec/siprec-link.js";

export interface SiprecStartDeps {
  readonly directory: SrsDirectory | undefined;
  readonly facts: CallFacts;
  readonly bus: EventBus;
  readonly log: Logger;
  readonly sip: SipVerbs;
  readonly calls: RecordedCalls;
  /** The call's media in a room the recording carries. */
  readonly roomFor: (connId: string) => Promise<RecordedCall>;
  /** Gives the call's media back once nothing uses its room. */
  readonly giveBack: (call: RecordedCall) => void;
}

/**
 * Opens a SIPREC session for call `connId` to the configured SRS. Never throws: an SRS that refuses or fails is
 * EventSiprecFailed + EventError (TANDEM_ERR_RECORDING_SRS_FAILED), and the call (and its local recording) go on.
 */
export async function startSiprec(connId: string, trigger: string, deps: SiprecStartDeps): Promise<boolean> {
  const directory = deps.directory;
  let srs = "-";
  const where = () => {
    const dn = deps.facts.get(connId)?.agentDn;
    return { connId, source: "recording", ...(dn ? { dn } : {}) };
  };
  const fail = (call: RecordedCall | undefined, reason: string): false => {
    const error = RecordingErrors.srsFailed(connId, srs, reason);
    deps.log.warn({ connId, code: error.code }, error.message);
    deps.bus.emit("EventSiprecFailed", { ...where(), data: { code: error.code, message: error.message, srs, trigger } });
    deps.bus.emit("EventError", { ...where(), data: { code: error.code, message: error.message } });
    if (call) deps.giveBack(call);
    return false;
  };
  if (!directory) return fail(undefined, "no SRS is configured (plugins.recording.siprec.srs)");
  let call: RecordedCall | undefined;
  try {
    call = await deps.roomFor(connId);
    if (call.siprec) return true;
    const members = [...call.members.values()];
    const customer = members.find((m) => m.leg.role === "customer");
    const agent = members.find((m) => m.leg.role !== "customer");
    if (!customer || !agent) throw new Error("the call has no customer and agent side");
    const { uris, problems } = directory.uris();
    srs = uris.join(", ") || "-";
    if (uris.length === 0) throw new Error(problems.join("; "));
    const recorded = call;
    const siprec = await SiprecLink.start(
      { sip: deps.sip, room: call.room, connId, sides: () => sidesOf(recorded) },
      { srs: uris, answerMs: directory.answerMs },
      participantsOf(call),
      {
        dropped: ({ srs: from, reason, retry }) => {
          const error = RecordingErrors.srsLost(connId, from, reason, retry ? `trying ${retry}` : "no re-try is left");
          deps.log.warn({ connId, code: error.code }, error.message);
          deps.bus.emit("EventSiprecLost", { ...where(), data: { code: error.code, message: error.message, srs: from, retry, trigger } });
        },
        resumed: ({ srs: to, sessionId }) => deps.bus.emit("EventSiprecStarted", { ...where(), data: { srs: to, trigger, sessionId, retry: true } }),
        lost: (reason) => {
          recorded.siprec = undefined;
          fail(deps.calls.get(connId) === recorded ? recorded : undefined, reason);
        },
      },
    );
    if (deps.calls.get(connId) !== call) {
      await siprec.stop();
      return fail(undefined, "the call ended while the SRS answered");
    }
    call.siprec = siprec;
    const up = siprec.srs;
    const failedOver = up.failedBefore.map((f) => ({ srs: f.srs, reason: f.reason }));
    deps.bus.emit("EventSiprecStarted", { ...where(), data: { srs: up.uri ?? srs, trigger, sessionId: siprec.metadata?.sessionId ?? null, failedOver } });
    return true;
  } catch (err) {
    return fail(call, String((err as Error)?.message ?? err));
  }
}
