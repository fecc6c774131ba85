/**
 * Coded errors of the mcu-janus plugin itself; refusals of rooms and parties use the contract's `McuErrors`.
 * Each code has a row under `## mcu` in `docs/errors.md`.
 */
import { defineError, McuErrors, type TandemError } from "@tandem/sdk";

export const JanusErrors = {
  connect: defineError("TANDEM_ERR_MCU_JANUS_CONNECT", "MCU adapter %s cannot reach Janus at %s: %s", { sipStatus: 503, httpStatus: 503 }),
  request: defineError("TANDEM_ERR_MCU_JANUS_REQUEST", "MCU adapter %s: Janus refused %s: %s", { sipStatus: 503, httpStatus: 502 }),
} as const;

/** A failed Janus request as the contract's error: down when the connection went, else the Janus refusal. */
export function janusFailure(adapter: string, what: string, error: unknown): TandemError {
  const message = error instanceof Error ? error.message : String(error);
  if (/connection lost/.test(message)) return McuErrors.down(adapter, message);
  return JanusErrors.request(adapter, what, message);
}
