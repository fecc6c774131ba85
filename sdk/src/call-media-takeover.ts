/**
 * An extension of the call model's seam for media owners ({@link CallParties}): taking the media of a plain
 * two-party call (no consultation needed, as supervision does when a supervisor joins an agent's call) and
 * ringing an extra phone for a call through the trunk, like an agent leg; and finding the room a call already
 * is in, when its owner shares it, so a second feature (a supervisor, a recorder) adds its own party there instead
 * of moving the call's legs again. Provided by the core as `core`.
 */
import type { CallMediaOwner } from "./call-parties.js";
import { defineExtensionPoint } from "./extension-points.js";
import type { McuRoom } from "./mcu-adapter.js";
import type { SipLeg } from "./sip.js";

/** How {@link CallMediaTakeover.ringLeg} rings. */
export interface ExtraLegOptions {
  /** Our SDP offer (e.g. an MCU party's offer). */
  readonly sdp: string;
  readonly ringTimeoutMs: number;
  /** CANCELs the INVITE when aborted (the call ending CANCELs it too). */
  readonly signal?: AbortSignal;
}

/**
 * A call's room as its media owner lets other plugins use it: they join parties of their own (a supervisor's leg,
 * a recorder) and never move the call's legs, leave or close the room.
 */
export interface SharedCallRoom {
  readonly connId: string;
  readonly room: McuRoom;
  /** Room party ids of the agents on the call now (whom a coaching party whispers to). */
  agentPartyIds(): readonly string[];
  /**
   * Room party ids the owner gives the agents a conference adds to the call later (its spare agent seats), so a
   * guest recording the agents' side names them from the start and writes such an agent from its first frame.
   * Absent when the owner adds no agents to its room.
   */
  readonly joiningAgentPartyIds?: readonly string[];
  /**
   * `listener` runs once when the owner stops carrying the call (it ended, or its media went back to the model);
   * the guests' parties go with the room. While a guest listens, the owner keeps the room. Returns the unsubscribe.
   */
  onEnded(listener: () => void): () => void;
}

/** A {@link CallMediaOwner} whose rooms other plugins may join. */
export interface RoomSharingOwner extends CallMediaOwner {
  /** The room of `connId` to share, or undefined (no room, or not to be shared). */
  sharedRoom(connId: string): SharedCallRoom | undefined;
}

export interface CallMediaTakeover {
  /**
   * Hands the media of established call `connId` (customer ↔ agent, bridged by the model) to `owner`: the
   * model's bridge stops and `owner.connect` gets both legs, as for a conference. A call `owner` already carries
   * is left as it is; a held call, one in a consultation, or one another owner carries is refused
   * (`TANDEM_ERR_CALL_CONTROL_BAD_STATE`).
   */
  takeMedia(connId: string, owner: CallMediaOwner): Promise<void>;
  /**
   * Rings `dn` for call `connId` through the trunk (the `selectTrunk` hook and failover, as an agent leg), the
   * leg kept in the call record. Resolves with the answered leg, which stays the caller's: the model does not
   * make it a party and the caller ends it. Rejects with a coded error when it is not answered.
   */
  ringLeg(connId: string, dn: string, options: ExtraLegOptions): Promise<SipLeg>;
  /** The room call `connId` is in, when its media owner is a {@link RoomSharingOwner} that shares it. */
  sharedRoom(connId: string): SharedCallRoom | undefined;
}

/** Where the call model offers {@link CallMediaTakeover}. */
export const CALL_MEDIA_TAKEOVER = defineExtensionPoint<CallMediaTakeover>("core.call-media-takeover");

/** The name under which the call model provides {@link CALL_MEDIA_TAKEOVER}. */
export const DEFAULT_CALL_MEDIA_TAKEOVER = "core";
