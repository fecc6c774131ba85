/** Coded errors of the media plugin. Each code has a row under `## mcu` in `docs/errors.md`. */
import { defineError } from "@tandem/sdk";

export const MediaPluginErrors = {
  noAdapter: defineError(
    "TANDEM_ERR_MCU_NO_ADAPTER",
    "plugins.media.adapter is %s, but no enabled plugin provides that MCU adapter (provided: %s)",
    { httpStatus: 503 },
  ),
} as const;
