/**
 * The MCU failing under a conference: its room is lost (or the adapter reports itself down). Every agent on the
 * call gets EventError `TANDEM_ERR_CONFERENCE_MEDIA_LOST`; the call keeps the customer and one agent (the others
 * are dropped) and those two legs are re-INVITEd towards each other and bridged directly by the call model. When
 * even that fails the call is released, so no one is left in silence or Busy.
 */
import type { CallParties, CallPartyLeg, EventBus, Logger, MediaRooms, Unsubscribe } from "@tandem/sdk";
import type { Conference, ConferenceRooms } from "./conference-rooms.js";
import { ConferencingErrors } from "./errors.js";

export interface MediaLossDeps {
  readonly rooms: MediaRooms;
  readonly conferences: ConferenceRooms;
  readonly parties: () => CallParties;
  readonly bus: EventBus;
  readonly log: Logger;
}

export function watchMediaLoss(deps: MediaLossDeps): Unsubscribe {
  return deps.rooms.onEvent((event) => {
    if (event.type === "room-lost") {
      const conference = deps.conferences.byRoom(event.roomId);
      if (conference) void recover(deps, conference, event.reason);
    } else if (event.type === "health" && event.health.status === "down") {
      for (const conference of deps.conferences.all()) void recover(deps, conference, event.health.detail ?? "adapter down");
    }
  });
}

/** The two parties that go on: the customer (when still there) and the first agent. */
function keepers(list: readonly CallPartyLeg[]): CallPartyLeg[] {
  const customer = list.find((p) => p.role === "customer");
  const agent = list.find((p) => p.role === "agent");
  const keep = [customer, agent].filter((p): p is CallPartyLeg => p !== undefined);
  for (const p of list) if (keep.length < 2 && !keep.includes(p)) keep.push(p);
  return keep;
}

async function recover(deps: MediaLossDeps, conference: Conference, reason: string): Promise<void> {
  const { connId } = conference;
  deps.conferences.forget(connId);
  const parties = deps.parties();
  const list = parties.parties(connId);
  const error = ConferencingErrors.mediaLost(connId, deps.rooms.adapterName, reason);
  deps.log.warn({ connId, reason, parties: list.length }, "conference room lost; bridging two parties directly");
  for (const p of list) {
    if (p.role !== "customer") deps.bus.emit("EventError", { dn: p.dn, connId, source: "conferencing", data: { code: error.code, message: error.message, thisDn: p.dn } });
  }
  const keep = keepers(list);
  const actor = keep.find((p) => p.role === "agent") ?? list.find((p) => p.role === "agent");
  if (!actor) return;
  const request = { dn: actor.dn, connId, referenceId: `media-lost-${connId}`, source: "conferencing" };
  for (const p of list) {
    if (!keep.includes(p)) await parties.dropParty({ ...request, otherDn: p.dn }).catch((err: unknown) => deps.log.warn({ err, connId }, "dropping a party after the room was lost failed"));
  }
  try {
    await parties.rebridge(connId);
  } catch (err) {
    deps.log.warn({ err, connId }, "bridging the two parties directly failed; releasing the call");
    await parties.dropParty({ ...request, otherDn: actor.dn }).catch(() => undefined);
  }
}
