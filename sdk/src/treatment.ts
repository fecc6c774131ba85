/**
 * Queue treatments: what a caller hears while the call waits for an agent. Without a handler the caller hears
 * ringback from its own phone (180). A media-server plugin taps `startTreatment` to play music or announcements
 * as early media (RFC 3960): the core sends the caller a 183 with the media server's SDP answer and keeps the
 * treatment until an agent answers, then moves the caller's media to the agent with a re-INVITE.
 */
import { defineHook } from "./hooks.js";

/** A call that entered a queue, for which a treatment may be started. */
export interface TreatmentRequest {
  readonly connId: string;
  /** The Routing Point the call waits at. */
  readonly routingPoint: string;
  /** The queue the strategy reported (`RouteProgress` `queued`). */
  readonly queue: string;
  /** Caller number (ANI). */
  readonly ani?: string;
  /** Dialled number (DNIS). */
  readonly dnis: string;
  readonly userData: Readonly<Record<string, unknown>>;
  /** The caller's SDP offer, which the media server answers (a caller without an offer gets no treatment). */
  readonly offer: string;
  /**
   * Aborted when the treatment is no longer wanted before it started (the caller hung up, an agent answered first,
   * the call ended): a handler then cancels its INVITE to the media server.
   */
  readonly signal: AbortSignal;
}

/** Why a treatment ended. */
export type TreatmentEndCause =
  /** An agent answered (the normal end). */
  | "answered"
  /** The caller hung up or the call ended otherwise. */
  | "call-ended"
  /** The media server hung up or failed. */
  | "media-server";

/** A running treatment: one dialog with a media server. */
export interface Treatment {
  /** Name of the media server (or vendor adapter) for events and records, e.g. `ms1`. */
  readonly server: string;
  /** What is played, e.g. an RFC 4240 `play=` URL, for events. */
  readonly media?: string;
  /** The media server's SDP answer to the caller's offer: sent to the caller in a 183 and again in its 200. */
  readonly sdp: string;
  /** Ends the treatment (BYE to the media server). Called once; must not throw for a media server already gone. */
  stop(): Promise<void>;
  /** Resolves when the media server ends the treatment on its own (BYE, session failure). */
  readonly ended: Promise<void>;
}

/**
 * `startTreatment` (kind `first`): asked once per call when it first enters a queue, with the caller's offer. A
 * handler answers a running {@link Treatment} (its SDP is the early media), or `null` when it has none for this
 * queue. A handler that throws is logged; the caller then keeps hearing ringback (EventTreatmentNotApplied).
 */
export const startTreatment = defineHook<[TreatmentRequest], Treatment>("startTreatment", "first");
