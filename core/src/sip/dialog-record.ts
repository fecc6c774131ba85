/**
 * A confirmed dialog written down so that a later process can end it. After a crash the sip.js dialogs are gone,
 * but the peers still hold theirs: with this state a restarted server builds the BYE exactly as the dialog would
 * have (RFC 3261 §12.2.1.1, §15.1.1) and the phone and the customer stop talking to a dead call.
 */
import type { SipLeg, SipTransportName } from "@tandem/sdk";

export interface DialogRecord {
  callId: string;
  localTag: string;
  remoteTag: string;
  /** From and To of our requests (§12.2.1.1). */
  localUri: string;
  remoteUri: string;
  /** Request-URI of our requests: the peer's Contact, as last refreshed (§12.2). */
  remoteTarget: string;
  /** Route header values, in order (§12.1.1, §12.1.2). */
  routeSet: string[];
  /** Highest CSeq we had sent when the record was written (none yet: 0). */
  localSeq: number;
  transport: SipTransportName;
}

/** The stack's side of crash recovery: read a live leg's dialog, and end a dialog known only from its record. */
export interface DialogRecovery {
  /** The leg's dialog state now; undefined for a leg this stack did not make (a test double). */
  snapshot(leg: SipLeg): DialogRecord | undefined;
  /**
   * Calls `listener` with the leg after each re-INVITE from the peer that we accept (a target refresh). One
   * listener is shared by every leg (a field on the leg, no closure per call: memory per active call).
   */
  watch(leg: SipLeg, listener: (leg: SipLeg) => void): void;
  /** Sends BYE in the recorded dialog; resolves with the final status (408 when nothing came, 503 unsendable). */
  bye(record: DialogRecord): Promise<number>;
}
