/** Coded errors of the recording plugin. Each code has a row under `## recording` in `docs/errors.md`. */
import { defineError } from "@tandem/sdk";

export const RecordingErrors = {
  notFound: defineError("TANDEM_ERR_RECORDING_NOT_FOUND", "recording %s does not exist", { httpStatus: 404 }),
  fileMissing: defineError("TANDEM_ERR_RECORDING_FILE_MISSING", "recording %s has no file (%s)", { httpStatus: 404 }),
  badRange: defineError("TANDEM_ERR_RECORDING_BAD_RANGE", "range %s cannot be served from a file of %s bytes", { httpStatus: 416 }),
  badState: defineError("TANDEM_ERR_RECORDING_BAD_STATE", "%s on call %s: %s", { httpStatus: 409 }),
  notRecording: defineError("TANDEM_ERR_RECORDING_NOT_RECORDING", "%s: call %s is not being recorded", { httpStatus: 409 }),
  unavailable: defineError("TANDEM_ERR_RECORDING_UNAVAILABLE", "%s: %s is not available (is the %s plugin enabled?)", { httpStatus: 503 }),
  startFailed: defineError("TANDEM_ERR_RECORDING_START_FAILED", "recording call %s could not start: %s", { httpStatus: 502 }),
  diskFull: defineError("TANDEM_ERR_RECORDING_DISK_FULL", "recording %s of call %s ended: the disk of %s is full (%s)", { httpStatus: 507 }),
  writeFailed: defineError("TANDEM_ERR_RECORDING_WRITE_FAILED", "recording %s of call %s could not be written: %s", { httpStatus: 500 }),
  srsFailed: defineError("TANDEM_ERR_RECORDING_SRS_FAILED", "SIPREC session of call %s to %s failed: %s", { httpStatus: 502 }),
  srsLost: defineError("TANDEM_ERR_RECORDING_SRS_LOST", "SIPREC session of call %s to %s was lost (%s); %s", { httpStatus: 502 }),
  stillRecording: defineError("TANDEM_ERR_RECORDING_IN_PROGRESS", "recording %s is still in progress; stop it first", { httpStatus: 409 }),
} as const;
