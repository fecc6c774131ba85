/**
 * Recording in another owner's shared room (a conference, a supervised call) as a guest: the legs stay where the
 * host put them, and the recording row follows the call model's parties as the host changes them.
 */
import { CALL_PARTIES, DEFAULT_CALL_PARTIES, type EventBus, type Extensions, type SharedCallRoom, type TandemEvent } from "@tandem/sdk";
import { RecordingErrors } from "./errors.js";
import type { RecordedCall, RecordedCalls } from "./recorded-call.js";

export interface GuestRecordingDeps {
  readonly extensions: Extensions;
  readonly bus: EventBus;
  readonly calls: RecordedCalls;
  /** The host's room ended: the recording of `connId` ends with it. */
  readonly ended: (connId: string) => void;
}

/**
 * Another owner's shared room (a conference, a supervised call): recorded as a guest. The call model's parties
 * say who is who; their room parties are the ones named by their leg ids (how the owners join legs), and the
 * agents' also the ones the host names (a transfer's target in the first agent's seat), each checked to be in the
 * room. The host's own guests (a supervisor) are not recorded.
 */
export function recordAsGuest(shared: SharedCallRoom, deps: GuestRecordingDeps): RecordedCall {
  const { connId, room } = shared;
  const inRoom = new Set(room.parties());
  const parties = deps.extensions.get(CALL_PARTIES, DEFAULT_CALL_PARTIES)?.parties(connId) ?? [];
  const ids = (customer: boolean): string[] => parties.filter((p) => (p.role === "customer") === customer && inRoom.has(p.leg.id)).map((p) => p.leg.id);
  const agents = [...new Set([...ids(false), ...shared.agentPartyIds().filter((id) => inRoom.has(id))])];
  // The seats the host gives a conference's agents are on the agent channel from the start: the layout is fixed.
  const layout = { left: ids(true), right: [...new Set([...agents, ...(shared.joiningAgentPartyIds ?? [])])] };
  if (layout.left.length === 0 || agents.length === 0) throw RecordingErrors.startFailed(connId, "the shared room's parties are not the call's legs");
  const since = new Date().toISOString();
  const call: RecordedCall = { connId, room, members: new Map(), left: [], guests: new Set(), guest: { layout, parties: parties.map((p) => ({ dn: p.dn, role: p.role, from: since })) } };
  deps.calls.set(connId, call);
  call.host = shared.onEnded(() => deps.ended(connId));
  // The host's parties change without asking its guests (a transfer, a conference): the row follows them.
  const follow = (event: TandemEvent): void => {
    if (event.connId === connId) followHost(call, deps);
  };
  const stops = (["EventPartyChanged", "EventPartyAdded", "EventPartyDeleted"] as const).map((name) => deps.bus.on(name, follow));
  call.unfollow = () => {
    for (const stop of stops) stop();
  };
  return call;
}

/** A guest's row lists the call model's parties as they come and go. */
function followHost(call: RecordedCall, deps: GuestRecordingDeps): void {
  const guest = call.guest;
  if (!guest || deps.calls.get(call.connId) !== call) return;
  const current = deps.extensions.get(CALL_PARTIES, DEFAULT_CALL_PARTIES)?.parties(call.connId) ?? [];
  const now = new Date().toISOString();
  const same = (a: { dn: string; role: string }, b: { dn: string; role: string }): boolean => a.dn === b.dn && a.role === b.role;
  for (const party of guest.parties) if (party.to === undefined && !current.some((p) => same(p, party))) party.to = now;
  for (const p of current) if (!guest.parties.some((party) => party.to === undefined && same(p, party))) guest.parties.push({ dn: p.dn, role: p.role, from: now });
  call.session?.setParties(guest.parties, current.find((p) => p.role === "agent")?.dn ?? null);
}
