/**
 * A call whose media a plugin carries (CALL_PARTIES, call-parties.ts): its parties with their legs and rows in
 * the call record, kept beside the call like the rest of call control's state.
 */
import type { CallMediaOwner, CallPartyLeg, SipLeg } from "@tandem/sdk";

export interface OwnedParty extends CallPartyLeg {
  /** The leg's row in the call record (undefined for a leg the record never had). */
  readonly row: number | undefined;
  /** Stops watching the leg's end (when the party leaves or the model takes the legs back). */
  unwatch: () => void;
}

export interface OwnedMedia {
  readonly owner: CallMediaOwner;
  parties: OwnedParty[];
  /**
   * The owner gave the media back (`rebridge`) while its legs were lent (lent-media.ts): when they come back they
   * are bridged directly instead of rejoining its room.
   */
  givenBack?: boolean;
}

/** The plain view of the parties handed to the owner. */
export function partyLegs(parties: readonly CallPartyLeg[]): CallPartyLeg[] {
  return parties.map(({ dn, role, leg }) => ({ dn, role, leg }));
}

/**
 * Whether `owned` lends its legs for a hold or consultation (lent-media.ts): its owner takes them back
 * (`rejoin`) and it carries only the call's `customer` and `agent`.
 */
export function lendsLegs(owned: OwnedMedia, customer: SipLeg | undefined, agent: SipLeg | undefined): boolean {
  if (typeof owned.owner.rejoin !== "function" || owned.parties.length !== 2) return false;
  return owned.parties.some((p) => p.leg === customer) && owned.parties.some((p) => p.leg === agent);
}
