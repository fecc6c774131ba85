/**
 * Coded errors of the MCU adapter contract (`mcu-adapter.ts`). Every adapter refuses with these, naming itself,
 * so a consumer can tell "this adapter cannot" from "this adapter is full" or "down" whichever adapter is
 * configured. Each code has a row under `## mcu` in `docs/errors.md`.
 */
import { defineError } from "./errors.js";

/** The MCU contract's coded errors; each factory's first argument is the adapter's name. */
export const McuErrors = {
  unsupported: defineError("TANDEM_ERR_MCU_UNSUPPORTED", "MCU adapter %s does not support %s", { sipStatus: 488, httpStatus: 501 }),
  limit: defineError("TANDEM_ERR_MCU_LIMIT", "MCU adapter %s is at its limit of %s", { sipStatus: 503, httpStatus: 503 }),
  portsExhausted: defineError("TANDEM_ERR_MCU_PORTS_EXHAUSTED", "MCU adapter %s has no free RTP port pair in %s", { sipStatus: 503, httpStatus: 503 }),
  down: defineError("TANDEM_ERR_MCU_DOWN", "MCU adapter %s is down (%s); no new rooms until it is up", { sipStatus: 503, httpStatus: 503 }),
  noCommonCodec: defineError("TANDEM_ERR_MCU_NO_COMMON_CODEC", "MCU adapter %s shares no codec with party %s (offered: %s)", { sipStatus: 488, httpStatus: 400 }),
  badSdp: defineError("TANDEM_ERR_MCU_BAD_SDP", "MCU adapter %s cannot use the SDP of party %s: %s", { sipStatus: 488, httpStatus: 400 }),
  unknownRoom: defineError("TANDEM_ERR_MCU_UNKNOWN_ROOM", "MCU adapter %s has no room %s", { httpStatus: 404 }),
  unknownParty: defineError("TANDEM_ERR_MCU_UNKNOWN_PARTY", "MCU adapter %s has no party %s in room %s", { httpStatus: 404 }),
  duplicateParty: defineError("TANDEM_ERR_MCU_DUPLICATE_PARTY", "MCU adapter %s already has party %s in room %s", { httpStatus: 409 }),
  wrongState: defineError("TANDEM_ERR_MCU_WRONG_STATE", "MCU adapter %s cannot %s: %s", { httpStatus: 409 }),
  playFailed: defineError("TANDEM_ERR_MCU_PLAY_FAILED", "MCU adapter %s cannot play %s: %s", { httpStatus: 422 }),
  recordFailed: defineError("TANDEM_ERR_MCU_RECORD_FAILED", "MCU adapter %s cannot record to %s: %s", { httpStatus: 422 }),
} as const;
