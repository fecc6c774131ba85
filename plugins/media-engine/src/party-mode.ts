/**
 * A requested party mode checked against the engine's capabilities: an unknown mode, or a whisper without a list of
 * target parties, is refused with a coded error rather than taken as speak-listen.
 */
import { McuErrors, type McuCapabilities, type McuPartyMode } from "@tandem/sdk";
import type { WireMode } from "./protocol.js";

export function toWireMode(adapter: string, capabilities: McuCapabilities, mode: McuPartyMode | undefined): WireMode {
  const requested = mode ?? { mode: "speak-listen" };
  const name = typeof requested === "object" && requested !== null ? (requested as { mode?: unknown }).mode : undefined;
  if (typeof name !== "string" || !(capabilities.modes as readonly string[]).includes(name)) throw McuErrors.unsupported(adapter, `mode ${String(name)}`);
  if (requested.mode !== "whisper") return { mode: requested.mode };
  const to: unknown = requested.to;
  if (!Array.isArray(to) || !to.every((id): id is string => typeof id === "string")) {
    throw McuErrors.unsupported(adapter, "mode whisper without a list of target party ids");
  }
  return { mode: "whisper", to: [...to] };
}
