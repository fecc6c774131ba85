/**
 * A supervised call's room: the call's own legs' room parties, the supervisors' seats, and the features sharing
 * it. A supervisor's seat joins in the MCU mode its monitor mode asks for.
 */
import type { McuParty, McuPartyMode, McuRoom, MonitorMode, SipLeg } from "@tandem/sdk";
import type { SupervisorGone } from "./call-joiner.js";

/**
 * Room party ids of the agents a conference adds to a supervised call: known before they join, so a recording
 * that is a guest of the room names them on its agent channel from the start (`SharedCallRoom.joiningAgentPartyIds`).
 */
export const JOINING_AGENT_SEATS = ["agent-seat-2", "agent-seat-3"] as const;

export interface SupervisorSeat {
  readonly supervisorDn: string;
  readonly ringing: AbortController;
  leg?: SipLeg;
  member?: McuParty;
  onGone: (why: SupervisorGone) => void;
  /** Set when we end the seat ourselves, so the leg's end is not taken for a hang-up. */
  leaving: boolean;
}

export interface SupervisedRoom {
  readonly connId: string;
  readonly room: McuRoom;
  /** Room party by leg id, for the call's own legs. */
  readonly members: Map<string, McuParty>;
  /** The agent's room party id (what a coaching supervisor whispers to), and the leg now in that seat. */
  agentPartyId?: string;
  agentLegId?: string;
  readonly seats: Map<string, SupervisorSeat>;
  /** Agents' room party ids now. */
  readonly agents: () => readonly string[];
  /** Other features using this room (their end listeners); the room is kept while there are any. */
  readonly guests: Set<() => void>;
  /** Set when the room is another owner's: stops listening to its end. */
  host?: () => void;
}

/** The MCU mode of a supervisor's seat: `coach` whispers to the agents' room parties as they are now. */
export function seatModeOf(room: SupervisedRoom, mode: MonitorMode): McuPartyMode {
  if (mode === "mute") return { mode: "listen-only" };
  if (mode === "coach") return { mode: "whisper", to: [...room.agents()] };
  return { mode: "speak-listen" };
}

/** Takes a supervisor's seat out of the room (its room party leaves; its phone leg is the caller's to end). */
export function dropSeat(room: SupervisedRoom, seat: SupervisorSeat): void {
  if (room.seats.get(seat.supervisorDn) === seat) room.seats.delete(seat.supervisorDn);
  void seat.member?.leave().catch(() => undefined);
  seat.member = undefined;
}
