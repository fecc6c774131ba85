/**
 * Coded errors of the media-engine plugin itself; refusals of rooms and parties use the contract's `McuErrors`.
 * Each code has a row under `## mcu` in `docs/errors.md`.
 */
import { defineError } from "@tandem/sdk";

export const EngineErrors = {
  config: defineError("TANDEM_ERR_MCU_ENGINE_CONFIG", "plugins.media-engine: %s"),
  workerLost: defineError("TANDEM_ERR_MCU_ENGINE_WORKER_LOST", "media engine mixer worker %s stopped (%s); its %s room(s) ended"),
} as const;
