/**
 * A read-only tap on the wire: the stack hands it every message it sends to or takes from a trusted peer, as
 * text or bytes, before any parsing state is kept (the SIP trace behind the dashboard's call ladder). The tap
 * knows nothing of calls; whoever installs it maps Call-IDs to calls. It must be cheap and must not throw:
 * it runs on the SIP hot path.
 */
import type { Flow, Target } from "./transport/flow.js";

export type SipMessageTap = (direction: "in" | "out", callId: string, message: Buffer | string, peer: Flow | Target) => void;
