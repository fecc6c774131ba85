/** A consultation call (RequestInitiateTransfer) as call control tracks it beside the original call. */
import type { SipLeg } from "@tandem/sdk";
import type { Call } from "../call.js";

export interface Consult {
  /** Carries the consult's own ConnID for its events; it is not a call of the model (no record of its own). */
  readonly call: Call;
  readonly target: string;
  readonly toAgent: boolean;
  /** CANCELs the INVITE to the target while it rings. */
  readonly abort: AbortController;
  /** The target's leg once it answered, and its row in the original call's record. */
  leg: SipLeg | undefined;
  row: number | undefined;
  /** The consult is on hold and the phone talks to the customer again (RequestAlternateCall). */
  held: boolean;
  /** Set once the consult is over (completed, reconnected, target gone): late callbacks do nothing. */
  over: boolean;
}
