/**
 * Who hears a leg's end (sip-leg.ts): `onEnded` listeners and a bridge's side (bridge.ts). A leg lives as long as
 * its call and nearly always has exactly one such listener (its bridge), so the leg keeps them in one field that
 * holds that listener as is and a Set only from the second on (memory per active call). These are plain functions
 * over that field's value, so a leg carries no extra object for its listeners.
 */
import type { LegEndReason } from "@tandem/sdk";
import type { LegPeer, SipLegImpl } from "./sip-leg.js";

export type EndListener = ((reason: LegEndReason) => void) | LegPeer;

/** The leg's field: no listener, one listener, or a Set of two or more. */
export type EndListeners = EndListener | Set<EndListener> | undefined;

/** `current` with `listener` added; the same listener twice is one listener, as with a Set. */
export function withEndListener(current: EndListeners, listener: EndListener): EndListeners {
  if (current === undefined) return listener;
  if (current instanceof Set) return current.add(listener);
  return current === listener ? current : new Set([current, listener]);
}

/**
 * `current` without `listener`. A Set is changed in place, so this works while `tellEnded` walks it too:
 * a listener removed by an earlier one is not told.
 */
export function withoutEndListener(current: EndListeners, listener: EndListener): EndListeners {
  if (current === listener) return undefined;
  if (current instanceof Set) current.delete(listener);
  return current;
}

/** Tells each listener once, in the order added; one that throws is logged and the others still hear it. */
export function tellEnded(listeners: EndListeners, reason: LegEndReason, leg: Pick<SipLegImpl, "callId" | "port">): void {
  if (listeners instanceof Set) for (const listener of listeners) tellOne(listener, reason, leg);
  else if (listeners) tellOne(listeners, reason, leg);
}

function tellOne(listener: EndListener, reason: LegEndReason, leg: Pick<SipLegImpl, "callId" | "port">): void {
  try {
    if (typeof listener === "function") listener(reason);
    else listener.legEnded(reason);
  } catch (error) {
    leg.port.deps.logger.warn({ callId: leg.callId, err: String(error) }, "onEnded listener threw");
  }
}
