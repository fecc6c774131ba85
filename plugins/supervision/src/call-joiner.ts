/**
 * What the supervision requests need of the media side: ring the supervisor's phone and put it in the call's
 * room in a mode, change the mode, take it out. Implemented on the call model's seam and the media rooms
 * (supervised-calls.ts); unit tests give their own.
 */
import type { MonitorMode } from "@tandem/sdk";
import type { Monitoring } from "./monitorings.js";

/** Why a supervisor's leg ended without being asked to. */
export type SupervisorGone = "hung-up" | "call-ended";

export interface CallJoiner {
  /** Throws (coded, naming the MCU adapter) when `mode` cannot be honoured. */
  assertMode(name: string, mode: MonitorMode): void;
  /**
   * Rings `m.supervisorDn` through the trunk and joins it to call `connId` in `m.mode`. `onGone` runs once when
   * the supervisor's leg ends other than by {@link leave} (the supervisor hung up, or the call ended).
   */
  join(m: Monitoring, connId: string, onGone: (why: SupervisorGone) => void): Promise<void>;
  setMode(m: Monitoring, mode: MonitorMode): Promise<void>;
  /** Takes the supervisor out of its call (BYE to its phone); the call goes on. */
  leave(m: Monitoring): Promise<void>;
}
