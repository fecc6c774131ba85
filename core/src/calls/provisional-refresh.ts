/**
 * A routed call may wait in a queue for many minutes before anyone answers. RFC 3261 §13.3.1.1: a UAS that takes
 * long to answer MUST send a non-100 provisional response every minute, or a proxy on the way (CUCM, an SBC) may
 * cancel the transaction after 3 minutes without one (Timer C, §16.6). The caller gets the same provisional
 * again: 180, or the 183 with the early answer it already has (a treatment's SDP must not change).
 */
import type { Call } from "./call.js";

const timers = new WeakMap<Call, NodeJS.Timeout>();

/** Re-sends the caller's provisional response every `intervalMs` until the call is answered or ends. */
export function keepRinging(call: Call, intervalMs: number): void {
  if (timers.has(call)) return;
  const timer = setInterval(() => {
    if (call.ended || call.callerGone || call.answering) return stopRinging(call);
    call.invite.progress(call.earlySdp === undefined ? undefined : { status: 183, sdp: call.earlySdp });
  }, intervalMs);
  timer.unref();
  timers.set(call, timer);
}

export function stopRinging(call: Call): void {
  clearInterval(timers.get(call));
  timers.delete(call);
}
