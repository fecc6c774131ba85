/**
 * A call whose media a plugin carries (CALL_PARTIES, call-parties.ts): its parties with their legs and rows in
 * the call record, kept beside the call like the rest of call control's state.
 */
import type { CallMediaOwner, CallPartyLeg } from "@tandem/sdk";

export interface OwnedParty extends CallPartyLeg {
  /** The leg's row in the call record (undefined for a leg the record never had). */
  readonly row: number | undefined;
  /** Stops watching the leg's end (when the party leaves or the model takes the legs back). */
  unwatch: () => void;
}

export interface OwnedMedia {
  readonly owner: CallMediaOwner;
  parties: OwnedParty[];
}

/** The plain view of the parties handed to the owner. */
export function partyLegs(parties: readonly OwnedParty[]): CallPartyLeg[] {
  return parties.map(({ dn, role, leg }) => ({ dn, role, leg }));
}
