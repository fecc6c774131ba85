/**
 * Mode switches (domain.md §1.5, Genesys "Monitoring modes"): RequestSetMuteOff → `connect`, RequestSetMuteOn →
 * `mute`; with `MonitorMode=coach`, RequestSetMuteOff from `mute` and RequestSetMuteOn from `connect` → `coach`.
 * Asking for the mode the supervisor is already in is accepted and changes nothing.
 */
import type { MonitorMode, McuPartyModeName } from "@tandem/sdk";

export type MuteSwitch = "RequestSetMuteOn" | "RequestSetMuteOff";

/** The mode after `request`, or undefined when the switch is not allowed from `from`. */
export function nextMode(from: MonitorMode, request: MuteSwitch, coach: boolean): MonitorMode | undefined {
  if (!coach) return request === "RequestSetMuteOn" ? "mute" : "connect";
  if (from === "coach") return "coach";
  if (request === "RequestSetMuteOff") return from === "mute" ? "coach" : undefined;
  return from === "connect" ? "coach" : undefined;
}

/** The MCU party mode a monitor mode needs. */
export function mcuModeOf(mode: MonitorMode): McuPartyModeName {
  return mode === "mute" ? "listen-only" : mode === "coach" ? "whisper" : "speak-listen";
}
