/**
 * Calls with more than two parties, or whose media goes somewhere else than the other party (a conference room,
 * music on hold). The call model keeps the parties, their legs, agents' reservations, records and events; a
 * plugin that owns the media (conferencing) decides where each leg's media goes and what happens when a party
 * leaves. The model knows nothing of rooms or MCUs: it hands the legs over ({@link CallMediaOwner.connect}) and
 * takes two of them back ({@link CallParties.rebridge}).
 *
 * {@link CONFERENCE_CONTROL} carries the T-Library conference requests from a desktop to the plugin that
 * implements them; {@link CALL_PARTIES} is the call model's side, provided by the core as `core`.
 */
import type { CallControlResult, CallDestinationRequest, CallRequest, TwoCallRequest } from "./call-control.js";
import { defineExtensionPoint } from "./extension-points.js";
import { defineHook } from "./hooks.js";
import type { SipLeg } from "./sip.js";

/** RequestDeleteFromConference: `otherDn` (an agent, or the customer's number) leaves the call. */
export interface DeleteFromConferenceRequest extends CallRequest {
  /** The party to drop; the requesting DN itself when it leaves. */
  otherDn: string;
}

/** The conference requests of the desktop protocol (T-Library names). */
export interface ConferenceControl {
  /** RequestInitiateConference: holds the call and starts a consultation call; resolves with its ConnID. */
  initiateConference(request: CallDestinationRequest): Promise<CallControlResult>;
  /** RequestCompleteConference: `connId` is the consultation, `heldConnId` the original; the target joins the original call. */
  completeConference(request: TwoCallRequest): Promise<CallControlResult>;
  /** RequestMergeCalls: the held call and the consultation become one conference (as {@link completeConference}). */
  mergeCalls(request: TwoCallRequest): Promise<CallControlResult>;
  /** RequestSingleStepConference: `destination` is called and joins the call once it answers. */
  singleStepConference(request: CallDestinationRequest): Promise<CallControlResult>;
  /** RequestDeleteFromConference: drops one party. */
  deleteFromConference(request: DeleteFromConferenceRequest): Promise<CallControlResult>;
}

/** Where the desktop (or any plugin) finds {@link ConferenceControl}; provided by the `conferencing` plugin. */
export const CONFERENCE_CONTROL = defineExtensionPoint<ConferenceControl>("conferencing.control");

/** The name under which the `conferencing` plugin provides {@link CONFERENCE_CONTROL}. */
export const DEFAULT_CONFERENCE_CONTROL = "conferencing";

/** One party of a call and its SIP leg. */
export interface CallPartyLeg {
  /** An agent's or destination's DN, or the customer's number. */
  readonly dn: string;
  readonly role: "customer" | "agent" | "destination";
  readonly leg: SipLeg;
}

/** Why the media owner's call ended or changed hands. */
export type CallMediaEnd = "released" | "rebridged";

/**
 * A plugin that carries the media of a call's legs. The model calls it; it never ends legs itself (it asks the
 * model through {@link CallParties}).
 */
export interface CallMediaOwner {
  /**
   * Takes over the media of `parties` (every leg of the call: the model's bridge is stopped and each leg answers
   * a peer's offer with its last SDP until the owner sets its own `onOffer`). Throwing refuses: the model puts the
   * call back as it was, re-INVITEing every leg the owner had already moved with the SDP it had before.
   */
  connect(connId: string, parties: readonly CallPartyLeg[]): Promise<void>;
  /**
   * `party` left (hung up or dropped; its leg is ending). The answer decides: `continue` with `remaining`, or
   * `release` every party. With fewer than two parties left the model releases whatever the answer.
   */
  left(connId: string, party: CallPartyLeg, remaining: readonly CallPartyLeg[]): Promise<"continue" | "release">;
  /** The owner no longer carries the call (it ended, or two legs were bridged directly again): let its media go. */
  ended(connId: string, why: CallMediaEnd): void;
  /**
   * Optional; an owner that has it lends the legs of a two-party call (customer and agent) to the model for a hold
   * or a consultation, and an owner without it has them refused (`TANDEM_ERR_CALL_CONTROL_BAD_STATE`). While lent,
   * the model's hold and consultation re-INVITEs move the legs as for a plain call and the model answers their
   * offers; the owner keeps its room and its own parties (a supervisor, a recorder). When the hold or consultation
   * ends the model calls `rejoin` with the call's parties from then on: the customer and agent on a retrieve or
   * reconnect, the customer and the target on a completed transfer, all three on a completed conference (the owner
   * then carries the conference). The owner moves each leg into its room (a leg new to the room may take the seat
   * of one that is gone, so a transfer target is heard where the first agent was) and lets the legs no longer
   * listed go; the model ends those. Throwing leaves the legs where they are and the request fails.
   */
  rejoin?(connId: string, parties: readonly CallPartyLeg[]): Promise<void>;
  /**
   * Optional, for an owner with {@link rejoin}: the model is about to move `parties` (a hold or consultation
   * starts). Their room parties stay (the seats kept for `rejoin`) but should stop sending to the legs, which are
   * about to take other media (music on hold, the consulted party). A failure is logged; the hold goes on.
   */
  lend?(connId: string, parties: readonly CallPartyLeg[]): Promise<void>;
}

/** The call model's verbs for calls whose media a plugin carries. */
export interface CallParties {
  /**
   * RequestCompleteConference in the model: the consultation `connId`'s target joins the held call
   * `heldConnId`, whose legs `owner` then carries. The consultation ends (EventReleased, cause `conferenced`), a
   * joining agent gets EventPartyChanged (`previousConnId`), the other agents EventPartyAdded.
   */
  joinConsult(request: TwoCallRequest, owner: CallMediaOwner): Promise<CallControlResult>;
  /** The parties of a call a media owner carries (empty for any other call). */
  parties(connId: string): readonly CallPartyLeg[];
  /** RequestDeleteFromConference in the model: BYE to `otherDn`'s leg, EventPartyDeleted to the DNs left. */
  dropParty(request: DeleteFromConferenceRequest): Promise<CallControlResult>;
  /**
   * Gives the media of a call down to two parties back to the model: the two legs are re-INVITEd towards each
   * other (RFC 3725 §5: each learns the other's SDP) and bridged. The owner's `ended(…, "rebridged")` follows; for
   * legs lent for a hold or consultation ({@link CallMediaOwner.rejoin}) it resolves at once, and the legs are
   * bridged, and `ended` called, when they come back instead of rejoining the owner's room.
   */
  rebridge(connId: string): Promise<void>;
}

/** Where the call model offers {@link CallParties}; consumers call `ctx.extensions.get(CALL_PARTIES, DEFAULT_CALL_PARTIES)`. */
export const CALL_PARTIES = defineExtensionPoint<CallParties>("core.call-parties");

/** The name under which the call model provides {@link CALL_PARTIES}. */
export const DEFAULT_CALL_PARTIES = "core";

/** What {@link provideHoldMedia} is asked when a call is put on hold. */
export interface HoldMediaRequest {
  readonly connId: string;
  /** The agent DN that holds the call. */
  readonly dn: string;
  /** The held party's number (the customer). */
  readonly heldDn: string | undefined;
  /** The queue the call came through, if any. */
  readonly queue: string | undefined;
}

/**
 * Media for a held party (music on hold): an SDP offer the model sends the held leg in its hold re-INVITE instead
 * of `sendonly` silence (RFC 3264 §8.4), completed by the leg's answer. The model re-INVITEs the leg back to the
 * agent's SDP on retrieve, then calls {@link stop}.
 */
export interface HoldMedia {
  readonly offer: string;
  /** Completes the offer/answer with the held leg's answer; the music starts. */
  accept(answer: string): Promise<void>;
  /** An offer from the held party while held (a session refresh); resolves with the answer. */
  reoffer(offer: string): Promise<string>;
  /** Stops the music and releases its media (also when the call ends while held). */
  stop(): Promise<void>;
}

/**
 * Decision hook (kind `first`), asked by RequestHoldCall and a consultation's hold: what the held party hears.
 * `null` (or no handler, or a handler that throws) keeps the plain RFC 3264 hold: silence. Runs before the hold
 * re-INVITEs; a handler should answer within a few hundred ms (it delays the hold).
 */
export const provideHoldMedia = defineHook<[HoldMediaRequest], HoldMedia>("provideHoldMedia", "first");
