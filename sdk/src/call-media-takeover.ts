/**
 * An extension of the call model's seam for media owners ({@link CallParties}): taking the media of a plain
 * two-party call (no consultation needed, as supervision does when a supervisor joins an agent's call) and
 * ringing an extra phone for a call through the trunk, like an agent leg. Provided by the core as `core`.
 */
import type { CallMediaOwner } from "./call-parties.js";
import { defineExtensionPoint } from "./extension-points.js";
import type { SipLeg } from "./sip.js";

/** How {@link CallMediaTakeover.ringLeg} rings. */
export interface ExtraLegOptions {
  /** Our SDP offer (e.g. an MCU party's offer). */
  readonly sdp: string;
  readonly ringTimeoutMs: number;
  /** CANCELs the INVITE when aborted (the call ending CANCELs it too). */
  readonly signal?: AbortSignal;
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
}

/** Where the call model offers {@link CallMediaTakeover}. */
export const CALL_MEDIA_TAKEOVER = defineExtensionPoint<CallMediaTakeover>("core.call-media-takeover");

/** The name under which the call model provides {@link CALL_MEDIA_TAKEOVER}. */
export const DEFAULT_CALL_MEDIA_TAKEOVER = "core";
